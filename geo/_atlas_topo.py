"""Shared borders for the atlas pages: the admin units as arcs, every border stored once.

Private helper of :mod:`geo.atlas`. The simplified coverage (:mod:`geo.coverage`) gives
neighbouring units identical vertices along their common border; on the page's integer grid
(:data:`geo._atlas_model.SCALE`) they stay identical. This module cuts the county rings into
*arcs* at their junctions (points where three or more units meet, or where a border changes
neighbours), stores each arc once, and describes every unit of every level — county,
prefecture, province — as rings of arc references (TopoJSON's convention: ``i`` is arc ``i``
as stored, ``~i`` = ``-i - 1`` is arc ``i`` reversed).

The page then draws each border once, as a line ranked by the highest level it separates
(:data:`RANKS`), instead of three overlapping sets of polygons: about a third of the vertices
to project, and the prefecture and province borders cost no bytes at all. A unit whose ring
cannot be written in arcs (it does not follow the county borders vertex for vertex) keeps its
own coordinates; :func:`unit_topology` reports which.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from geo.coverage import metric_crs

#: Rank of an arc: the highest level of border it is part of (index into this tuple);
#: ``context`` for the borders among the neighbouring units only.
RANKS = ("county", "prefecture", "province", "context")

#: Coarser versions of the arcs the page draws at small scales (metres): the page takes the
#: coarsest whose tolerance is at most one screen pixel, the error Leaflet's own smoothing
#: (``smoothFactor`` 1) allows anyway, so nothing visible is lost; and the fewer vertices it
#: projects, the sooner the map is drawn. From zoom 8 on (a pixel < 500 m) it draws the
#: full arcs.
LOD_TOLERANCES_M = (500.0, 1000.0, 2000.0)

Point = tuple[int, int]


@dataclass
class Topology:
    """Arcs of the county coverage and every unit's rings as arc references.

    Attributes
    ----------
    arcs
        Each arc as integer grid points, first to last (an arc that closes a ring on its own
        repeats its first point at the end).
    rank
        Per arc, an index into :data:`RANKS`.
    refs
        ``{(adcode, level): [[ring refs, ...] per polygon]}``; units missing here keep their
        coordinates.
    lods
        Per tolerance of :data:`LOD_TOLERANCES_M`, per arc, the indices of the vertices kept
        (first and last always).
    """

    arcs: list[list[Point]] = field(default_factory=list)
    rank: list[int] = field(default_factory=list)
    refs: dict[tuple[str, str], list[list[list[int]]]] = field(default_factory=dict)
    lods: list[list[list[int]]] = field(default_factory=list)


def _grid_ring(ring: Any, scale: float) -> list[Point]:
    """A ring on the integer grid: consecutive repeats and the closing point dropped."""
    q = np.rint(np.asarray(ring.coords)[:, :2] * scale).astype(np.int64)
    out: list[Point] = []
    for x, y in q.tolist():
        p = (x, y)
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def _polygon_rings(geom: shapely.Geometry, scale: float) -> list[list[list[Point]]]:
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    return [
        [_grid_ring(r, scale) for r in (p.exterior, *p.interiors)] for p in polys if not p.is_empty
    ]


def _junctions(rings: Sequence[list[Point]]) -> set[Point]:
    """Points where a border meets another: seen with different neighbours, or twice in a ring."""
    seen: dict[Point, frozenset[Point]] = {}
    nodes: set[Point] = set()
    for ring in rings:
        n = len(ring)
        here: set[Point] = set()
        for i, p in enumerate(ring):
            pair = frozenset((ring[i - 1], ring[(i + 1) % n]))
            if p in here or (p in seen and seen[p] != pair):
                nodes.add(p)
            seen.setdefault(p, pair)
            here.add(p)
    return nodes


class _Arcs:
    """Arcs by their canonical point sequence, numbered in order of first appearance."""

    def __init__(self) -> None:
        self.points: list[list[Point]] = []
        self._ids: dict[tuple[Point, ...], int] = {}

    def ref(self, arc: list[Point]) -> int:
        fwd = tuple(arc)
        rev = tuple(reversed(arc))
        key, sign = (fwd, 1) if fwd <= rev else (rev, -1)
        if key not in self._ids:
            self._ids[key] = len(self.points)
            self.points.append(list(key))
        i = self._ids[key]
        return i if sign > 0 else ~i


def _cut(ring: list[Point], nodes: set[Point], arcs: _Arcs) -> list[int]:
    """A ring as arc references, cut at its junctions. A ring without any is one arc from its
    smallest point back to it, so that both units it separates store the same arc."""
    cuts = [i for i, p in enumerate(ring) if p in nodes] or [ring.index(min(ring))]
    start = cuts[0]
    rot = ring[start:] + ring[:start]
    idx = [i - start for i in cuts] + [len(ring)]
    rot.append(rot[0])
    return [arcs.ref(rot[a : b + 1]) for a, b in itertools.pairwise(idx)]


def _walk(
    ring: list[Point], index: dict[tuple[Point, Point], int], arcs: list[list[Point]]
) -> list[int] | None:
    """Write a ring (of a prefecture or the province) as county arcs, or None if it does not
    follow them vertex for vertex."""
    n = len(ring)
    if n < 3:
        return None
    start = next((i for i in range(n) if (ring[i], ring[(i + 1) % n]) in index), None)
    if start is None:
        return None
    refs: list[int] = []
    pos, done = start, 0
    while done < n:
        ref = index.get((ring[pos % n], ring[(pos + 1) % n]))
        if ref is None:
            return None
        pts = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        step = len(pts) - 1
        if done + step > n or any(ring[(pos + k) % n] != pts[k] for k in range(len(pts))):
            return None
        refs.append(ref)
        pos += step
        done += step
    return refs if done == n else None


def unit_topology(
    units: gpd.GeoDataFrame, *, scale: float, context: gpd.GeoDataFrame | None = None
) -> Topology:
    """Arcs of the county coverage of ``units`` and every unit's rings in arcs.

    Parameters
    ----------
    units
        Units of the levels ``county``, ``prefecture`` and ``province`` (columns ``adcode``,
        ``level``, ``parent``, ``geometry``), forming a coverage at county level, e.g.
        :func:`geo.coverage.simplified_units` (``level=None``).
    scale
        Grid of the page: coordinates are rounded to ``1/scale`` degree.
    context
        Neighbouring units simplified with ``units`` (:func:`geo.coverage.simplified_units`,
        ``level="context"``): their rings are cut into arcs too, so that their border with
        Gansu is the very same arcs (they may overlap one another, as a province and its
        cities do).

    Returns
    -------
    Topology
        Arcs, their ranks, the rings of every unit that follows the county borders, and the
        coarser versions of the arcs (:data:`LOD_TOLERANCES_M`).
    """
    rows = sorted(
        (str(r.adcode), str(r.level), r.parent, r.geometry)
        for r in units.itertuples(index=False)
        if r.geometry is not None and not r.geometry.is_empty
    )
    counties = [(a, p, g) for a, lv, p, g in rows if lv == "county"]
    cut_rings = {(a, "county"): _polygon_rings(g, scale) for a, _, g in counties}
    if context is not None:
        for r in sorted(context.itertuples(index=False), key=lambda r: str(r.adcode)):
            if r.geometry is not None and not r.geometry.is_empty:
                cut_rings[(str(r.adcode), "context")] = _polygon_rings(r.geometry, scale)
    nodes = _junctions([r for polys in cut_rings.values() for poly in polys for r in poly])
    arcs = _Arcs()
    topo = Topology()
    users: dict[int, set[str]] = {}
    parent = {a: (None if p is None or p != p else str(p)) for a, p, _ in counties}
    for (adcode, level), polys in cut_rings.items():
        refs = [[_cut(r, nodes, arcs) for r in poly if len(r) >= 3] for poly in polys]
        topo.refs[(adcode, level)] = refs
        for poly in refs:
            for ring in poly:
                for ref in ring:
                    used = users.setdefault(ref if ref >= 0 else ~ref, set())
                    if level == "county":
                        used.add(adcode)
    topo.arcs = arcs.points
    for i in range(len(topo.arcs)):
        used = users.get(i, set())
        if not used:
            topo.rank.append(3)
        elif len(used) < 2:
            topo.rank.append(2)
        else:
            topo.rank.append(1 if len({parent[a] for a in used}) > 1 else 0)
    index: dict[tuple[Point, Point], int] = {}
    for i, pts in enumerate(topo.arcs):
        if len(pts) >= 2:
            index.setdefault((pts[0], pts[1]), i)
            index.setdefault((pts[-1], pts[-2]), ~i)
    for adcode, level, _, geom in rows:
        if level in ("county", "context"):
            continue
        rings_in_arcs: list[list[list[int]]] = []
        for grid_rings in _polygon_rings(geom, scale):
            walked = [_walk(r, index, topo.arcs) for r in grid_rings if len(r) >= 3]
            if any(w is None for w in walked):
                break
            rings_in_arcs.append([w for w in walked if w is not None])
        else:
            topo.refs[(adcode, level)] = rings_in_arcs
    topo.lods = [coarse_arcs(topo.arcs, tolerance_m=t, scale=scale) for t in LOD_TOLERANCES_M]
    return topo


def coarse_arcs(
    arcs: Sequence[Sequence[Point]], *, tolerance_m: float, scale: float
) -> list[list[int]]:
    """Per arc, the indices of the vertices Douglas–Peucker keeps at ``tolerance_m`` metres.

    Each arc is simplified on its own with its end points fixed, so units that share an arc
    still share it at every tolerance: no gaps, no overlaps (borders may touch at tolerances
    the page only uses when they are under a pixel).
    """
    if not arcs:
        return []
    pts = np.concatenate([np.asarray(a, dtype=float) for a in arcs]) / scale
    crs = metric_crs((*pts.min(axis=0), *pts.max(axis=0)))
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = fwd.transform(pts[:, 0], pts[:, 1])
    xy = np.c_[x, y]
    sizes = np.array([len(a) for a in arcs])
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    lines = shapely.linestrings(xy, indices=np.repeat(np.arange(len(arcs)), sizes))
    simple = shapely.simplify(lines, tolerance_m, preserve_topology=False)
    out: list[list[int]] = []
    for i, line in enumerate(simple):
        own = xy[starts[i] : starts[i] + sizes[i]]
        kept, k = [], 0
        for cx, cy in shapely.get_coordinates(line):
            while k < len(own) and (own[k, 0] != cx or own[k, 1] != cy):
                k += 1
            kept.append(k)
            k += 1
        if not kept or kept[0] != 0 or kept[-1] != len(own) - 1 or k > len(own):
            kept = list(range(len(own)))  # not a subsequence (cannot happen): keep the arc
        out.append(kept)
    return out


def encode_lods(lods: Sequence[Sequence[Sequence[int]]]) -> list[dict[str, Any]]:
    """The coarse arcs for the page: ``[{tolerance_m, keep}]``, ``keep`` per arc the kept
    inner vertices as gaps (index differences), the end points implied."""
    out = []
    for tol, arcs in zip(LOD_TOLERANCES_M, lods, strict=True):
        keep = []
        for kept in arcs:
            gaps, prev = [], 0
            for i in kept[1:-1]:
                gaps.append(i - prev)
                prev = i
            keep.append(gaps)
        out.append({"tolerance_m": tol, "keep": keep})
    return out


def encode_arcs(arcs: Sequence[Sequence[Point]]) -> list[list[int]]:
    """Delta-encode every arc (first point absolute, then differences), as the page reads it."""
    out = []
    for pts in arcs:
        flat: list[int] = []
        px = py = 0
        for x, y in pts:
            flat += [x - px, y - py]
            px, py = x, y
        out.append(flat)
    return out
