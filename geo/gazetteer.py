"""The gazetteer: place names of the plans → adcodes.

Names are data: ``layers/gazetteer.toml`` lists every unit (official full name, the short and
former forms the plans use) and every other name the plans use for places: combined forms
(酒嘉 = 酒泉市 + 嘉峪关市), composite places (天水主城区), regions (河西五市) and places inside
units (兰州新区, 莫高窟), the last marked ``partial`` so that a map never fills the whole unit
for them. The file's header documents the format.

:func:`read_gazetteer` reads and validates the file (all problems are reported together, in one
line); :class:`Gazetteer` answers lookups::

    >>> gaz = read_gazetteer()
    >>> gaz.resolve("酒嘉")
    ('620900', '620200')
    >>> gaz.lookup("兰州新区").partial
    True
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo._paths import data_root
from geo._schema import GAZETTEER, bom_problem, require
from geo.boundaries import check_adcodes, check_collection, is_adcode
from geo.errors import BoundaryError, DataError, UnknownNameError

__all__ = [
    "ENTRY_KINDS",
    "FILE",
    "LEVELS",
    "Entry",
    "Gazetteer",
    "MatchRules",
    "Unit",
    "read_gazetteer",
]

#: The gazetteer file, relative to the data root.
FILE = "gazetteer.toml"

#: Levels of a unit: the three Gansu levels and the neighbours drawn for context.
LEVELS = ("province", "prefecture", "county", "context")

#: Kinds of a name: a unit's official full name, short and former names; and the kinds of
#: ``[[name]]`` entries.
ENTRY_KINDS = ("unit", "short", "former", "combined", "composite", "region", "route", "place")
#: The level of a unit's parent, by the unit's level (None: no parent).
_PARENT_LEVEL = {
    "province": None,
    "prefecture": "province",
    "county": "prefecture",
    "context": None,
}

_NAME_KINDS = ("combined", "composite", "region", "route", "place")

# Boundary layers whose adcodes the gazetteer is checked against, when they are present.
_GANSU_LAYERS = ("province.geojson", "prefectures.geojson", "counties.geojson")
_CONTEXT_LAYER = "context.geojson"
# Problems shown in the one-line error (the count says how many there are).
_SHOWN = 4


@dataclass(frozen=True)
class Unit:
    """An administrative unit: adcode, official full name, level and parent adcode."""

    adcode: str
    name: str
    level: str
    parent: str = ""


@dataclass(frozen=True)
class Entry:
    """One name and what it stands for.

    Attributes
    ----------
    name
        The name as the plans write it.
    kind
        One of :data:`ENTRY_KINDS`.
    adcodes
        The units it stands for, in the order of the file.
    partial
        True when the name covers only part of its units (a town, a park, a site).
    strict
        True when the name is also a common word: it counts as a place only between the
        separators of :class:`MatchRules` (used by :mod:`geo.links`).
    note
        Why the name stands for these units, where that is a reading.
    """

    name: str
    kind: str
    adcodes: tuple[str, ...]
    partial: bool = False
    strict: bool = False
    note: str = ""


@dataclass(frozen=True)
class MatchRules:
    """Characters allowed around a strict name (``[match]`` of the file).

    ``before`` and ``after``: the characters that may stand just before and just after it;
    ``chain``: the characters that chain it to a neighbouring counted name (、 —).
    """

    before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()
    chain: frozenset[str] = frozenset()


class Gazetteer:
    """Names → adcodes, read from ``layers/gazetteer.toml`` by :func:`read_gazetteer`.

    Attributes
    ----------
    path
        The file it was read from.
    units
        Adcode → :class:`Unit`, in the order of the file.
    entries
        Every name with its adcodes, kind and whether it is partial (:class:`Entry`).
    stops
        Words that contain a place name but are not places (健康县城).
    concept_stops
        Words that contain a concept name but are not that concept (一带一路 holds 一带).
    rules
        The context rule for strict names.
    """

    def __init__(
        self,
        *,
        path: Path,
        units: Mapping[str, Unit],
        entries: Iterable[Entry],
        stops: Iterable[str] = (),
        concept_stops: Iterable[str] = (),
        rules: MatchRules | None = None,
    ) -> None:
        self.path = path
        self.units: dict[str, Unit] = dict(units)
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.stops: tuple[str, ...] = tuple(stops)
        self.concept_stops: tuple[str, ...] = tuple(concept_stops)
        self.rules = rules if rules is not None else MatchRules()
        self._by_name = {e.name: e for e in self.entries}
        children: dict[str, list[str]] = {}
        for u in self.units.values():
            if u.parent:
                children.setdefault(u.parent, []).append(u.adcode)
        self._children = {a: tuple(cs) for a, cs in children.items()}

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.strip() in self._by_name

    def __repr__(self) -> str:
        return f"Gazetteer({len(self.units)} units, {len(self.entries)} names, {self.path})"

    def lookup(self, name: str) -> Entry:
        """Return the entry of ``name``.

        Raises
        ------
        UnknownNameError
            The name is not in the gazetteer; the message suggests the nearest known names.

        Examples
        --------
        >>> read_gazetteer().lookup("甘州").adcodes
        ('620702',)
        """
        key = name.strip()
        entry = self._by_name.get(key)
        if entry is not None:
            return entry
        near = self.suggest(key)
        hint = f"; did you mean {_or(near)}?" if near else "; add it to the gazetteer"
        raise UnknownNameError(f"unknown place '{key}' in {self.path}{hint}")

    def resolve(self, name: str) -> tuple[str, ...]:
        """Return the adcodes ``name`` stands for (see :meth:`lookup` for errors).

        Examples
        --------
        >>> read_gazetteer().resolve("临夏州")
        ('622900',)
        """
        return self.lookup(name).adcodes

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Return up to ``n`` known names nearest to ``name``, nearest first.

        Only names sharing a character with ``name`` are suggested. They are ranked by the
        number of shared characters, then the longest run of characters in common, then the
        ratio of :class:`difflib.SequenceMatcher` on characters, then length and the name.

        Examples
        --------
        >>> read_gazetteer().suggest("甘州x", n=2)
        ['甘州', '甘州区']
        """
        key = name.strip()
        if not key:
            return []
        chars = set(key)
        scored = []
        for other in self._by_name:
            shared = len(chars & set(other))
            if not shared:
                continue
            matcher = difflib.SequenceMatcher(None, key, other, autojunk=False)
            run = matcher.find_longest_match(0, len(key), 0, len(other)).size
            scored.append((-shared, -run, -matcher.ratio(), len(other), other))
        scored.sort()
        return [s[-1] for s in scored[:n]]

    def names_of(self, adcode: str) -> tuple[str, ...]:
        """Return the names the plans use for one unit: full, short and former names.

        Examples
        --------
        >>> read_gazetteer().names_of("622900")
        ('临夏回族自治州', '临夏州', '临夏')
        """
        return tuple(
            e.name
            for e in self.entries
            if e.kind in ("unit", "short", "former") and e.adcodes == (adcode,)
        )

    def children(self, adcode: str) -> tuple[str, ...]:
        """Return the adcodes of the units whose parent is ``adcode``, in file order (none for
        a county, nor for 嘉峪关市, a prefecture-level city without counties).

        Examples
        --------
        >>> len(read_gazetteer().children("620700")), read_gazetteer().children("620200")
        (6, ())
        """
        return self._children.get(adcode, ())

    def unit(self, adcode: str) -> Unit:
        """Return the unit of ``adcode``.

        Raises
        ------
        UnknownNameError
            The adcode is not a unit of the gazetteer.
        """
        try:
            return self.units[adcode]
        except KeyError:
            raise UnknownNameError(
                f"unknown adcode '{adcode}' in {self.path}; use a 6-digit adcode of "
                "layers/gazetteer.toml (e.g. 620100 for 兰州市)"
            ) from None


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# --- reading and validation ---------------------------------------------------------------------


def read_gazetteer(*, root: str | os.PathLike[str] | None = None) -> Gazetteer:
    """Read and validate ``<root>/gazetteer.toml``.

    When the boundary layers (``<root>/boundaries/*.geojson``) are present, every Gansu unit
    must be in them with the same name, every unit in them must be in the gazetteer, and every
    context unit must be in the context layer.

    Parameters
    ----------
    root
        Data root (default :func:`geo._paths.data_root`).

    Raises
    ------
    DataError
        Missing or malformed file, or any problem of content (unknown adcode, a name given
        twice with different adcodes, an unknown kind or level...). All problems are listed in
        one line.
    """
    base = data_root(root)
    path = base / FILE
    if not path.is_file():
        raise DataError(f"gazetteer {path} not found; restore layers/{FILE} or pass root=")
    raw = path.read_bytes()
    bom = bom_problem(raw, file=path)
    if bom:
        raise DataError(f"gazetteer {bom}")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise DataError(f"gazetteer {path} is not valid UTF-8 TOML ({exc}); fix the file") from None
    require(data, GAZETTEER, file=path, what="gazetteer")
    problems: list[str] = []
    units = _read_units(data.get("unit", []), problems)
    entries = _unit_entries(data.get("unit", []), units, problems)
    entries += _name_entries(data.get("name", []), units, problems)
    entries = _dedupe(entries, problems)
    stops, concept_stops = _read_stops(data.get("stop", []), problems)
    rules = _read_rules(data.get("match", {}), problems)
    _check_layers(units, base / "boundaries", problems)
    if problems:
        n = len(problems)
        shown = "; ".join(problems[:_SHOWN])
        more = f"; and {n - _SHOWN} more" if n > _SHOWN else ""
        raise DataError(f"gazetteer {path}: {n} problem{'s' if n != 1 else ''}: {shown}{more}")
    return Gazetteer(
        path=path,
        units=units,
        entries=entries,
        stops=stops,
        concept_stops=concept_stops,
        rules=rules,
    )


def _str_list(raw: Any, where: str, field: str, problems: list[str]) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        problems.append(f"{where}: {field} must be a list of non-empty strings")
        return []
    return [x.strip() for x in raw]


def _read_units(raw: Any, problems: list[str]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    if not isinstance(raw, list) or not raw:
        problems.append("no [[unit]] table; list the units with adcode, name and level")
        return units
    for i, item in enumerate(raw, 1):
        where = f"[[unit]] #{i} ({item.get('name', '?') if isinstance(item, dict) else '?'})"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a table")
            continue
        adcode, name, level = item.get("adcode"), item.get("name"), item.get("level")
        parent = item.get("parent", "")
        if not isinstance(adcode, str) or not is_adcode(adcode):
            problems.append(f'{where}: adcode {adcode!r} must be a 6-digit string like "620100"')
            continue
        if not isinstance(name, str) or not name.strip():
            problems.append(f'{where}: give the official full name as name = "..."')
            continue
        if level not in LEVELS:
            problems.append(f"{where}: level {level!r} must be one of {', '.join(LEVELS)}")
            continue
        if parent and not is_adcode(parent):
            problems.append(f"{where}: parent {parent!r} must be a 6-digit adcode")
            continue
        if adcode in units:
            problems.append(f"{where}: adcode {adcode} is listed twice; keep one [[unit]]")
            continue
        units[adcode] = Unit(adcode=adcode, name=name.strip(), level=level, parent=parent)
    for unit in units.values():
        where = f"[[unit]] {unit.name}"
        parent = units.get(unit.parent)
        if unit.parent == unit.adcode:
            problems.append(f"{where}: parent {unit.parent} is the unit itself; fix parent")
        elif unit.parent and parent is None:
            problems.append(f"{where}: parent {unit.parent} is not a unit; add it or fix parent")
        elif _PARENT_LEVEL.get(unit.level) != (parent.level if parent else None):
            want = _PARENT_LEVEL.get(unit.level)
            problems.append(
                f"{where}: a {unit.level} whose parent is "
                f"{f'the {parent.level} {parent.name}' if parent else 'missing'}; "
                + (f"give a {want} as parent" if want else "remove parent")
            )
    problems.extend(_parent_cycles(units))
    return units


def _parent_cycles(units: Mapping[str, Unit]) -> list[str]:
    """One problem per cycle of ``parent`` links (followed without recursion)."""
    out: list[str] = []
    done: set[str] = set()
    for start in units:
        path: list[str] = []
        code = start
        while code in units and code not in done and code not in path:
            path.append(code)
            code = units[code].parent
        if code in path and units[code].parent != code:
            cycle = path[path.index(code) :]
            names = " → ".join(units[c].name for c in [*cycle, code])
            out.append(f"[[unit]] {units[code].name}: parents form a cycle ({names}); fix parent")
        done.update(path)
    return out


def _unit_entries(raw: Any, units: Mapping[str, Unit], problems: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    if not isinstance(raw, list):
        return entries
    for item in raw:
        if not isinstance(item, dict) or item.get("adcode") not in units:
            continue
        unit = units[item["adcode"]]
        where = f"[[unit]] {unit.name}"
        short = _str_list(item.get("short"), where, "short", problems)
        former = _str_list(item.get("former"), where, "former", problems)
        strict = set(_str_list(item.get("strict"), where, "strict", problems))
        known = {unit.name, *short, *former}
        for word in sorted(strict - known):
            problems.append(f"{where}: strict name '{word}' is not one of its names; add it")
        forms = [(unit.name, "unit"), *((s, "short") for s in short)]
        forms += [(f, "former") for f in former]
        for name, kind in forms:
            entries.append(
                Entry(name=name, kind=kind, adcodes=(unit.adcode,), strict=name in strict)
            )
    return entries


def _name_entries(raw: Any, units: Mapping[str, Unit], problems: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    if not isinstance(raw, list):
        problems.append("[[name]] must be an array of tables")
        return entries
    for i, item in enumerate(raw, 1):
        where = f"[[name]] #{i}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a table")
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f'{where}: give the name as name = "..."')
            continue
        where = f"[[name]] {name.strip()}"
        kind = item.get("kind")
        if kind not in _NAME_KINDS:
            problems.append(f"{where}: kind {kind!r} must be one of {', '.join(_NAME_KINDS)}")
            continue
        adcodes = _str_list(item.get("adcodes"), where, "adcodes", problems)
        if not adcodes:
            problems.append(f'{where}: give its units as adcodes = ["620100", ...]')
            continue
        missing = [a for a in adcodes if a not in units]
        if missing:
            problems.append(
                f"{where}: adcode {', '.join(missing)} is not a [[unit]]; use a listed adcode"
            )
            continue
        if len(set(adcodes)) != len(adcodes):
            problems.append(f"{where}: an adcode is repeated; list each unit once")
            continue
        flags = {}
        for flag in ("partial", "strict"):
            value = item.get(flag, False)
            if not isinstance(value, bool):
                problems.append(f"{where}: {flag} must be true or false")
            flags[flag] = value is True
        note = item.get("note", "")
        entries.append(
            Entry(
                name=name.strip(),
                kind=kind,
                adcodes=tuple(adcodes),
                partial=flags["partial"],
                strict=flags["strict"],
                note=note if isinstance(note, str) else "",
            )
        )
    return entries


def _dedupe(entries: list[Entry], problems: list[str]) -> list[Entry]:
    seen: dict[str, Entry] = {}
    out: list[Entry] = []
    for entry in entries:
        first = seen.get(entry.name)
        if first is None:
            seen[entry.name] = entry
            out.append(entry)
        elif set(first.adcodes) != set(entry.adcodes):
            problems.append(
                f"name '{entry.name}' stands for {', '.join(first.adcodes)} ({first.kind}) and "
                f"for {', '.join(entry.adcodes)} ({entry.kind}); keep one meaning or rename one"
            )
        else:
            problems.append(f"name '{entry.name}' is listed twice; remove one")
    return out


def _read_stops(raw: Any, problems: list[str]) -> tuple[list[str], list[str]]:
    stops: dict[str, list[str]] = {"places": [], "concepts": []}
    if not isinstance(raw, list):
        problems.append("[[stop]] must be an array of tables")
        return stops["places"], stops["concepts"]
    for i, item in enumerate(raw, 1):
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(text, str) or not text.strip():
            problems.append(f'[[stop]] #{i}: give the word as text = "..."')
            continue
        of = item.get("of", "places")
        if of not in stops:
            problems.append(f'[[stop]] {text}: of = {of!r} must be "places" or "concepts"')
            continue
        stops[of].append(text.strip())
    return stops["places"], stops["concepts"]


def _read_rules(raw: Any, problems: list[str]) -> MatchRules:
    if not isinstance(raw, dict):
        problems.append('[match] must be a table with before = "..." and after = "..."')
        return MatchRules()
    sides = {}
    for side in ("before", "after", "chain"):
        value = raw.get(side, "")
        if not isinstance(value, str):
            problems.append(f"[match] {side} must be a string of characters")
            value = ""
        spaces = frozenset(" \t\u3000") if side != "chain" else frozenset()
        sides[side] = frozenset(value) | spaces
    return MatchRules(before=sides["before"], after=sides["after"], chain=sides["chain"])


_LAYER_FIX = "rebuild the layers with `python scripts/rebuild_layers.py`"


def _layer_units(path: Path) -> dict[str, str] | None:
    """Adcode → name of a boundary layer, or None when the file is absent.

    An unreadable layer stops the check at once (one problem, not one per unit).
    """
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        reason = type(exc).__name__
        raise BoundaryError(
            f"boundary layer {path} cannot be read as GeoJSON ({reason}); {_LAYER_FIX}"
        ) from None
    features = check_collection(data, source=path)
    props = [f.get("properties") if isinstance(f, dict) else None for f in features]
    props = [p if isinstance(p, dict) else {} for p in props]
    check_adcodes([p.get("adcode") for p in props], source=path)
    return {p["adcode"]: str(p.get("name", "")) for p in props}


def _check_layers(units: Mapping[str, Unit], folder: Path, problems: list[str]) -> None:
    layers = [_layer_units(folder / name) for name in _GANSU_LAYERS]
    if all(layer is not None for layer in layers):
        merged: dict[str, str] = {}
        for layer in layers:
            merged.update(layer or {})
        gansu = {a: u for a, u in units.items() if u.level != "context"}
        for adcode, unit in gansu.items():
            if adcode not in merged:
                problems.append(
                    f"[[unit]] {unit.name}: adcode {adcode} is not in {folder}; fix the adcode"
                )
            elif merged[adcode] and merged[adcode] != unit.name:
                problems.append(
                    f"[[unit]] {unit.name}: the boundary layers call {adcode} "
                    f"'{merged[adcode]}'; use the official full name"
                )
        for adcode in sorted(set(merged) - set(gansu)):
            problems.append(
                f"unit {adcode} ({merged[adcode]}) of the boundary layers is not in the "
                "gazetteer; add a [[unit]]"
            )
    context = _layer_units(folder / _CONTEXT_LAYER)
    if context is not None:
        for adcode, unit in units.items():
            if unit.level == "context" and adcode not in context:
                problems.append(
                    f"[[unit]] {unit.name}: context adcode {adcode} is not in "
                    f"{folder / _CONTEXT_LAYER}; fix the adcode"
                )
