"""The page model of the atlas: plain dicts built from the finished records.

Private helper of :mod:`geo.atlas`. Everything here is data in, data out: no folium, no HTML.
The model is what a page's script reads (as JSON); its shape is documented in
:func:`geo.atlas.build_page_model`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo._atlas_topo import Topology
from geo.boundaries import ALL_LEVELS
from geo.catalog import Catalog
from geo.corpus import Corpus, provision_record
from geo.datum import transform_geometry
from geo.gazetteer import Gazetteer
from geo.links import Links

#: Coordinates reach the page as integers in units of 1e-4 degree (about 11 m), each ring or
#: line delta-encoded; the admin coverage is simplified to 100 m, so nothing visible is lost.
SCALE = 10_000


# --- geometry ----------------------------------------------------------------------------------


def _line(coords: np.ndarray) -> list[int]:
    q = np.rint(np.asarray(coords)[:, :2] * SCALE).astype(np.int64)
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
    q = q[keep]
    d = q.copy()
    d[1:] -= q[:-1]
    return [int(v) for v in d.ravel()]


def _polygon(poly: shapely.Polygon) -> list[list[int]]:
    rings = [poly.exterior, *poly.interiors]
    return [_line(np.asarray(r.coords)) for r in rings]


def encode_geometry(geom: shapely.Geometry | None) -> dict[str, Any] | None:
    """Encode a shapely geometry for the page: ``{"t": type, "c": coordinates}``.

    Coordinates are integers of 1e-4 degree; every ring or line is delta-encoded
    (first vertex absolute, the others as differences). ``Point`` is ``[x, y]``;
    ``MultiPoint`` a list of them; ``LineString`` one encoded line, ``Polygon`` a list of
    encoded rings, ``Multi*`` lists of those.

    Examples
    --------
    >>> encode_geometry(shapely.LineString([(103.5, 36.0), (103.6, 36.1)]))
    {'t': 'LineString', 'c': [1035000, 360000, 1000, 1000]}
    """
    if geom is None or geom.is_empty:
        return None
    t = geom.geom_type
    if t == "Point":
        c: Any = [round(geom.x * SCALE), round(geom.y * SCALE)]
    elif t == "MultiPoint":
        c = [[round(p.x * SCALE), round(p.y * SCALE)] for p in geom.geoms]
    elif t == "LineString":
        c = _line(np.asarray(geom.coords))
    elif t == "MultiLineString":
        c = [_line(np.asarray(g.coords)) for g in geom.geoms]
    elif t == "Polygon":
        c = _polygon(geom)
    elif t == "MultiPolygon":
        c = [_polygon(g) for g in geom.geoms]
    elif t == "GeometryCollection":
        polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        return encode_geometry(shapely.union_all(polys)) if polys else None
    else:  # pragma: no cover - shapely has no other types
        raise TypeError(f"cannot encode geometry type {t}")
    return {"t": t, "c": c}


def _shift(
    gdf: gpd.GeoDataFrame | None, func: Callable[[Any, Any], tuple[Any, Any]] | None
) -> gpd.GeoDataFrame | None:
    """Apply a datum shift to the geometry and the seats of ``gdf`` (a copy)."""
    if func is None or gdf is None:
        return gdf
    out = gdf.copy()
    out = out.set_geometry(
        gpd.GeoSeries(transform_geometry(np.asarray(gdf.geometry.values), func), crs=gdf.crs)
    )
    if "seat_lon" in out.columns:
        lon, lat = func(out["seat_lon"].to_numpy(float), out["seat_lat"].to_numpy(float))
        out["seat_lon"], out["seat_lat"] = np.asarray(lon), np.asarray(lat)
    return out


# --- units ---------------------------------------------------------------------------------------


def unit_records(
    units: gpd.GeoDataFrame,
    *,
    context: gpd.GeoDataFrame | None = None,
    topology: Topology | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The admin units by level: ``{level: [{adcode, name, level, parent, area_km2, seat, g}]}``.

    A unit that ``topology`` (:func:`geo._atlas_topo.unit_topology`) writes in shared arcs has
    ``a`` (its rings as arc references, one list of rings per polygon) instead of ``g``.
    """
    frames = [units] if context is None else [units, context]
    refs = topology.refs if topology is not None else {}
    out: dict[str, list[dict[str, Any]]] = {lv: [] for lv in ALL_LEVELS}
    for frame in frames:
        for row in frame.itertuples(index=False):
            level = str(row.level)
            if level not in out:
                continue
            seat = None
            if not (np.isnan(row.seat_lon) or np.isnan(row.seat_lat)):
                seat = [round(float(row.seat_lon) * SCALE), round(float(row.seat_lat) * SCALE)]
            parent = getattr(row, "parent", None)
            rec: dict[str, Any] = {
                "adcode": str(row.adcode),
                "name": str(row.name),
                "level": level,
                "parent": None if parent is None or parent != parent else str(parent),
                "area_km2": round(float(row.area_km2), 1),
                "seat": seat,
            }
            key = (rec["adcode"], level)
            if key in refs:
                rec["a"] = refs[key]
            else:
                rec["g"] = encode_geometry(row.geometry)
            out[level].append(rec)
    for level in out:
        out[level].sort(key=lambda r: r["adcode"])
    return out


# --- elements ------------------------------------------------------------------------------------


def feature_records(geometry: gpd.GeoDataFrame, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Drawn features of lines, points and sites (areas are drawn from their member units)."""
    wanted = set(ids)
    out = []
    for row in geometry.itertuples(index=False):
        if row.id not in wanted:
            continue
        if row.geometry_type == "area" and row.part != "site":
            continue
        g = encode_geometry(row.geometry)
        if g is not None:
            out.append({"id": row.id, "part": row.part, "g": g})
    out.sort(key=lambda r: (r["id"], r["part"]))
    return out


# --- provisions and links ----------------------------------------------------------------------


def provision_records(corpus: Corpus) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Every provision (:func:`geo.corpus.provision_record`), and the heading texts they share.

    Returns ``({id: {plan, doc, h, kind, text, lines}}, headings)``: ``doc`` is the document
    id, ``h`` lists indices into ``headings`` (the heading path, outermost first; each heading
    is stored once per page), ``lines`` the 1-based line ranges of the plan text the provision
    was read from.
    """
    by_file = {d.file: d.id for d in corpus.documents}
    index: dict[str, int] = {}
    records = {}
    for p in corpus.provisions:
        rec = provision_record(p)
        records[rec["id"]] = {
            "plan": rec["plan"],
            "doc": by_file.get(rec["document"], rec["document"]),
            "h": [index.setdefault(h, len(index)) for h in rec["heading"]],
            "kind": rec["kind"],
            "text": rec["text"],
            "lines": rec["lines"],
        }
    return records, list(index)


def links_mentions(links: Links) -> dict[str, list[tuple[int, int, str, str]]]:
    """The mentions of :class:`geo.links.Links`: ``{provision: [(start, end, type, id)]}``.

    ``type`` is ``"unit"`` (``id``: the comma-joined adcodes of the name; a region stands for
    several units) or ``"concept"`` (``id``: the concept id). Provisions without mentions are
    left out.
    """
    out: dict[str, list[tuple[int, int, str, str]]] = {}
    for pid, value in sorted(links.by_provision.items()):
        spans = set()
        for m in value.mentions:
            if m.concept:
                spans.add((m.start, m.end, "concept", m.concept))
            elif m.adcodes:
                spans.add((m.start, m.end, "unit", ",".join(m.adcodes)))
        if spans:
            out[pid] = sorted(spans)
    return out


def unit_aliases(units: gpd.GeoDataFrame, gazetteer: Gazetteer | None) -> dict[str, list[str]]:
    """``{adcode: [the unit's other names]}`` (short and former names: search terms)."""
    if gazetteer is None:
        return {}
    gansu = {str(a): str(n) for a, n in zip(units.adcode, units.name, strict=True)}
    aliases: dict[str, list[str]] = {}
    for adcode, name in sorted(gansu.items()):
        other = [n for n in gazetteer.names_of(adcode) if n != name]
        if other:
            aliases[adcode] = other
    return aliases


def unit_concepts(
    tags: Mapping[tuple[str, str], Sequence[Mapping[str, Any]]], catalog: Catalog
) -> dict[str, list[dict[str, Any]]]:
    """``{adcode: [{id, role, role_zh, basis, basis_zh, partial, via}]}``: the elements each
    unit belongs to, from :func:`geo.catalog.unit_tags` (the rules of the exported
    ``concepts`` column). A unit at two levels (a city without counties) lists each element
    once, its strongest membership (whole before partial, direct before via another level)."""
    best: dict[str, dict[str, dict[str, Any]]] = {}
    for (adcode, _level), entries in sorted(tags.items()):
        for t in entries:
            rec = {
                "id": t["id"],
                "role": t["role"],
                "role_zh": catalog.roles[t["role"]].zh,
                "basis": t["basis"],
                "basis_zh": catalog.bases[t["basis"]].zh,
                "partial": t["partial"],
                "via": t["via"],
            }
            old = best.setdefault(adcode, {}).get(t["id"])
            rank = (not rec["partial"], rec["via"] is None)
            if old is None or rank > (not old["partial"], old["via"] is None):
                best[adcode][t["id"]] = rec
    return {a: [by_id[i] for i in sorted(by_id)] for a, by_id in sorted(best.items())}


def drop_overlaps(
    spans: Sequence[tuple[int, int, str, str]],
) -> list[tuple[int, int, str, str]]:
    """Keep the longest of overlapping spans (then the earliest; a place before a concept of
    the same words, so that clicking it flies to the place), sorted by start.

    Greedy, longest first, in O(n log n): a span ``(a, b)`` overlaps a kept one ``(c, d)``
    exactly when ``c < b`` and ``d > a``, so it is enough to know the largest end among the
    kept spans that start before ``b`` — a prefix maximum over the sorted starts (a Fenwick
    tree).

    Examples
    --------
    >>> drop_overlaps([(0, 2, "unit", "1"), (1, 5, "concept", "c"), (5, 6, "unit", "2")])
    [(1, 5, 'concept', 'c'), (5, 6, 'unit', '2')]
    """
    starts = sorted({s[0] for s in spans})
    rank = {v: i for i, v in enumerate(starts)}
    tree = [-1] * (len(starts) + 1)  # 1-based prefix maxima of the kept spans' ends
    kept: list[tuple[int, int, str, str]] = []
    for s in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], s[2] != "unit", s[3])):
        i, best = bisect.bisect_left(starts, s[1]), -1  # kept spans with start < s[1]
        while i > 0:
            best = max(best, tree[i])
            i -= i & -i
        if best > s[0]:
            continue
        kept.append(s)
        i = rank[s[0]] + 1
        while i < len(tree):
            tree[i] = max(tree[i], s[1])
            i += i & -i
    return sorted(kept)
