"""Geometry, unit tags and `concepts --json` records of the catalog (private: see geo.catalog)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPoint, Point, mapping

from geo._catalog_records import concept_record, element_record, member_rows
from geo._catalog_types import Catalog, Element, Member
from geo.errors import DataError

#: Grid size the built geometries are snapped to (1e-6 degree, about 0.1 m).
GRID = 1e-6

COLUMNS = (
    "id",
    "part",
    "name",
    "name_en",
    "plan",
    "kind",
    "kind_zh",
    "geometry_type",
    "schematic",
    "basis",
    "members",
    "provisions",
    "quotes",
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _Units:
    """Lookup of unit geometries and seats by (adcode, level)."""

    def __init__(self, units: gpd.GeoDataFrame, context: gpd.GeoDataFrame | None) -> None:
        frames = [units] if context is None else [units, context]
        self.geom: dict[tuple[str, str], Any] = {}
        self.seat: dict[tuple[str, str], tuple[float, float]] = {}
        self.name: dict[tuple[str, str], str] = {}
        for frame in frames:
            has_seat = "seat_lon" in frame.columns and "seat_lat" in frame.columns
            for row in frame.itertuples(index=False):
                key = (str(row.adcode), str(row.level))
                self.geom[key] = row.geometry
                self.name[key] = str(getattr(row, "name", ""))
                if has_seat and pd.notna(row.seat_lon) and pd.notna(row.seat_lat):
                    self.seat[key] = (float(row.seat_lon), float(row.seat_lat))

    def _missing(self, element: Element, m: Member, code: str) -> DataError:
        hint = " (pass context=read_context())" if m.level == "context" else ""
        return DataError(
            f"concept {element.id}: member {m.name} ({code}, {m.level}) is not in the units "
            f"given to build_geometry{hint}; pass units of every level the catalog uses"
        )

    def polygons(self, element: Element, m: Member) -> list[Any]:
        out = []
        for code in m.adcodes:
            key = (code, m.level)
            if key not in self.geom:
                raise self._missing(element, m, code)
            out.append(self.geom[key])
        return out

    def points(self, element: Element, m: Member) -> list[tuple[float, float]]:
        if m.site is not None:
            return [(m.site.lon, m.site.lat)]
        out = []
        for code in m.adcodes:
            key = (code, m.level)
            if key not in self.seat:
                raise self._missing(element, m, code)
            out.append(self.seat[key])
        return out


def _snap(geom: Any) -> Any:
    return shapely.set_precision(geom, GRID)


def _paths(
    catalog: Catalog, element: Element, stack: tuple[str, ...] = ()
) -> list[tuple[Element, tuple[str, ...]]]:
    """The paths of a line element, or of its parts when it has none of its own."""
    if element.paths:
        return [(element, p) for p in element.paths]
    out: list[tuple[Element, tuple[str, ...]]] = []
    for part in element.parts:
        if part in stack:
            continue
        out += _paths(catalog, catalog.get(part), (*stack, element.id))
    return out


def _line(catalog: Catalog, element: Element, lookup: _Units) -> Any:
    lines = []
    for owner, path in _paths(catalog, element):
        by_name = {m.name: m for m in owner.members}
        coords = [lookup.points(owner, by_name[name])[0] for name in path]
        lines.append(LineString(coords))
    if not lines:
        return None
    return lines[0] if len(lines) == 1 else MultiLineString(lines)


def _points(element: Element, members: Iterable[Member], lookup: _Units) -> Any:
    pts: list[tuple[float, float]] = []
    for m in members:
        for p in lookup.points(element, m):
            if p not in pts:
                pts.append(p)
    if not pts:
        return None
    return Point(pts[0]) if len(pts) == 1 else MultiPoint(pts)


def _basis_summary(element: Element) -> str:
    counts = Counter(m.basis for m in element.members)
    return _dumps(dict(sorted(counts.items())))


def _area_rows(element: Element, lookup: _Units, *, dissolve: bool) -> list[tuple[str, Any]]:
    """The ``whole``, ``partial`` (when ``dissolve``) and ``site`` rows of an area element."""
    whole = [g for m in element.members if not m.partial for g in lookup.polygons(element, m)]
    part = [g for m in element.members if m.partial for g in lookup.polygons(element, m)]
    rows: list[tuple[str, Any]] = []
    if dissolve:
        whole_geom = shapely.union_all(whole) if whole else None
        if whole_geom is not None:
            rows.append(("whole", whole_geom))
        if part:
            part_geom = shapely.union_all(part)
            if whole_geom is not None:
                part_geom = part_geom.difference(whole_geom)
            if not part_geom.is_empty:
                rows.append(("partial", part_geom))
    sites = [m for m in element.members if m.site is not None]
    if sites:
        rows.append(("site", _points(element, sites, lookup)))
    return rows


def build(
    catalog: Catalog,
    units: gpd.GeoDataFrame,
    *,
    context: gpd.GeoDataFrame | None = None,
    areas: bool = True,
) -> gpd.GeoDataFrame:
    """See :func:`geo.catalog.build_geometry`."""
    lookup = _Units(units, context)
    records: list[dict[str, Any]] = []
    for e in catalog.elements:
        kind = catalog.kinds[e.kind]
        record = element_record(e, catalog)
        base = {
            "id": e.id,
            "name": e.name,
            "name_en": e.name_en,
            "plan": e.plan,
            "kind": e.kind,
            "kind_zh": kind.zh,
            "geometry_type": kind.geometry,
            "schematic": kind.geometry == "line",
            "basis": _basis_summary(e),
            "members": _dumps(member_rows(record["members"], names=lookup.name)),
            "provisions": _dumps(record["provisions"]),
            "quotes": _dumps(record["quotes"]),
        }
        rows: list[tuple[str, Any]] = []
        if kind.geometry == "area":
            rows += _area_rows(e, lookup, dissolve=areas)
        elif kind.geometry == "line":
            geom = _line(catalog, e, lookup)
            if geom is not None:
                rows.append(("whole", geom))
        else:
            geom = _points(e, e.members, lookup)
            if geom is not None:
                rows.append(("whole", geom))
        for part_name, geom in rows:
            snapped = _snap(geom)
            if snapped.geom_type == "GeometryCollection" or snapped.is_empty:
                snapped = geom
            records.append({**base, "part": part_name, "geometry": snapped})
    frame = gpd.GeoDataFrame(
        records, columns=[*COLUMNS, "geometry"], geometry="geometry", crs="EPSG:4326"
    )
    return frame


# --- tags ----------------------------------------------------------------------------------------


def unit_tags(
    catalog: Catalog, units: gpd.GeoDataFrame
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """See :func:`geo.catalog.unit_tags`."""
    keys = [(str(a), str(lv)) for a, lv in zip(units["adcode"], units["level"], strict=True)]
    present = set(keys)
    children: dict[str, list[str]] = {}
    parent_of: dict[str, str] = {}
    if "parent" in units.columns:
        for (code, level), parent in zip(keys, units["parent"], strict=True):
            if level == "county" and isinstance(parent, str):
                children.setdefault(parent, []).append(code)
                parent_of[code] = parent
    best: dict[tuple[tuple[str, str], str], dict[str, Any]] = {}

    def offer(
        key: tuple[str, str], e: Element, m: Member, *, via: str | None, partial: bool
    ) -> None:
        if key not in present:
            return
        entry = {
            "id": e.id,
            "name": e.name,
            "plan": e.plan,
            "kind": e.kind,
            "role": m.role,
            "basis": m.basis,
            "partial": partial,
            "via": via,
        }
        slot = (key, e.id)
        rank = (not partial, via is None)
        old = best.get(slot)
        if old is None or rank > (not old["partial"], old["via"] is None):
            best[slot] = entry

    for e in catalog.elements:
        area = catalog.kinds[e.kind].geometry == "area"
        for m in e.members:
            for code in m.adcodes:
                if m.level == "prefecture":
                    offer((code, "prefecture"), e, m, via=None, partial=m.partial)
                    for child in children.get(code, []) if area else ():
                        offer((child, "county"), e, m, via="prefecture", partial=m.partial)
                elif m.level == "county":
                    offer((code, "county"), e, m, via=None, partial=m.partial)
                    if (code, "prefecture") in present:
                        offer((code, "prefecture"), e, m, via=None, partial=m.partial)
                    elif code in parent_of:
                        offer((parent_of[code], "prefecture"), e, m, via="county", partial=True)
                else:
                    offer((code, m.level), e, m, via=None, partial=m.partial)
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for (key, _eid), entry in best.items():
        by_key.setdefault(key, []).append(entry)
    return {key: sorted(entries, key=lambda x: x["id"]) for key, entries in by_key.items()}


def tagged(
    catalog: Catalog,
    units: gpd.GeoDataFrame,
    tags: Mapping[tuple[str, str], list[dict[str, Any]]],
) -> gpd.GeoDataFrame:
    """A copy of ``units`` with the ``concepts`` (JSON) and ``concepts_zh`` columns of ``tags``
    (from :func:`unit_tags`)."""
    keys = [(str(a), str(lv)) for a, lv in zip(units["adcode"], units["level"], strict=True)]
    concepts, readable = [], []
    for key in keys:
        entries = tags.get(key, [])
        concepts.append(_dumps(entries))
        readable.append("；".join(_zh(catalog, x) for x in entries))
    out = units.copy()
    out["concepts"] = concepts
    out["concepts_zh"] = readable
    return out


def _zh(catalog: Catalog, entry: Mapping[str, Any]) -> str:
    kind = catalog.kinds[entry["kind"]].zh
    role = catalog.roles[entry["role"]].zh
    basis = catalog.bases[entry["basis"]].zh
    tail = "·部分" if entry["partial"] else ""
    return f"{entry['name']}〔{entry['plan']}·{kind}·{role}·{basis}{tail}〕"


# --- records -------------------------------------------------------------------------------------


def _geojson(geom: Any) -> Any:
    if geom is None:
        return None
    return json.loads(json.dumps(mapping(geom)))


def records(
    catalog: Catalog,
    *,
    geometry: gpd.GeoDataFrame | None,
    ids: Iterable[str] | None,
    units: gpd.GeoDataFrame | None,
) -> list[dict[str, Any]]:
    """See :func:`geo.catalog.element_records`."""
    wanted = None if ids is None else set(ids)
    for i in wanted or ():
        catalog.get(i)  # unknown ids raise with suggestions
    parts: dict[tuple[str, str], Any] = {}
    if geometry is not None:
        for row in geometry.itertuples(index=False):
            parts[(row.id, row.part)] = row.geometry
    names = None
    if units is not None:
        names = {
            (str(a), str(lv)): str(n)
            for a, lv, n in zip(units["adcode"], units["level"], units["name"], strict=True)
        }
    out = []
    for e in catalog.elements:
        if wanted is not None and e.id not in wanted:
            continue
        whole = parts.get((e.id, "whole"))
        partial = parts.get((e.id, "partial"))
        out.append(
            concept_record(
                element_record(e, catalog),
                geometry=_geojson(whole if whole is not None else partial),
                partial_geometry=_geojson(partial) if whole is not None else None,
                names=names,
            )
        )
    return out
