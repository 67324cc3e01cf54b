"""Plain tables of the exports: memberships, layouts, plans, provisions (see :mod:`geo.export`).

Everything here reads the tags that :func:`geo.catalog.tag_units` put on the admin units (the
``concepts`` JSON), so the tables, the layout fields and the maps agree by construction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.errors import OutputError

#: Columns of the ``memberships`` table (all names fit a Shapefile/dBASE field).
MEMBERSHIP_COLUMNS = (
    "adcode",
    "unit",
    "level",
    "element",
    "name",
    "plan",
    "kind",
    "role",
    "basis",
    "partial",
    "via",
    "layouts",
    "provisions",
)
#: Mark of a partial membership in the layout fields (the unit holds part of the member).
PARTIAL_MARK = "（部分）"
#: Separator of the element names in a layout field (names themselves hold 、).
SEPARATOR = "；"
#: Bytes a dBASE (Shapefile) text field holds: every layout field is sized to fit them.
FIELD_BYTES = 254
_FIELD = 10  # dBASE field names hold 10 characters
#: Names of the admin layers' own columns (as a Shapefile has them): no layout field takes one.
_RESERVED = (
    "adcode", "name", "names", "level", "parent", "area_km2", "seat_lon", "seat_lat",
    "seat_src", "concepts", "concept_zh", "geometry",
)  # fmt: skip


@dataclass(frozen=True)
class LayoutField:
    """One layout field of the admin layers: its ``name`` (at most 10 characters), the
    ``layout`` it belongs to, its ``part`` (1, 2 … of that layout's fields) and the
    ``elements`` whose names it holds (a run of the layout's elements, in layout order)."""

    name: str
    layout: str
    part: int
    elements: tuple[str, ...]


def element_token(element: Any) -> str:
    """How an element is written in a layout field: its name, or its id where the name with
    :data:`PARTIAL_MARK` would not fit :data:`FIELD_BYTES`.

    Raises
    ------
    OutputError
        The id does not fit either.
    """
    room = FIELD_BYTES - _bytes(PARTIAL_MARK)
    for token in (element.name, element.id):
        if _bytes(token) <= room:
            return token
    raise OutputError(
        f"element id {element.id[:40]!r}… is longer than the {room} bytes a Shapefile field "
        "holds; shorten it in layers/concepts"
    )


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _runs(tokens: Sequence[tuple[str, str]]) -> list[tuple[str, ...]]:
    """The elements ``(id, token)`` cut into runs, in order, each of whose tokens together,
    every one marked partial and separated, fit :data:`FIELD_BYTES` (the worst a unit can
    have: whichever of them it belongs to, its value fits)."""
    runs: list[list[str]] = []
    size = 0
    for eid, token in tokens:
        width = _bytes(token) + _bytes(PARTIAL_MARK)
        if runs and size + _bytes(SEPARATOR) + width <= FIELD_BYTES:
            runs[-1].append(eid)
            size += _bytes(SEPARATOR) + width
        else:
            runs.append([eid])
            size = width
    return [tuple(r) for r in runs] or [()]


def _field_name(layout: str, position: int, part: int, used: set[str]) -> str:
    """A free name of at most 10 characters for ``part`` of the layout at ``position``: the
    layout id cut to fit (``nengyuan_j``, ``nengyuan_2``), else with the layout's 2-digit
    position (``hx_chen_09``, ``hx_ch_09_2``), else ``f`` and a counter."""
    suffix = "" if part == 1 else f"_{part}"
    room = _FIELD - len(suffix)
    candidates = [
        layout[:room].rstrip("_") + suffix,
        f"{layout[: room - 3].rstrip('_')}_{position:02d}{suffix}",
    ]
    for name in candidates:
        if name and len(name) <= _FIELD and name not in used:
            return name
    n = 1
    while f"f{n:03d}" in used:
        n += 1
    return f"f{n:03d}"


def layout_fields(catalog: Any) -> list[LayoutField]:
    """The layout fields of the admin layers (the Shapefile field map), from the catalog alone.

    A layout's elements, in layout order, are cut into runs whose names (:func:`element_token`)
    fit :data:`FIELD_BYTES` together even if a unit belonged to every one of them partially;
    each run is one field. So every value fits a dBASE field whole, for any catalog and any
    units, and an element is always in the same field. Most layouts have one field, named by
    the layout's id (``lz_tongdao``); a long one has ``_2``, ``_3`` … (``nengyuan_2``).

    Examples
    --------
    >>> from types import SimpleNamespace as N
    >>> els = {f"e_{i}": N(id=f"e_{i}", name="长" * 30) for i in range(5)}
    >>> cat = N(layouts=[N(id="nengyuan_jidi", elements=list(els))], get=els.__getitem__)
    >>> [(f.name, f.elements) for f in layout_fields(cat)]
    [('nengyuan_j', ('e_0', 'e_1')), ('nengyuan_2', ('e_2', 'e_3')), ('nengyuan_3', ('e_4',))]
    """
    out = []
    used = set(_RESERVED)
    for position, lay in enumerate(catalog.layouts, start=1):
        tokens = [(eid, element_token(catalog.get(eid))) for eid in dict.fromkeys(lay.elements)]
        for part, run in enumerate(_runs(tokens), start=1):
            name = _field_name(lay.id, position, part, used)
            used.add(name)
            out.append(LayoutField(name, lay.id, part, run))
    return out


def _entries(frame: pd.DataFrame) -> list[list[dict[str, Any]]]:
    return [json.loads(v) for v in frame["concepts"]]


def add_layout_columns(frame: Any, catalog: Any, fields: Sequence[LayoutField]) -> Any:
    """A copy of a tagged admin layer with one text column per layout field
    (:func:`layout_fields`).

    A unit's value lists, in layout order and ``；``-separated, the names of the field's
    elements it belongs to, each partial membership marked ``（部分）``; empty when none.
    """
    entries = [{x["id"]: x for x in unit} for unit in _entries(frame)]
    out = frame.copy()
    for f in fields:
        tokens = {eid: element_token(catalog.get(eid)) for eid in f.elements}
        out[f.name] = [
            SEPARATOR.join(
                tokens[eid] + (PARTIAL_MARK if unit[eid]["partial"] else "")
                for eid in f.elements
                if eid in unit
            )
            for unit in entries
        ]
    return out


def fields_table(catalog: Any, fields: Sequence[LayoutField]) -> pd.DataFrame:
    """The ``fields`` lookup (the field map of the layout fields): ``field``, ``layout``,
    ``part``, ``elements`` (comma-separated ids) and ``names`` (as the field writes them,
    ``；``-separated)."""
    return pd.DataFrame(
        [
            {
                "field": f.name,
                "layout": f.layout,
                "part": f.part,
                "elements": ",".join(f.elements),
                "names": SEPARATOR.join(element_token(catalog.get(e)) for e in f.elements),
            }
            for f in fields
        ],
        columns=["field", "layout", "part", "elements", "names"],
    )


def memberships(units: Sequence[pd.DataFrame], catalog: Any) -> pd.DataFrame:
    """One row per unit × element it belongs to (:data:`MEMBERSHIP_COLUMNS`).

    ``units`` are tagged admin layers (province, prefectures, counties). ``via`` is empty for
    a direct membership, ``prefecture`` for a county inside a member prefecture and ``county``
    for a prefecture one of whose counties is a member; ``layouts`` and ``provisions`` are the
    element's layouts and defining provisions, comma-separated.
    """
    in_layouts: dict[str, list[str]] = {}
    for lay in catalog.layouts:
        for eid in lay.elements:
            in_layouts.setdefault(eid, []).append(lay.id)
    rows = []
    for frame in units:
        for (code, name, level), unit in zip(
            zip(frame["adcode"], frame["name"], frame["level"], strict=True),
            _entries(frame),
            strict=True,
        ):
            for x in unit:
                element = catalog.get(x["id"])
                rows.append(
                    (
                        code,
                        name,
                        level,
                        x["id"],
                        x["name"],
                        x["plan"],
                        x["kind"],
                        x["role"],
                        x["basis"],
                        bool(x["partial"]),
                        x["via"] or "",
                        ",".join(in_layouts.get(x["id"], [])),
                        ",".join(element.provisions),
                    )
                )
    return pd.DataFrame(rows, columns=list(MEMBERSHIP_COLUMNS))


def layouts_table(catalog: Any, fields: Sequence[LayoutField]) -> pd.DataFrame:
    """The ``layouts`` lookup: the fields of each layout on the admin layers (comma-separated,
    see :func:`fields_table`), its names, plan, caption, figure provision and elements
    (comma-separated ids)."""
    columns: dict[str, list[str]] = {}
    for f in fields:
        columns.setdefault(f.layout, []).append(f.name)
    return pd.DataFrame(
        [
            {
                "fields": ",".join(columns[lay.id]),
                "id": lay.id,
                "name": lay.name,
                "name_en": lay.name_en,
                "plan": lay.plan,
                "caption": lay.caption,
                "figure": lay.figure or "",
                "elements": ",".join(lay.elements),
            }
            for lay in catalog.layouts
        ]
    )


def document_label(doc: Any) -> str:
    """A document as people cite it: its number (文号) where it has one, then its title."""
    return f"{doc.number} {doc.title}".strip()


def plans_table(corpus: Any) -> pd.DataFrame:
    """The ``plans`` lookup: plan id → title, issuer, date, period and its document."""
    docs = {d.id: d for d in corpus.documents}
    return pd.DataFrame(
        [
            {
                "id": p.id,
                "title": p.title,
                "issuer": p.issuer,
                "date": p.date,
                "period": p.period,
                "number": docs[p.document].number,
                "document": document_label(docs[p.document]),
                "file": docs[p.document].file,
            }
            for p in corpus.plans
        ]
    )


def provisions_table(corpus: Any) -> pd.DataFrame:
    """The ``provisions`` table; ``document`` is the document's number and title, ``file``
    the source text file."""
    from geo.corpus import COLUMNS, flat_rows

    table = pd.DataFrame(flat_rows(corpus), columns=list(COLUMNS))
    by_file = {d.file: d for d in corpus.documents}
    table.insert(2, "file", table["document"])
    table["document"] = [document_label(by_file[f]) for f in table["file"]]
    return table
