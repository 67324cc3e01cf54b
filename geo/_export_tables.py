"""Plain tables of the exports: memberships, layouts, plans, provisions (see :mod:`geo.export`).

Everything here reads the tags that :func:`geo.catalog.tag_units` put on the admin units (the
``concepts`` JSON), so the tables, the per-layout columns and the maps agree by construction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

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
#: Mark of a partial membership in the per-layout columns (the unit holds part of the member).
PARTIAL_MARK = "（部分）"
_FIELD = 10  # dBASE field names hold 10 characters
#: Names of the admin layers' own columns (as a Shapefile has them): no layout column takes one.
_RESERVED = (
    "adcode", "name", "names", "level", "parent", "area_km2", "seat_lon", "seat_lat",
    "seat_src", "concepts", "concept_zh", "geometry",
)  # fmt: skip


def layout_columns(layouts: Sequence[Any]) -> dict[str, str]:
    """Layout id → the name of its column on the admin layers (at most 10 characters).

    The layout id itself where it fits, else its first 10 characters; where that name is
    taken (by another layout or an admin column), its first 7 characters, ``_`` and the
    layout's 2-digit position in ``layouts.toml``.

    Examples
    --------
    >>> from types import SimpleNamespace as L
    >>> layout_columns([L(id="lz_tongdao"), L(id="hx_chengzhen_a"), L(id="hx_chengzhen_b")])
    {'lz_tongdao': 'lz_tongdao', 'hx_chengzhen_a': 'hx_chengzh', 'hx_chengzhen_b': 'hx_chen_03'}
    """
    out: dict[str, str] = {}
    used = set(_RESERVED)
    for i, lay in enumerate(layouts, start=1):
        name = lay.id[:_FIELD]
        if name in used:
            name = f"{lay.id[:7]}_{i:02d}"
        used.add(name)
        out[lay.id] = name
    return out


def _entries(frame: pd.DataFrame) -> list[list[dict[str, Any]]]:
    return [json.loads(v) for v in frame["concepts"]]


def add_layout_columns(frame: Any, catalog: Any) -> Any:
    """A copy of a tagged admin layer with one text column per layout (:func:`layout_columns`).

    A unit's value lists, in layout order and ``、``-separated, the names of the layout's
    elements it belongs to, each partial membership marked ``（部分）``; empty when none.
    """
    columns = layout_columns(catalog.layouts)
    entries = _entries(frame)
    out = frame.copy()
    for lay in catalog.layouts:
        order = {eid: i for i, eid in enumerate(lay.elements)}
        values = []
        for unit in entries:
            inside = sorted((x for x in unit if x["id"] in order), key=lambda x: order[x["id"]])
            values.append(
                "、".join(x["name"] + (PARTIAL_MARK if x["partial"] else "") for x in inside)
            )
        out[columns[lay.id]] = values
    return out


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


def layouts_table(catalog: Any, columns: Mapping[str, str]) -> pd.DataFrame:
    """The ``layouts`` lookup: the column of each layout on the admin layers, its names,
    plan, caption, figure provision and elements (comma-separated ids)."""
    return pd.DataFrame(
        [
            {
                "column": columns[lay.id],
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
