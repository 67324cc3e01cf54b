"""One declared schema for every TOML file of the data root, checked before anything reads it.

The concept files (``concepts/*.toml``), the ontology (``concepts/kinds.toml``), the layouts
(``concepts/layouts.toml``), the gazetteer (``gazetteer.toml``) and the corpus metadata
(``plans/plans.toml``) are each described below by a :class:`Spec` tree: the type of every
value, its range, that numbers are finite, that colours are hex colours (no ``url()``, no CSS),
that names are long enough to be matched safely. :func:`problems` walks a parsed file against
its spec and returns one line per wrong value — file, item, what is wrong and the fix — so
that the loaders, which only read the values, never meet a value of the wrong type.

Meaning (unknown place names, roles, kinds, quotes not in their provision) stays with the
loaders; this module checks shape. It also bounds what the loaders follow recursively: a chain
of ``parts`` deeper than :data:`MAX_DEPTH` is refused (:func:`parts_depth_problems`).

Examples
--------
>>> problems({"kind": {"core": {"order": "x"}}}, KINDS, file="kinds.toml")
["kinds.toml: kind core: order = 'x' is a string, expected an integer; write order = 1"]
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.errors import DataError

#: The deepest chain of ``parts`` (element in element in …) the catalog accepts.
MAX_DEPTH = 50

#: Layout ids the build itself uses for a page: a layout of that id would be overwritten.
RESERVED_PAGES = ("index", "atlas")

BOM = b"\xef\xbb\xbf"

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_STYLE = re.compile(r"[a-z0-9-]*")


@dataclass(frozen=True)
class Spec:
    """The shape of one value.

    ``type`` is one of ``str``, ``strs`` (a string or an array of strings), ``int``, ``float``
    (finite), ``bool``, ``colour`` (``#rgb`` or ``#rrggbb``), ``list`` (of ``item``), ``table``
    (``fields``; other keys are left to the loader), ``map`` (any keys, values ``item``).
    """

    type: str
    item: Spec | None = None
    fields: Mapping[str, Spec] = field(default_factory=dict)
    lo: float | None = None
    hi: float | None = None
    positive: bool = False
    min_len: int = 0
    pattern: re.Pattern[str] | None = None
    forbid: tuple[str, ...] = ()
    keys: re.Pattern[str] | None = None
    example: str = "…"
    #: For a ``list`` of tables or a ``map``: how one item is named, e.g. ``element`` (by the
    #: ``label_key`` field, else its number).
    label: str = ""
    label_key: str = ""
    #: Another shape the value may take instead, e.g. a site given by name (a string) where a
    #: table is the other choice; a value of ``alt.type`` is checked against ``alt``.
    alt: Spec | None = None


def _s(example: str = '"…"', **kw: Any) -> Spec:
    return Spec("str", example=example, **kw)


def _strs(example: str = '["…"]', **kw: Any) -> Spec:
    return Spec("strs", example=example, **kw)


def _table(fields: Mapping[str, Spec], example: str = "{ … }") -> Spec:
    return Spec("table", fields=fields, example=example)


_SITE_FIELDS = {
    "lon": Spec("float", lo=-180, hi=180, example="103.8"),
    "lat": Spec("float", lo=-90, hi=90, example="36.06"),
    "basis": _s('"inferred"'),
    "source": _s(),
    "precision_deg": Spec("float", positive=True, hi=10, example="0.05"),
}
_SITE = _table(
    _SITE_FIELDS,
    example='{ lon = 103.8, lat = 36.06, basis = "inferred", source = "…", precision_deg = 0.05 }',
)
_QUOTE = _table(
    {"text": _s(), "provision": _s('"lz-3-p1"')}, example='{ text = "…", provision = "lz-3-p1" }'
)

#: ``layers/sites.toml``: named sub-county places, one ``[[site]]`` each.
SITES = _table(
    {
        "site": Spec(
            "list",
            label="site",
            label_key="name",
            example="[[site]] tables",
            item=_table(
                {"name": _s('"山丹马场"'), "adcode": _s('"620725"'), **_SITE_FIELDS},
                example='{ name = "…", adcode = "620725", lon = …, lat = …, basis = "inferred", '
                'source = "…", precision_deg = 0.05 }',
            ),
        )
    }
)

_MEMBER = _table(
    {
        "name": _s(),
        "role": _s('"member"'),
        "basis": _s('"stated"'),
        "source": _s(),
        "partial": Spec("bool", example="true"),
        "level": _s('"county"'),
        "site": Spec(
            "table",
            fields=_SITE.fields,
            example=_SITE.example,
            alt=_s('"山丹马场" (a [[site]] of layers/sites.toml)'),
        ),
        "quote": _QUOTE,
    },
    example='{ name = "…", role = "member", basis = "stated" }',
)

#: ``concepts/<plan>.toml``: the elements of one plan.
CONCEPTS = _table(
    {
        "element": Spec(
            "list",
            label="element",
            label_key="id",
            example="[[element]] tables",
            item=_table(
                {
                    "id": _s('"lz_yihe"'),
                    "name": _s(),
                    "name_en": _s(),
                    "aliases": _strs(),
                    "plan": _s('"lz"'),
                    "kind": _s('"core"'),
                    "parent": _s('"lz_yihe"'),
                    "parts": _strs('["lz_yihe_xinqu"]'),
                    "path": _strs('["兰州市", "白银市"]'),
                    "paths": Spec("list", item=_strs(), example='[["兰州市", "白银市"]]'),
                    "members": Spec("list", item=_MEMBER, example=f"[{_MEMBER.example}]"),
                    "quotes": Spec(
                        "list",
                        item=_table(
                            {"text": _s(), "provision": _s('"lz-3-p1"')},
                            example='{ text = "…", provision = "lz-3-p1" }',
                        ),
                        example='[{ text = "…", provision = "lz-3-p1" }]',
                    ),
                    "provisions": _strs('["lz-3-p1"]'),
                    "notes": _strs(),
                }
            ),
        )
    }
)

#: ``concepts/kinds.toml``: the ontology.
KINDS = _table(
    {
        "kind": Spec(
            "map",
            label="kind",
            example="[kind.NAME] tables",
            item=_table(
                {
                    "zh": _s(),
                    "en": _s(),
                    "geometry": _s('"area"'),
                    "colour": Spec("colour", example='"#c0392b"'),
                    "style": _s('"fill"', pattern=_STYLE),
                    "order": Spec("int", lo=0, hi=10_000, example="1"),
                    "description": _s(),
                }
            ),
        ),
        "role": Spec(
            "map", label="role", item=_table({"zh": _s(), "description": _s()}), example="{}"
        ),
        "basis": Spec(
            "map",
            label="basis",
            item=_table({"zh": _s(), "description": _s(), "style": _s('"solid"', pattern=_STYLE)}),
            example="{}",
        ),
        "part": Spec(
            "map",
            label="part",
            item=_table({"zh": _s(), "description": _s(), "style": _s('"fill"', pattern=_STYLE)}),
            example="{}",
        ),
    }
)

#: ``concepts/layouts.toml``: the layouts (one page each).
LAYOUTS = _table(
    {
        "layout": Spec(
            "list",
            label="layout",
            label_key="id",
            example="[[layout]] tables",
            item=_table(
                {
                    "id": _s('"lz_yihe_liangji_sidai"', forbid=RESERVED_PAGES),
                    "name": _s(),
                    "name_en": _s(),
                    "plan": _s('"lz"'),
                    "elements": _strs('["lz_yihe"]'),
                    "figure": _s('"lz-3-fig1"'),
                    "caption": _s(),
                    "notes": _strs(),
                }
            ),
        )
    }
)

_NAMES = Spec("list", item=_s(min_len=2), example='["兰州"]')

#: ``gazetteer.toml``: names → adcodes. A name of one character would match inside other
#: words (州, 县), so every name has at least two.
GAZETTEER = _table(
    {
        "match": _table({"before": _s(), "after": _s(), "chain": _s()}),
        "unit": Spec(
            "list",
            label="[[unit]]",
            label_key="name",
            example="[[unit]] tables",
            item=_table(
                {
                    "adcode": _s('"620100"'),  # its form is checked by the gazetteer
                    "name": _s('"兰州市"', min_len=2),
                    "level": _s('"county"'),
                    "parent": _s('"620100"'),
                    "short": _NAMES,
                    "former": _NAMES,
                    "strict": _NAMES,
                }
            ),
        ),
        "name": Spec(
            "list",
            label="[[name]]",
            label_key="name",
            example="[[name]] tables",
            item=_table(
                {
                    "name": _s('"兰白"', min_len=2),
                    "kind": _s('"combined"'),
                    "adcodes": Spec("list", item=_s(), example='["620100"]'),
                    "partial": Spec("bool", example="true"),
                    "strict": Spec("bool", example="true"),
                    "note": _s(),
                }
            ),
        ),
        "stop": Spec(
            "list",
            label="[[stop]]",
            label_key="text",
            example="[[stop]] tables",
            item=_table({"text": _s(min_len=2), "of": _s('"places"'), "note": _s()}),
        ),
    }
)

_SKIP = _table({"text": _s(), "reason": _s()}, example='{ text = "…", reason = "…" }')

#: ``plans/plans.toml``: which document holds which plans.
PLANS = _table(
    {
        "documents": Spec(
            "list",
            label="[[documents]]",
            label_key="id",
            example="[[documents]] tables",
            item=_table(
                {
                    "id": _s('"003"'),
                    "file": _s('"003_….txt"'),
                    "title": _s(),
                    "issuer": _s(),
                    "date": _s('"2021-10-10"'),
                    "printed": _s('"2021-10-15"'),
                    "number": _s(),
                    "notice": _s('"gzb2021"'),
                    "note": _s(),
                    "skip": Spec("list", item=_SKIP, example=f"[{_SKIP.example}]"),
                }
            ),
        ),
        "plans": Spec(
            "list",
            label="[[plans]]",
            label_key="id",
            example="[[plans]] tables",
            item=_table(
                {
                    "id": _s('"lz"'),
                    "document": _s('"003"'),
                    "title": _s(),
                    "start": _s(),
                    "issuer": _s(),
                    "date": _s(),
                    "period": _s('"2021-2025"'),
                    "note": _s(),
                    "box_ends": Spec(
                        "map", keys=re.compile(r"\d+"), item=_s(), example='{ "12" = "…" }'
                    ),
                }
            ),
        ),
    }
)


# --- checking ----------------------------------------------------------------------------------


_TYPE_NAMES = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    list: "an array",
    dict: "a table",
}

_EXPECTED = {
    "str": "a string",
    "strs": "a string or an array of strings",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "colour": 'a hex colour such as "#c0392b"',
    "list": "an array",
    "table": "a table",
    "map": "a table",
}


def _type_name(value: Any) -> str:
    for t, name in _TYPE_NAMES.items():
        if type(value) is t:
            return name
    return f"a {type(value).__name__}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _is(value: Any) -> str:
    """``= 5 is an integer`` for a single value, ``is an array`` for the others."""
    if isinstance(value, str | int | float | bool):
        return f"= {_show(value)} is {_type_name(value)}"
    return f"is {_type_name(value)}"


def _check(value: Any, spec: Spec, key: str, where: str, out: list[str]) -> None:
    """Append to ``out`` the problems of ``value`` (at ``key`` of the item ``where``)."""

    def bad(what: str, fix: str | None = None) -> None:
        out.append(f"{where}: {key} {what}; {fix or f'write {key} = {spec.example}'}")

    if spec.alt is not None and isinstance(value, str) and spec.alt.type == "str":
        spec = spec.alt
    t = spec.type
    if t in ("str", "colour"):
        if not isinstance(value, str):
            bad(f"{_is(value)}, expected {_EXPECTED[t]}")
        elif t == "colour" and not _HEX.fullmatch(value):
            bad(
                f"= {_show(value)} is not a hex colour (no url(), names or CSS)",
                f"write {key} = {spec.example}",
            )
        elif len(value.strip()) < spec.min_len and value.strip():
            bad(
                f"= {_show(value)} has fewer than {spec.min_len} characters; it would match "
                "inside other words",
                "remove it or give a longer form",
            )
        elif spec.pattern is not None and value and not spec.pattern.fullmatch(value):
            bad(f"= {_show(value)} is malformed")
        elif value in spec.forbid:
            bad(
                f"= {value!r} is the name of a page the build writes itself ({value}.html)",
                "choose another id",
            )
    elif t == "strs":
        if isinstance(value, str):
            return
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad(f"{_is(value)}, expected {_EXPECTED[t]}")
    elif t in ("int", "float"):
        ok = isinstance(value, int) if t == "int" else isinstance(value, int | float)
        if not ok or isinstance(value, bool):
            bad(f"{_is(value)}, expected {_EXPECTED[t]}")
        elif not math.isfinite(value):
            bad(f"= {value} is not a finite number")
        elif spec.positive and value <= 0:
            bad(f"= {value} is not positive")
        elif (spec.lo is not None and value < spec.lo) or (spec.hi is not None and value > spec.hi):
            bad(f"= {value} is out of range ({spec.lo if spec.lo is not None else 0}..{spec.hi})")
    elif t == "bool":
        if not isinstance(value, bool):
            bad(f"{_is(value)}, expected {_EXPECTED[t]}")
    elif t == "list":
        if not isinstance(value, list):
            bad(f"{_is(value)}, expected {_EXPECTED[t]}")
            return
        assert spec.item is not None
        for i, item in enumerate(value, 1):
            if spec.label:
                name = item.get(spec.label_key) if isinstance(item, dict) else None
                label = name if isinstance(name, str) and name else f"#{i}"
                _check_table(item, spec.item, f"{where}: {spec.label} {label}", out, spec)
            else:
                _check(item, spec.item, f"{key}[{i}]", where, out)
    elif t == "map":
        if not isinstance(value, dict):
            bad(f"{_is(value)}, expected {_EXPECTED[t]}")
            return
        assert spec.item is not None
        for k, item in value.items():
            if spec.keys is not None and not spec.keys.fullmatch(k):
                bad(f"has the key {k!r}, which is malformed")
            elif spec.label:
                _check_table(item, spec.item, f"{where}: {spec.label} {k}", out, spec)
            else:
                _check(item, spec.item, f"{key}.{k}", where, out)
    elif t == "table":
        if not isinstance(value, dict):
            bad(f"{_is(value)}, expected {_EXPECTED[t]}")
            return
        for k, sub in spec.fields.items():
            if k in value:
                _check(value[k], sub, f"{key}.{k}" if key else k, where, out)
    else:  # pragma: no cover - the specs above use only these types
        raise ValueError(t)


def _check_table(value: Any, spec: Spec, where: str, out: list[str], parent: Spec) -> None:
    if not isinstance(value, dict):
        out.append(f"{where}: is {_type_name(value)}, expected a table; write {parent.example}")
        return
    for k, sub in spec.fields.items():
        if k in value:
            _check(value[k], sub, k, where, out)


def problems(data: Any, spec: Spec, *, file: str) -> list[str]:
    """Every value of ``data`` (a parsed TOML file) that does not fit ``spec``, one line each:
    ``<file>: <item>: <key> = <value> is …; write <key> = <example>``."""
    out: list[str] = []
    for key, sub in spec.fields.items():
        if key in data:
            _check(data[key], sub, key, file, out)
    return out


def require(data: Any, spec: Spec, *, file: str | Path, what: str) -> None:
    """Raise a one-line :class:`~geo.errors.DataError` for the first problem of ``data``
    (``what`` names the file's role, e.g. ``gazetteer``), with the count of the others."""
    found = problems(data, spec, file=str(file))
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise DataError(f"{what} {found[0]}{more}")


def bom_problem(raw: bytes, *, file: str | Path) -> str | None:
    """The problem of a file that starts with a UTF-8 byte-order mark, or None."""
    if raw.startswith(BOM):
        return (
            f"{file} starts with a byte-order mark (BOM, bytes EF BB BF); "
            "save it as UTF-8 without BOM"
        )
    return None


# --- the catalog folder as a whole -------------------------------------------------------------


def parts_depth_problems(
    elements: Iterable[Mapping[str, Any]], *, file_of: Mapping[str, str]
) -> list[str]:
    """Chains of ``parts`` deeper than :data:`MAX_DEPTH` (counted without recursion)."""
    parts: dict[str, list[str]] = {}
    for e in elements:
        eid, raw = e.get("id"), e.get("parts")
        if isinstance(eid, str):
            parts[eid] = (
                [raw] if isinstance(raw, str) else [p for p in raw or [] if isinstance(p, str)]
            )
    depth: dict[str, int] = {}
    out: list[str] = []
    for start in sorted(parts):
        if start in depth:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        on_path: list[str] = []
        while stack:
            eid, i = stack.pop()
            if i == 0:
                on_path.append(eid)
            children = parts.get(eid, [])
            if len(on_path) > MAX_DEPTH:
                out.append(
                    f"{file_of.get(start, '?')}: element {start}: parts nest more than "
                    f"{MAX_DEPTH} deep (through {eid}); flatten the chain"
                )
                return out
            if i < len(children):
                stack.append((eid, i + 1))
                child = children[i]
                if child in parts and child not in on_path and child not in depth:
                    stack.append((child, 0))
            else:
                on_path.pop()
                depth[eid] = 1 + max((depth.get(c, 0) for c in children), default=0)
    return out


def catalog_problems(folder: Path, *, ontology: str, layouts: str) -> list[str]:
    """The schema problems of every TOML file of the catalog folder (files that are not valid
    TOML are left to the loader, which reports them)."""
    out: list[str] = []
    elements: list[Mapping[str, Any]] = []
    file_of: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        bom = bom_problem(raw, file=path.name)
        if bom:
            out.append(bom)
            continue
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        except RecursionError:
            out.append(f"{path.name}: nests arrays or tables too deeply; flatten the file")
            continue
        spec = KINDS if path.name == ontology else LAYOUTS if path.name == layouts else CONCEPTS
        out += problems(data, spec, file=path.name)
        if spec is CONCEPTS and isinstance(data.get("element"), list):
            for e in data["element"]:
                if isinstance(e, dict):
                    elements.append(e)
                    if isinstance(e.get("id"), str):
                        file_of.setdefault(e["id"], path.name)
    sites = folder.parent / "sites.toml"  # the named sites members may point to
    if sites.is_file():
        try:
            raw = sites.read_bytes()
            data = tomllib.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            data = None  # the loader reports it
        if data is not None:
            out += [p for p in [bom_problem(raw, file=sites.name)] if p]
            out += problems(data, SITES, file=sites.name)
    if not out:
        out += parts_depth_problems(elements, file_of=file_of)
    return out
