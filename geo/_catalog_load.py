"""Loading and validating the concept catalog (private: see :mod:`geo.catalog`).

Every check appends one line to a list of problems; the catalog is built only when the list is
empty, otherwise one :class:`geo.errors.CatalogError` lists them all.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from geo._catalog_types import (
    GEOMETRY_TYPES,
    MEMBER_LEVELS,
    Basis,
    Catalog,
    Element,
    Kind,
    Layout,
    Member,
    Part,
    Quote,
    Role,
    Site,
    nearest,
)
from geo._paths import data_root
from geo._schema import catalog_problems
from geo.boundaries import read_context, read_units
from geo.corpus import read_corpus
from geo.errors import AtlasError, CatalogError
from geo.gazetteer import read_gazetteer

ONTOLOGY = "kinds.toml"
LAYOUTS = "layouts.toml"
SITES = "sites.toml"  # beside the concepts folder: named sites shared by several members

#: The fix for a quote without a (valid) provision id: find it with a public command.
_FIND_PROVISION = (
    "find the quote's provision with `gansu-atlas provisions search WORDS` (a few words of "
    "the quote) and write its id"
)
_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
_LAYOUT_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_WS = re.compile(r"\s+")
# words for a city core: a prefecture followed by one of them means its city, never all of it
_CITY_CORE = re.compile(r"[市州]?(中心城区|主城区|城区)")

_ELEMENT_KEYS = {
    "id", "name", "name_en", "aliases", "plan", "kind", "parent", "parts", "path", "paths",
    "members", "quotes", "provisions", "notes",
}  # fmt: skip
_MEMBER_KEYS = {"name", "role", "basis", "source", "partial", "level", "site"}
_SITE_KEYS = {"lon", "lat", "basis", "source", "precision_deg"}
_NAMED_SITE_KEYS = _SITE_KEYS | {"name", "adcode"}
_LAYOUT_KEYS = {"id", "name", "name_en", "plan", "elements", "figure", "caption", "notes"}
_KIND_KEYS = {
    "zh",
    "en",
    "geometry",
    "colour",
    "style",
    "order",
    "description",
    "weight",
    "dash",
    "radius",
}


def _squash(text: str) -> str:
    return _WS.sub("", text)


def _city_core(text: str, names: Sequence[str]) -> str | None:
    """The first of ``names`` that ``text`` writes as a city core (白银中心城区), with that word."""
    for name in reversed(names):  # longest first: 白银市城区 before 白银…
        i = text.find(name)
        while i >= 0:
            if hit := _CITY_CORE.match(text, i + len(name)):
                return name + hit.group(0)
            i = text.find(name, i + 1)
    return None


class _Problems:
    """The list of problems, one line each."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, where: str, what: str, fix: str) -> None:
        self.lines.append(f"{where}: {what}; {fix}")


# --- files -------------------------------------------------------------------------------------


def _read_toml(path: Path, problems: _Problems) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        problems.add(path.name, f"is not valid TOML ({exc})", "fix the syntax at that line")
    except UnicodeDecodeError:
        problems.add(path.name, "is not UTF-8 text", "save the file as UTF-8")
    except OSError as exc:
        problems.add(path.name, f"cannot be read ({exc.strerror})", "check the file")
    return {}


def _named_sites(path: Path, problems: _Problems) -> dict[str, Mapping[str, Any]]:
    """The named sites of ``layers/sites.toml`` (none when the file is absent), by name."""
    if not path.is_file():
        return {}
    out: dict[str, Mapping[str, Any]] = {}
    for raw in _read_toml(path, problems).get("site", []):
        name = str(raw.get("name", "")) if isinstance(raw, Mapping) else ""
        if not name:
            problems.add(path.name, "a [[site]] without a name", "write name = …")
        elif name in out:
            problems.add(f"{path.name}: site {name}", "listed twice", "list each site once")
        else:
            out[name] = raw
    return out


def _ontology(
    path: Path, problems: _Problems
) -> tuple[dict[str, Kind], dict[str, Role], dict[str, Basis], dict[str, Part]]:
    data = _read_toml(path, problems) if path.is_file() else {}
    if not path.is_file():
        problems.add(path.name, f"is missing from {path.parent}", "restore the ontology file")
    kinds: dict[str, Kind] = {}
    for key, raw in sorted(data.get("kind", {}).items(), key=lambda kv: kv[1].get("order", 0)):
        where = f"{path.name}: kind {key}"
        extra = set(raw) - _KIND_KEYS
        if extra:
            problems.add(where, f"unknown keys {sorted(extra)}", f"use only {sorted(_KIND_KEYS)}")
        geom = raw.get("geometry")
        if geom not in GEOMETRY_TYPES:
            problems.add(where, f"geometry {geom!r}", f"use one of {list(GEOMETRY_TYPES)}")
            continue
        kinds[key] = Kind(
            id=key,
            zh=str(raw.get("zh", "")),
            en=str(raw.get("en", key)),
            geometry=geom,
            colour=str(raw.get("colour", "#000000")),
            style=str(raw.get("style", "")),
            order=int(raw.get("order", 0)),
            description=str(raw.get("description", "")),
            weight=float(raw.get("weight", 1.2)),
            dash=tuple(float(x) for x in raw.get("dash", ())),
            radius=float(raw.get("radius", 0.0)),
        )
    roles = {
        k: Role(id=k, zh=str(v.get("zh", k)), description=str(v.get("description", "")))
        for k, v in data.get("role", {}).items()
    }
    bases = {
        k: Basis(
            id=k,
            zh=str(v.get("zh", k)),
            description=str(v.get("description", "")),
            style=str(v.get("style", "")),
            fill_opacity=float(v.get("fill_opacity", 0.42)),
            dash=tuple(float(x) for x in v.get("dash", ())),
        )
        for k, v in data.get("basis", {}).items()
    }
    parts = {
        k: Part(
            id=k,
            zh=str(v.get("zh", k)),
            style=str(v.get("style", "")),
            description=str(v.get("description", "")),
            radius=float(v.get("radius", 0.0)),
        )
        for k, v in data.get("part", {}).items()
    }
    if data or not path.is_file():  # an unreadable file is one problem, already reported
        for what, table in (("kind", kinds), ("role", roles), ("basis", bases)):
            if not table and path.is_file():
                problems.add(path.name, f"defines no [{what}.*] table", f"add [{what}.NAME] tables")
    return kinds, roles, bases, parts


# --- resolution --------------------------------------------------------------------------------


def _levels(units: Any) -> dict[str, set[str]]:
    """adcode -> the levels it appears at in ``units``."""
    out: dict[str, set[str]] = {}
    if units is None:
        return out
    for code, level in zip(units["adcode"], units["level"], strict=True):
        out.setdefault(str(code), set()).add(str(level))
    return out


def _gazetteer_partial(gazetteer: Any, name: str) -> bool | None:
    """Whether the gazetteer marks ``name`` as a partial (sub-county) place, if it says."""
    entries = getattr(gazetteer, "entries", None)
    if entries is None:
        return None
    entry = None
    if isinstance(entries, Mapping):
        entry = entries.get(name)
    else:
        for e in entries:
            if getattr(e, "name", None) == name:
                entry = e
                break
    if entry is None:
        return None
    value = entry.get("partial") if isinstance(entry, Mapping) else getattr(entry, "partial", None)
    return None if value is None else bool(value)


def _suggest(gazetteer: Any, name: str) -> list[str]:
    try:
        return [str(s) for s in gazetteer.suggest(name)][:5]
    except (AttributeError, AtlasError):
        return []


def _resolve(gazetteer: Any, name: str) -> tuple[str, ...] | None:
    try:
        return tuple(str(c) for c in gazetteer.resolve(name))
    except (KeyError, AtlasError):
        return None


def _choose_level(levels: set[str], declared: str | None) -> str | None:
    if declared is not None:
        return declared if declared in levels else None
    for lv in MEMBER_LEVELS:
        if lv in levels:
            return lv
    return None


# --- elements ------------------------------------------------------------------------------------


def _strs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


class _Loader:
    def __init__(
        self,
        *,
        gazetteer: Any,
        corpus: Any,
        units: Any,
        kinds: Mapping[str, Kind],
        roles: Mapping[str, Role],
        bases: Mapping[str, Basis],
        problems: _Problems,
        sites: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.sites = sites or {}
        self.gazetteer = gazetteer
        self.corpus = corpus
        self.levels = _levels(units)
        self.kinds = kinds
        self.roles = roles
        self.bases = bases
        self.problems = problems
        self.plans = self._plans(corpus)

    @staticmethod
    def _plans(corpus: Any) -> set[str]:
        plans = getattr(corpus, "plans", None)
        if isinstance(plans, Mapping):
            return {str(k) for k in plans}
        if plans is not None:
            out = set()
            for p in plans:
                out.add(str(getattr(p, "id", p)))
            return out
        return {p.plan for p in corpus.provisions}

    # members

    def site(self, raw: Any, where: str) -> Site | None:
        keys = _SITE_KEYS
        if isinstance(raw, str):
            if raw not in self.sites:
                hint = nearest(raw, list(self.sites))
                self.problems.add(
                    where,
                    f"unknown site {raw!r}",
                    f"did you mean {', '.join(hint)}?" if hint else f"add it to layers/{SITES}",
                )
                return None
            where, raw, keys = f"{where}: site {raw}", self.sites[raw], _NAMED_SITE_KEYS
        if not isinstance(raw, Mapping):
            self.problems.add(
                where, "site is not a table", "write site = { lon, lat, basis, source }"
            )
            return None
        extra = set(raw) - keys
        if extra:
            self.problems.add(
                where, f"site has unknown keys {sorted(extra)}", f"use {sorted(keys)}"
            )
        lon, lat = raw.get("lon"), raw.get("lat")
        ok = True
        if not (isinstance(lon, int | float) and isinstance(lat, int | float)):
            self.problems.add(where, "site needs numeric lon and lat", "give WGS84 degrees")
            return None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not (
            math.isfinite(lon) and math.isfinite(lat)
        ):
            self.problems.add(
                where,
                f"site ({lon}, {lat}) is not a WGS84 lon/lat",
                "give lon first, then lat, in degrees",
            )
            ok = False
        basis = raw.get("basis")
        if basis not in self.bases or basis == "stated":
            self.problems.add(
                where,
                f"site basis {basis!r}",
                "a coordinate is never stated by the plans: use inferred or external",
            )
            ok = False
        source = raw.get("source")
        if not source:
            self.problems.add(where, "site has no source", "say where the coordinate comes from")
            ok = False
        prec = raw.get("precision_deg", 0)
        if not isinstance(prec, int | float) or prec <= 0:
            self.problems.add(
                where, "site has no positive precision_deg", "say how precise it is (degrees)"
            )
            ok = False
        if not ok:
            return None
        return Site(float(lon), float(lat), str(basis), str(source), float(prec or 0))

    def _resolve(
        self, name: str, partial: Any, declared: str | None, where: str
    ) -> tuple[tuple[str, ...], str, bool] | None:
        """A member's adcodes and level, and whether the gazetteer agrees on partial; None
        (with the problem added) when the name or its level cannot be resolved."""
        ok = True
        adcodes = _resolve(self.gazetteer, name)
        if adcodes is None:
            hint = _suggest(self.gazetteer, name)
            fix = (
                f"did you mean {', '.join(hint)}?"
                if hint
                else "add the name to layers/gazetteer.toml"
            )
            self.problems.add(where, "unknown place name", fix)
            return None
        if not adcodes:
            self.problems.add(where, "the name resolves to no unit", "check layers/gazetteer.toml")
            return None
        gaz_partial = _gazetteer_partial(self.gazetteer, name)
        if gaz_partial and not partial:
            self.problems.add(
                where,
                "the gazetteer marks this place as part of a county",
                "set partial = true so the county is never filled for it",
            )
            ok = False
        levels = [self.levels.get(c, set()) for c in adcodes]
        if self.levels and any(not lv for lv in levels):
            missing = [c for c, lv in zip(adcodes, levels, strict=True) if not lv]
            self.problems.add(
                where, f"adcodes {missing} are in no boundary layer", "check the gazetteer entry"
            )
            return None
        if self.levels:
            common = set.intersection(*levels)
            level = _choose_level(common, declared)
            if level is None and declared is not None:
                have = ", ".join(sorted(set().union(*levels)))
                self.problems.add(
                    where,
                    f"is at the wrong level: declared {declared}, the name resolves to {have}",
                    f'set level = "{sorted(common)[0] if common else have}" or name a {declared}',
                )
                return None
            if level is None:
                self.problems.add(where, "resolves to units of different levels", "name one level")
                return None
        else:
            level = declared or "county"
        return adcodes, level, ok

    def member(self, raw: Any, where: str) -> Member | None:
        if not isinstance(raw, Mapping) or "name" not in raw:
            self.problems.add(
                where, "a member without a name", "write { name = …, role = …, basis = … }"
            )
            return None
        name = str(raw["name"])
        where = f"{where}: member {name}"
        extra = set(raw) - _MEMBER_KEYS
        if extra:
            self.problems.add(
                where, f"unknown keys {sorted(extra)}", f"use only {sorted(_MEMBER_KEYS)}"
            )
        ok = True
        role, basis = raw.get("role"), raw.get("basis")
        if role not in self.roles:
            self.problems.add(
                where, f"unknown role {role!r}", f"use one of {', '.join(self.roles)}"
            )
            ok = False
        if basis not in self.bases:
            self.problems.add(
                where, f"unknown basis {basis!r}", f"use one of {', '.join(self.bases)}"
            )
            ok = False
        source = raw.get("source")
        if basis == "external" and not source:
            self.problems.add(
                where, "basis external without a source", "name the source in `source`"
            )
            ok = False
        partial = raw.get("partial", False)
        if not isinstance(partial, bool):
            self.problems.add(where, f"partial = {partial!r}", "write partial = true or false")
            ok = False
        site = self.site(raw["site"], where) if "site" in raw else None
        if "site" in raw and site is None:
            ok = False
        declared = raw.get("level")
        if declared is not None and declared not in MEMBER_LEVELS:
            self.problems.add(
                where, f"unknown level {declared!r}", f"use one of {', '.join(MEMBER_LEVELS)}"
            )
            return None
        resolved = self._resolve(name, partial, declared, where)
        if resolved is None:
            return None
        adcodes, level, agrees = resolved
        named = self.sites.get(raw["site"]) if isinstance(raw.get("site"), str) else None
        host = named.get("adcode") if named else None
        if host is not None and not self._holds(adcodes, str(host)):
            self.problems.add(
                where,
                f"site {raw['site']} lies in {host}, outside the member",
                "name the member that holds the site or another site",
            )
            ok = False
        if not (ok and agrees):
            return None
        return Member(
            name=name,
            adcodes=adcodes,
            level=level,
            role=str(role),
            basis=str(basis),
            partial=partial,
            source=str(source) if source else None,
            site=site,
        )

    def _holds(self, adcodes: Sequence[str], host: str) -> bool:
        """Whether the units ``adcodes`` hold the unit ``host`` (itself or its parent)."""
        try:
            parent = str(self.gazetteer.unit(host).parent)
        except (KeyError, AttributeError, AtlasError):
            parent = ""
        return host in adcodes or parent in adcodes

    def city_core(self, members: Sequence[Member], quotes: Sequence[Quote], where: str) -> None:
        """A whole prefecture whose name a quote writes as a city core (白银中心城区) is wrong."""
        for m in members:
            if m.level != "prefecture" or m.partial:
                continue
            if all("county" in self.levels.get(c, ()) for c in m.adcodes):
                continue  # a prefecture without counties (嘉峪关市) has no finer unit to use
            names = sorted({m.name, *(n for c in m.adcodes for n in self._names_of(c))}, key=len)
            core = next((h for q in quotes if (h := _city_core(_squash(q.text), names))), None)
            if core:
                self.problems.add(
                    f"{where}: member {m.name}",
                    f"the quote names a city core ({core}) but the member is a whole prefecture",
                    "use its central district(s), or set partial = true",
                )

    def _names_of(self, adcode: str) -> tuple[str, ...]:
        try:
            return tuple(str(n) for n in self.gazetteer.names_of(adcode))
        except (KeyError, AttributeError, AtlasError):
            return ()

    # quotes and provisions

    def quote(self, raw: Any, where: str) -> Quote | None:
        if not isinstance(raw, Mapping) or not raw.get("text"):
            self.problems.add(where, "a quote without text", "write { text = …, provision = … }")
            return None
        text, prov = str(raw["text"]), str(raw.get("provision", ""))
        short = text if len(text) <= 24 else text[:24] + "…"
        if not prov:
            self.problems.add(where, f"quote “{short}” has no provision id", _FIND_PROVISION)
            return None
        if prov not in self.corpus:
            self.problems.add(
                where,
                f"provision {prov!r} does not exist",
                _FIND_PROVISION,
            )
            return None
        if not self.corpus.get(prov).contains(text):
            self.problems.add(
                where,
                f"quote “{short}” is not found in provision {prov}",
                "quote the plan verbatim or attach the right provision",
            )
            return None
        return Quote(text=text, provision=prov)

    # one element

    def element(self, raw: Any, file: str) -> dict[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.problems.add(file, "an [[element]] that is not a table", "fix the file")
            return None
        eid = str(raw.get("id", ""))
        where = f"{file}: element {eid or '(no id)'}"
        extra = set(raw) - _ELEMENT_KEYS
        if extra:
            self.problems.add(
                where, f"unknown keys {sorted(extra)}", f"use only {sorted(_ELEMENT_KEYS)}"
            )
        for key in ("id", "name", "name_en", "plan", "kind"):
            if not raw.get(key):
                self.problems.add(where, f"missing {key}", f"add {key} = …")
        plan, kind = str(raw.get("plan", "")), str(raw.get("kind", ""))
        if eid and not _ID.match(eid):
            self.problems.add(where, "id is not an ASCII slug", "write {plan}_{slug} in a-z0-9_")
        if plan and plan not in self.plans:
            self.problems.add(
                where, f"unknown plan {plan!r}", f"use one of {', '.join(sorted(self.plans))}"
            )
        elif eid and plan and not eid.startswith(plan + "_"):
            self.problems.add(
                where, f"id does not start with its plan {plan}_", f"rename it {plan}_…"
            )
        if kind and kind not in self.kinds:
            self.problems.add(
                where, f"unknown kind {kind!r}", f"use one of {', '.join(self.kinds)}"
            )
        members: list[Member] = []
        seen: set[str] = set()
        for m in raw.get("members", []) or []:
            mem = self.member(m, where)
            if mem is None:
                continue
            if mem.name in seen:
                self.problems.add(
                    f"{where}: member {mem.name}", "listed twice", "list each member once"
                )
                continue
            seen.add(mem.name)
            members.append(mem)
        quotes = [q for q in (self.quote(r, where) for r in raw.get("quotes", []) or []) if q]
        self.city_core(members, quotes, where)
        if not raw.get("quotes"):
            self.problems.add(where, "has no quote", "quote the words of the plan that define it")
        extra_prov = _strs(raw.get("provisions"))
        for p in extra_prov:
            if p not in self.corpus:
                self.problems.add(
                    where,
                    f"provision {p!r} does not exist",
                    "use an id of `gansu-atlas provisions`",
                )
        if raw.get("path"):
            paths: tuple[tuple[str, ...], ...] = (_strs(raw.get("path")),)
        else:
            paths = tuple(_strs(p) for p in raw.get("paths", []) or [])
        if raw.get("path") and raw.get("paths"):
            self.problems.add(where, "has both path and paths", "keep one")
        return {
            "id": eid,
            "where": where,
            "raw": raw,
            "plan": plan,
            "kind": kind,
            "members": members,
            "member_names": {
                str(m.get("name")) for m in raw.get("members", []) or [] if isinstance(m, Mapping)
            },
            "quotes": quotes,
            "extra_prov": extra_prov,
            "paths": paths,
            "parts": _strs(raw.get("parts")),
            "parent": raw.get("parent"),
            "file": file,
        }


# --- the whole catalog ---------------------------------------------------------------------------


def _expand(eid: str, drafts: Mapping[str, dict[str, Any]], stack: tuple[str, ...]) -> list[Member]:
    """Members of ``eid`` with its parts' members (each tagged with the part it came from)."""
    d = drafts[eid]
    out = list(d["members"])
    names = {m.name for m in out}
    for part in d["parts"]:
        if part not in drafts or part in stack:
            continue
        for m in _expand(part, drafts, (*stack, part)):
            if m.name in names:
                continue
            names.add(m.name)
            out.append(m if m.via else Member(**{**m.__dict__, "via": part}))
    return out


def _check_structure(
    drafts: Mapping[str, dict[str, Any]], kinds: Mapping[str, Kind], problems: _Problems
) -> None:
    for eid, d in drafts.items():
        where = d["where"]
        for part in d["parts"]:
            if part not in drafts:
                hint = nearest(part, list(drafts), n=3)
                problems.add(
                    where,
                    f"part {part!r} does not exist",
                    f"did you mean {', '.join(hint)}?" if hint else "remove it",
                )
        parent = d["parent"]
        if parent is not None:
            if parent not in drafts:
                problems.add(where, f"parent {parent!r} does not exist", "fix or remove parent")
            elif eid not in drafts[parent]["parts"]:
                problems.add(
                    where,
                    f"parent {parent} does not list it in parts",
                    f"add it to {parent}'s parts",
                )
        if not d["raw"].get("members") and not d["parts"]:
            problems.add(where, "has neither members nor parts", "list its members")
        kind = kinds.get(d["kind"])
        if kind is None:
            continue
        if kind.geometry == "line":
            own = d["member_names"]
            if not d["paths"] and d["raw"].get("members"):
                problems.add(
                    where, f"a {kind.id} without path", "give path = [member names in order]"
                )
            for path in d["paths"]:
                if len(path) < 2:
                    problems.add(
                        where, "a path with fewer than two nodes", "give at least two names"
                    )
                for name in path:
                    if name not in own:
                        problems.add(
                            where, f"path node {name} is not a member", "add it to members"
                        )
            for m in d["members"]:
                if m.site is None and len(m.adcodes) != 1 and any(m.name in p for p in d["paths"]):
                    problems.add(
                        f"{where}: member {m.name}",
                        "a path node that resolves to several units and has no site",
                        "give a site or name one unit",
                    )
        elif d["paths"]:
            problems.add(
                where,
                f"a {kind.id} ({kind.geometry}) with a path",
                "remove path or change the kind",
            )

    # cycles in parts
    def visit(eid: str, stack: tuple[str, ...]) -> None:
        for part in drafts[eid]["parts"]:
            if part in stack:
                problems.add(
                    drafts[eid]["where"], f"parts form a cycle through {part}", "remove the cycle"
                )
            elif part in drafts:
                visit(part, (*stack, part))

    for eid in drafts:
        visit(eid, (eid,))


def _add_with_parts(
    eid: str, drafts: Mapping[str, dict[str, Any]], out: list[str], stack: tuple[str, ...]
) -> None:
    """Append ``eid`` and, after it, its parts (recursively) to ``out``, once each."""
    if eid in out or eid in stack or eid not in drafts:
        return
    out.append(eid)
    for part in drafts[eid]["parts"]:
        _add_with_parts(part, drafts, out, (*stack, eid))


def _layouts(
    path: Path,
    drafts: Mapping[str, dict[str, Any]],
    corpus: Any,
    plans: set[str],
    problems: _Problems,
) -> list[Layout]:
    if not path.is_file():
        return []
    data = _read_toml(path, problems)
    out: list[Layout] = []
    ids: set[str] = set()
    for raw in data.get("layout", []):
        lid = str(raw.get("id", ""))
        where = f"{path.name}: layout {lid or '(no id)'}"
        extra = set(raw) - _LAYOUT_KEYS
        if extra:
            problems.add(where, f"unknown keys {sorted(extra)}", f"use only {sorted(_LAYOUT_KEYS)}")
        if not _LAYOUT_ID.match(lid):
            problems.add(where, "id is not an ASCII slug", "write a-z0-9_")
        if lid in ids:
            problems.add(where, "duplicate layout id", "give each layout its own id")
        ids.add(lid)
        for key in ("name", "name_en", "plan", "caption"):
            if not raw.get(key):
                problems.add(where, f"missing {key}", f"add {key} = …")
        plan = str(raw.get("plan", ""))
        if plan and plan not in plans:
            problems.add(where, f"unknown plan {plan!r}", f"use one of {', '.join(sorted(plans))}")
        listed = _strs(raw.get("elements"))
        if not listed:
            problems.add(where, "lists no elements", "list the element ids it draws")
        expanded: list[str] = []
        for eid in listed:
            _add_with_parts(eid, drafts, expanded, ())
            if eid not in drafts:
                hint = nearest(eid, list(drafts), n=3)
                problems.add(
                    where,
                    f"element {eid!r} does not exist",
                    f"did you mean {', '.join(hint)}?" if hint else "remove it",
                )
        figure = raw.get("figure")
        caption = str(raw.get("caption", ""))
        if figure is not None:
            figure = str(figure)
            if figure not in corpus:
                problems.add(
                    where,
                    f"figure {figure!r} is not a provision",
                    "use a caption id such as lz-3-fig1",
                )
            elif caption and not corpus.get(figure).contains(caption):
                problems.add(
                    where, f"caption does not occur in {figure}", "copy the caption as printed"
                )
        out.append(
            Layout(
                id=lid,
                name=str(raw.get("name", "")),
                name_en=str(raw.get("name_en", "")),
                plan=plan,
                elements=tuple(expanded),
                listed=listed,
                caption=caption,
                figure=figure,
                notes=_strs(raw.get("notes")),
            )
        )
    return out


def load(
    *,
    root: str | os.PathLike[str] | None,
    gazetteer: Any,
    corpus: Any,
    units: Any,
) -> Catalog:
    """Load, validate and build the catalog (see :func:`geo.catalog.read_catalog`)."""
    base = data_root(root)
    folder = base / "concepts"
    schema = catalog_problems(folder, ontology=ONTOLOGY, layouts=LAYOUTS)
    if schema:  # values of the wrong type or range: reported before anything reads them
        raise CatalogError(schema)
    gazetteer = read_gazetteer(root=root) if gazetteer is None else gazetteer
    corpus = read_corpus(root=root) if corpus is None else corpus
    if units is None:
        units = pd.concat(
            [
                read_units(root=root)[["adcode", "level"]],
                read_context(root=root)[["adcode", "level"]],
            ],
            ignore_index=True,
        )
    problems = _Problems()
    if not folder.is_dir():
        raise CatalogError([f"{folder}: the catalog folder is missing; restore layers/concepts/"])
    kinds, roles, bases, parts = _ontology(folder / ONTOLOGY, problems)
    if problems.lines:  # every element is checked against the ontology: report its problems alone
        raise CatalogError(problems.lines)
    loader = _Loader(
        gazetteer=gazetteer,
        corpus=corpus,
        units=units,
        kinds=kinds,
        roles=roles,
        bases=bases,
        problems=problems,
        sites=_named_sites(base / SITES, problems),
    )
    files = sorted(p for p in folder.glob("*.toml") if p.name not in {ONTOLOGY, LAYOUTS})
    if not files:
        problems.add(str(folder), "holds no plan file", "add layers/concepts/{plan}.toml")
    drafts: dict[str, dict[str, Any]] = {}
    for path in files:
        data = _read_toml(path, problems)
        extra = set(data) - {"element"}
        if extra:
            problems.add(
                path.name, f"unknown top-level keys {sorted(extra)}", "use [[element]] tables only"
            )
        for raw in data.get("element", []):
            d = loader.element(raw, path.name)
            if d is None or not d["id"]:
                continue
            if d["id"] in drafts:
                other = drafts[d["id"]]["file"]
                problems.add(
                    d["where"], f"duplicate id (also in {other})", "give each element its own id"
                )
                continue
            drafts[d["id"]] = d
    _check_structure(drafts, kinds, problems)
    layouts = _layouts(folder / LAYOUTS, drafts, corpus, loader.plans, problems)
    if problems.lines:
        raise CatalogError(problems.lines)
    elements = _elements(drafts)
    return Catalog(
        elements=tuple(elements),
        layouts=tuple(layouts),
        kinds=MappingProxyType(dict(kinds)),
        roles=MappingProxyType(dict(roles)),
        bases=MappingProxyType(dict(bases)),
        parts=MappingProxyType(dict(parts)),
    )


def _elements(drafts: Mapping[str, dict[str, Any]]) -> list[Element]:
    """The elements of checked drafts: parts' members expanded, parents filled in."""
    parents: dict[str, list[str]] = {}
    for eid, d in drafts.items():
        for part in d["parts"]:
            parents.setdefault(part, []).append(eid)
    elements = []
    for eid, d in drafts.items():
        raw = d["raw"]
        provisions = _unique([q.provision for q in d["quotes"]] + list(d["extra_prov"]))
        elements.append(
            Element(
                id=eid,
                name=str(raw["name"]),
                name_en=str(raw["name_en"]),
                aliases=_strs(raw.get("aliases")),
                plan=d["plan"],
                kind=d["kind"],
                members=tuple(_expand(eid, drafts, (eid,))),
                provisions=tuple(provisions),
                quotes=tuple(d["quotes"]),
                notes=_strs(raw.get("notes")),
                parts=d["parts"],
                parents=tuple(parents.get(eid, ())),
                paths=d["paths"],
                file=d["file"],
            )
        )
    return elements


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for i in items:
        if i not in out:
            out.append(i)
    return out
