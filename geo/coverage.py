"""Topology-preserving simplification and quantization of the admin coverage.

The county layer is a *coverage*: its polygons tile the province with no gaps and no overlaps,
and two neighbours share every vertex of their common border. This module simplifies that
coverage **once**, border by border, so that shared borders stay shared, and derives the
prefectures and the province by dissolving the simplified counties. Every border the maps draw
(county, prefecture, province, and every concept area built from these units) then coincides on
screen.

How it works (:func:`simplify_coverage`):

1. **Arcs.** The rings of all units are cut at their *junctions* (vertices where three or more
   units meet, or where a shared border meets the outer edge) into arcs; an arc shared by two
   units is stored once. Rings that would keep fewer than three arcs are cut further, so that no
   ring can collapse.
2. **Simplify in metres.** The arcs are projected to an Albers equal-area CRS fitted to the
   data and each is simplified once with Douglas–Peucker: its end points (junctions) are kept
   and every dropped vertex lies within ``tolerance_m`` of the simplified border, so the
   Hausdorff error of every border is at most ``tolerance_m``. Where two simplified borders
   would cross (the rebuilt units are invalid or no longer match), the arcs of those units are
   simplified again, together, by GEOS's topology-preserving simplifier
   (``shapely.simplify(..., preserve_topology=True)``), which forbids crossings; this repeats,
   growing the set, until the coverage is valid.
3. **Quantize.** Simplification only drops vertices, so every kept vertex keeps its exact
   original WGS84 coordinates (looked up, not projected back), which are then rounded to
   ``quantize`` decimals (5 decimals ≈ 1.1 m). Shared vertices are rounded once, so they stay
   shared.
4. **Rebuild** every ring from its arcs, exterior rings counter-clockwise (RFC 7946).

Why a tolerance of 100 m: the maps are viewed from the whole province (zoom 6) to a county
(zoom 10). At zoom 10 one screen pixel is ~124 m at 36°N (156 543 m · cos φ / 2¹⁰; 115–129 m
across Gansu), so a border that moves by at most 100 m (+ ~1 m of rounding) stays within one
pixel of the true border at the closest zoom, and within a twentieth of a pixel at zoom 6.

Why this method (measured by ``bench/run.py``, see ``docs/benchmark.md``):
``shapely.coverage_simplify`` keeps the topology too, but it is Visvalingam–Whyatt (its
tolerance is an area), so it needs about twice as many vertices for the same maximum error; the
``topojson`` package simplifies arcs with Douglas–Peucker like this module, but lets arcs cross,
which left invalid units on the larger input (Gansu and its six neighbours). Plain
Douglas–Peucker where it is safe and the topology-preserving simplifier where it is needed keeps
the economy of the first and the validity of the second, in about 0.1 s for Gansu.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo._paths import data_root
from geo.boundaries import read_context, read_units
from geo.errors import BoundaryError

#: Default simplification tolerance in metres (the maximum border displacement before rounding).
DEFAULT_TOLERANCE_M = 100.0
#: Default number of decimals of the output coordinates (degrees; 5 decimals ≈ 1.1 m).
DEFAULT_QUANTIZE = 5
#: Default tolerance in metres of the *backdrop* borders of the context layer: the borders
#: between neighbouring provinces that no Gansu unit (and no context prefecture) touches.
#: The neighbours are a grey backdrop, seen whole at zoom 6 (where Gansu fills the screen),
#: and at zoom 6 one screen pixel is ~2 km at 36°N (156 543 m · cos φ / 2⁶), so a backdrop
#: border that moves by at most 1 km stays within half a pixel there; it keeps the page light
#: (six whole provinces). Borders shared with Gansu keep :data:`DEFAULT_TOLERANCE_M`.
CONTEXT_TOLERANCE_M = 1000.0

__all__ = [
    "CONTEXT_TOLERANCE_M",
    "DEFAULT_QUANTIZE",
    "DEFAULT_TOLERANCE_M",
    "CoverageCheck",
    "check_coverage",
    "dissolve_units",
    "hausdorff_error_m",
    "hausdorff_errors_m",
    "metric_crs",
    "shared_border_errors_m",
    "simplified_units",
    "simplify_coverage",
    "snap_seats",
]


# --- projection ------------------------------------------------------------------------------


def metric_crs(bounds: tuple[float, float, float, float] | np.ndarray) -> str:
    """Return an Albers equal-area CRS (metres) fitted to WGS84 ``bounds``.

    The central meridian is the middle of the bounds and the standard parallels lie at one
    sixth and five sixths of their latitude span, which keeps the scale error of distances
    well under 1 % over a province or a group of provinces.

    Examples
    --------
    >>> metric_crs((92.0, 32.0, 109.0, 43.0))
    '+proj=aea +lat_0=0 +lat_1=33.83 +lat_2=41.17 +lon_0=100.50 +datum=WGS84 +units=m +no_defs'
    """
    west, south, east, north = (float(v) for v in bounds)
    span = north - south
    lat1, lat2 = south + span / 6, north - span / 6
    lon0 = (west + east) / 2
    return (
        f"+proj=aea +lat_0=0 +lat_1={lat1:.2f} +lat_2={lat2:.2f} +lon_0={lon0:.2f} "
        "+datum=WGS84 +units=m +no_defs"
    )


def _transformer(crs: str, *, inverse: bool = False) -> Transformer:
    src, dst = ("EPSG:4326", crs) if not inverse else (crs, "EPSG:4326")
    return Transformer.from_crs(src, dst, always_xy=True)


# --- arcs ------------------------------------------------------------------------------------

#: Longest arc, in vertices, handed to the simplifier (longer arcs are cut evenly).
_MAX_ARC = 1000


@dataclass
class _Topology:
    """The coverage cut into arcs.

    ``arcs`` are point-id sequences in canonical direction; ``rings`` lists, per ring, the
    ``(arc, forward)`` pairs that rebuild it; ``ring_polygon``/``polygon_unit`` map rings to
    polygons and polygons to units; ``points`` holds the coordinates of every point id.
    """

    points: np.ndarray
    arcs: list[np.ndarray]
    rings: list[list[tuple[int, bool]]]
    ring_polygon: np.ndarray
    polygon_unit: np.ndarray


def _canonical_cycle(ids: np.ndarray) -> np.ndarray:
    """Rotate and orient a closed ring (without its closing point) to a canonical form."""
    start = int(np.argmin(ids))
    cyc = np.roll(ids, -start)
    if cyc[-1] < cyc[1]:  # walk towards the smaller neighbour
        cyc = np.concatenate([cyc[:1], cyc[1:][::-1]])
    return np.concatenate([cyc, cyc[:1]])


def _canonical(seq: np.ndarray) -> tuple[np.ndarray, bool]:
    """The arc ``seq`` in canonical direction (the lexicographically smaller one) and whether
    that is the direction it was given in."""
    rev = seq[::-1]
    differ = np.flatnonzero(seq != rev)
    if len(differ) == 0 or seq[differ[0]] < rev[differ[0]]:
        return seq, True
    return rev, False


def _split_even(seq: np.ndarray, pieces: int) -> list[np.ndarray]:
    n = len(seq) - 1  # segments
    pieces = max(1, min(pieces, n))
    cuts = sorted({round(k * n / pieces) for k in range(pieces + 1)})
    return [seq[a : b + 1] for a, b in itertools.pairwise(cuts)]


def _point_ids(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct points (sorted by x, then y) and the point id of every row of ``coords``."""
    order = np.lexsort((coords[:, 1], coords[:, 0]))
    c = coords[order]
    new = np.r_[True, np.any(c[1:] != c[:-1], axis=1)]
    pid = np.empty(len(coords), dtype=np.int64)
    pid[order] = np.cumsum(new) - 1
    return c[new], pid


def _build_topology(geoms: np.ndarray, *, max_arc: int = _MAX_ARC) -> _Topology:
    """Cut polygonal ``geoms`` (WGS84) into shared arcs."""
    polys, polygon_unit = shapely.get_parts(geoms, return_index=True)
    rings, ring_polygon = shapely.get_rings(polys, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    # drop each ring's closing point
    last = np.r_[coord_ring[1:] != coord_ring[:-1], True]
    coords, coord_ring = coords[~last], coord_ring[~last]
    points, pid = _point_ids(coords)
    starts = np.r_[0, np.flatnonzero(np.diff(coord_ring)) + 1]
    counts = np.diff(np.r_[starts, len(pid)])
    if counts.min(initial=3) < 3:
        raise BoundaryError("a ring has fewer than 3 distinct points; repair the layer first")
    # neighbours of each occurrence within its ring
    pos = np.arange(len(pid)) - np.repeat(starts, counts)
    base = np.repeat(starts, counts)
    n = np.repeat(counts, counts)
    prev = pid[base + (pos - 1) % n]
    nxt = pid[base + (pos + 1) % n]
    # a junction is a point seen with more than one pair of neighbours
    pair = np.minimum(prev, nxt) * len(points) + np.maximum(prev, nxt)
    order = np.lexsort((pair, pid))
    p_s, pair_s = pid[order], pair[order]
    new_pair = np.r_[True, (p_s[1:] != p_s[:-1]) | (pair_s[1:] != pair_s[:-1])]
    junction = np.bincount(p_s[new_pair], minlength=len(points)) > 1

    # pass 1: arcs of every ring, in canonical direction, keyed by their bytes
    canon: dict[bytes, np.ndarray] = {}
    ring_keys: list[list[tuple[bytes, bool]]] = []
    for s, c in zip(starts, counts, strict=True):
        ids = pid[s : s + c]
        at = np.flatnonzero(junction[ids])
        if len(at) == 0:
            cyc = _canonical_cycle(ids)
            canon.setdefault(cyc.tobytes(), cyc)
            ring_keys.append([(cyc.tobytes(), True)])
            continue
        rot = np.roll(ids, -int(at[0]))
        cuts = [*list(at - at[0]), c]
        keys = []
        for a, b in itertools.pairwise(cuts):
            seq, forward = _canonical(rot[a : b + 1] if b < c else np.r_[rot[a:], rot[:1]])
            key = seq.tobytes()
            canon.setdefault(key, seq)
            keys.append((key, forward))
        ring_keys.append(keys)

    # pass 2: rings with fewer than three arcs get their arcs cut, so no ring can collapse;
    # long arcs are cut too (shorter arcs keep the topology checks of the simplifier local)
    pieces = {
        key: -(-(len(seq) - 1) // max_arc) for key, seq in canon.items() if len(seq) > max_arc
    }
    for keys in ring_keys:
        if len(keys) < 3:
            want = 3 if len(keys) == 1 else 2
            for key, _ in keys:
                pieces[key] = max(pieces.get(key, 1), want)

    arc_index: dict[bytes, int] = {}
    arcs: list[np.ndarray] = []
    ring_arcs: list[list[tuple[int, bool]]] = []
    for keys in ring_keys:
        out: list[tuple[int, bool]] = []
        for key, forward in keys:
            refs = []
            for part in _split_even(canon[key], pieces.get(key, 1)):
                part_key = part.tobytes()
                idx = arc_index.get(part_key)
                if idx is None:
                    idx = arc_index[part_key] = len(arcs)
                    arcs.append(part)
                refs.append((idx, True))
            out.extend(refs if forward else [(i, False) for i, _ in reversed(refs)])
        ring_arcs.append(out)
    return _Topology(points, arcs, ring_arcs, ring_polygon, polygon_unit)


def _project_arcs(topo: _Topology, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """The projected points (metres) and the arcs as projected LineStrings."""
    x, y = _transformer(crs).transform(topo.points[:, 0], topo.points[:, 1])
    projected = np.column_stack([x, y])
    lengths = np.array([len(a) for a in topo.arcs])
    lines = shapely.linestrings(
        projected[np.concatenate(topo.arcs)],
        indices=np.repeat(np.arange(len(lengths)), lengths),
    )
    return projected, lines


def _original_points(
    projected: np.ndarray, xy: np.ndarray, topo: _Topology, crs: str
) -> np.ndarray:
    """WGS84 coordinates of simplified vertices ``xy``: the exact original coordinates.

    Simplification only drops vertices, so every kept vertex is one of the projected points;
    it is looked up, not projected back (no round-off). A vertex not found (there should be
    none) is projected back.
    """
    keys = projected[:, 0] + 1j * projected[:, 1]
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    wanted = xy[:, 0] + 1j * xy[:, 1]
    at = np.clip(np.searchsorted(ranked, wanted), 0, len(ranked) - 1)
    found = ranked[at] == wanted
    out = topo.points[order[at]]
    if not found.all():
        lon, lat = _transformer(crs, inverse=True).transform(xy[~found, 0], xy[~found, 1])
        out[~found] = np.column_stack([lon, lat])
    return out


def _simplify_arcs(
    topo: _Topology,
    projected: np.ndarray,
    lines: np.ndarray,
    *,
    tolerance_m: np.ndarray,
    crs: str,
    quantize: int | None,
    guarded: np.ndarray,
) -> list[np.ndarray]:
    """Simplify every arc once (metres) and round; return WGS84 coordinates per arc.

    ``tolerance_m`` holds one tolerance per arc. Arcs flagged in ``guarded`` are simplified
    together, per tolerance, by GEOS's topology-preserving simplifier (none of them may cross
    another of the same tolerance); the others get plain Douglas–Peucker, which is much
    faster. Both keep the arc's end points and stay within the arc's tolerance; a tolerance of
    0 keeps the arc as it is.
    """
    lines = lines.copy()
    free = ~guarded & (tolerance_m > 0)
    if free.any():
        lines[free] = shapely.simplify(lines[free], tolerance_m[free], preserve_topology=False)
    for tol in np.unique(tolerance_m[guarded]):
        if tol <= 0:
            continue
        group = guarded & (tolerance_m == tol)
        joint = shapely.simplify(
            shapely.multilinestrings(lines[group]), float(tol), preserve_topology=True
        )
        parts = shapely.get_parts(joint)
        if len(parts) != int(group.sum()):
            raise BoundaryError(
                f"simplification lost arcs ({len(parts)} of {int(group.sum())}); lower tolerance_m"
            )
        lines[group] = parts
    xy, which = shapely.get_coordinates(lines, return_index=True)
    ll = _original_points(projected, xy, topo, crs)
    if quantize is not None:
        ll = np.round(ll, quantize)
    bounds = np.r_[0, np.flatnonzero(np.diff(which)) + 1, len(which)]
    return [ll[a:b] for a, b in itertools.pairwise(bounds)]


def _unit_arcs(topo: _Topology, n_units: int) -> list[np.ndarray]:
    """The arc ids of every unit."""
    per_unit: list[set[int]] = [set() for _ in range(n_units)]
    units_of_rings = topo.polygon_unit[topo.ring_polygon]
    for refs, u in zip(topo.rings, units_of_rings, strict=True):
        per_unit[u].update(i for i, _ in refs)
    return [np.fromiter(sorted(a), dtype=np.int64) for a in per_unit]


def _dedupe(ring: np.ndarray) -> np.ndarray:
    keep = np.r_[True, np.any(ring[1:] != ring[:-1], axis=1)]
    return ring[keep]


def _rebuild(topo: _Topology, arc_coords: list[np.ndarray], n_units: int) -> list:
    rings = []
    for refs in topo.rings:
        parts = [arc_coords[i] if fwd else arc_coords[i][::-1] for i, fwd in refs]
        ring = np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])
        rings.append(_dedupe(ring))
    polys: list[list[np.ndarray]] = [[] for _ in range(int(topo.ring_polygon.max()) + 1)]
    for ring, p in zip(rings, topo.ring_polygon, strict=True):
        polys[p].append(ring)
    units: list[list] = [[] for _ in range(n_units)]
    for rs, u in zip(polys, topo.polygon_unit, strict=True):
        if len(rs[0]) < 4:  # collapsed below the rounding grid: drop the part
            continue
        units[u].append(shapely.Polygon(rs[0], [r for r in rs[1:] if len(r) >= 4]))
    return units


# --- public ----------------------------------------------------------------------------------


def simplify_coverage(
    units: gpd.GeoDataFrame,
    *,
    tolerance_m: float | Sequence[float] | np.ndarray = DEFAULT_TOLERANCE_M,
    quantize: int | None = DEFAULT_QUANTIZE,
) -> gpd.GeoDataFrame:
    """Simplify a polygon coverage with its topology kept.

    Parameters
    ----------
    units
        Polygonal units in EPSG:4326 that form a coverage (no overlaps; neighbours share their
        border vertices), e.g. ``read_units(level="county")``.
    tolerance_m
        Maximum displacement of any border, in metres (0 keeps every vertex): one value for
        every border, or one value per unit (in the order of ``units``), in which case each
        border takes the smallest value of the units it bounds. A backdrop can so be
        simplified more coarsely than the units it surrounds, while their common border keeps
        the finer tolerance (:func:`simplified_units` does this for the context layer).
    quantize
        Round output coordinates to this many decimals of a degree (``None``: no rounding).

    Returns
    -------
    GeoDataFrame
        The same rows, columns and order, with simplified geometry (exterior rings
        counter-clockwise). Attributes such as ``area_km2`` keep the values of the full
        resolution, except that a seat (``seat_lon``/``seat_lat``) left outside its simplified
        polygon is moved just inside it (:func:`snap_seats`). The output depends only on the
        input: same input, same bytes.

    Raises
    ------
    BoundaryError
        If the input is not in EPSG:4326, not polygonal, or the result is not a valid coverage.
    """
    if units.crs is None or units.crs.to_epsg() != 4326:
        raise BoundaryError(
            f"simplify_coverage expects EPSG:4326 units, got {units.crs}; "
            "reproject with to_crs(4326)"
        )
    geoms = np.asarray(units.geometry.values, dtype=object)
    kinds = set(shapely.get_type_id(geoms).tolist())
    if not kinds <= {3, 6}:
        raise BoundaryError("simplify_coverage expects Polygon/MultiPolygon units only")
    unit_tol = _unit_tolerances(tolerance_m, len(geoms))
    crs = metric_crs(units.total_bounds)
    topo = _build_topology(geoms)
    labels = _labels(units)
    projected, lines = _project_arcs(topo, crs)
    unit_arcs = _unit_arcs(topo, len(geoms))
    arc_tol = np.full(len(topo.arcs), np.inf)
    for tol, arcs in zip(unit_tol, unit_arcs, strict=True):
        np.minimum.at(arc_tol, arcs, tol)
    # Plain Douglas–Peucker per arc first. Where a border then crosses another (the units
    # turn invalid), the arcs of those units are simplified again, jointly, by the
    # topology-preserving simplifier; repeat until the coverage is valid. The guarded set only
    # grows. Once it cannot grow, guarded arcs of different tolerances (simplified in separate
    # groups, so free to cross each other) are brought down to the smallest tolerance of the
    # failing units' arcs, and simplified as one group. Tolerances only shrink, so this ends
    # (at worst with every arc guarded at the smallest tolerance).
    guarded = np.zeros(len(topo.arcs), dtype=bool)
    while True:
        arc_coords = _simplify_arcs(
            topo,
            projected,
            lines,
            tolerance_m=arc_tol,
            crs=crs,
            quantize=quantize,
            guarded=guarded,
        )
        out_arr, bad = _assemble(topo, arc_coords, geoms, labels)
        if len(bad) == 0:
            break
        grow = guarded.copy()
        for pos in bad:
            grow[unit_arcs[pos]] = True
        if (grow == guarded).all():
            failing = np.concatenate([unit_arcs[pos] for pos in bad])
            lowest = arc_tol[failing].min()
            if (arc_tol[failing] > lowest).any():
                arc_tol[failing] = lowest
                continue
            _require_coverage(geoms, labels)
            names = ", ".join(labels[i] for i in bad[:5])
            raise BoundaryError(
                f"simplified units {names} are invalid; lower tolerance_m or pass quantize=None"
            )
        guarded = grow
    out = units.copy()
    out = out.set_geometry(gpd.GeoSeries(out_arr, index=units.index, crs=units.crs))
    if {"seat_lon", "seat_lat"} <= set(out.columns):
        out = snap_seats(out)
    return out


def _unit_tolerances(tolerance_m: float | Sequence[float] | np.ndarray, n: int) -> np.ndarray:
    """``tolerance_m`` as one finite, non-negative float per unit (a scalar is repeated)."""
    tol = np.asarray(tolerance_m, dtype=float)
    if tol.ndim == 0:
        tol = np.full(n, float(tol))
    if tol.shape != (n,):
        raise BoundaryError(
            f"tolerance_m must be one number or one per unit ({n}), got {tol.shape[0]} values"
            if tol.ndim == 1
            else f"tolerance_m must be one number or one per unit ({n}), got shape {tol.shape}"
        )
    wrong = ~np.isfinite(tol) | (tol < 0)
    if wrong.any():
        shown = tolerance_m if np.ndim(tolerance_m) == 0 else tol[wrong][:3].tolist()
        raise BoundaryError(f"tolerance_m must be a finite number >= 0 (metres), got {shown}")
    return tol


#: How far inside its polygon a snapped seat is put, in degrees (about 10 m).
_SEAT_INSET = 1e-4


def snap_seats(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Move every seat that lies outside its (simplified) polygon just inside it.

    A seat of government close to a border can fall outside the polygon once the border is
    simplified (at most ``tolerance_m`` away). Such a seat is moved to the nearest point of the
    polygon, then about 10 m inward, and rounded to 6 decimals; seats already inside, and
    missing seats (NaN), are left alone. Measured on the Gansu layers at the default tolerance,
    no seat needs moving; the rule exists so that "every seat lies inside its unit" holds for
    any tolerance.
    """
    lon = units["seat_lon"].to_numpy(dtype=float)
    lat = units["seat_lat"].to_numpy(dtype=float)
    geoms = units.geometry.values
    known = ~(np.isnan(lon) | np.isnan(lat))
    inside = np.zeros(len(units), dtype=bool)
    inside[known] = shapely.contains_xy(geoms[known], lon[known], lat[known])
    moved = np.flatnonzero(known & ~inside)
    if len(moved) == 0:
        return units
    lon, lat = lon.copy(), lat.copy()
    for i in moved:
        geom = geoms[i]
        edge = shapely.shortest_line(shapely.Point(lon[i], lat[i]), geom)
        near = shapely.get_point(edge, 1)
        spot = shapely.intersection(geom, shapely.buffer(near, _SEAT_INSET))
        p = shapely.point_on_surface(spot)
        x, y = round(shapely.get_x(p), 6), round(shapely.get_y(p), 6)
        if not shapely.contains_xy(geom, x, y):  # rounding stepped out: take any inner point
            p = shapely.point_on_surface(geom)
            x, y = round(shapely.get_x(p), 6), round(shapely.get_y(p), 6)
        lon[i], lat[i] = x, y
    return units.assign(seat_lon=lon, seat_lat=lat)


def _require_coverage(geoms: np.ndarray, labels: list[str]) -> None:
    """Raise a clear error if the input units are not a coverage (overlaps, unmatched edges)."""
    valid = shapely.is_valid(geoms)
    edges = ~shapely.is_empty(shapely.coverage_invalid_edges(geoms, gap_width=0.0))
    bad = [k for k, v, e in zip(labels, valid, edges, strict=True) if e or not v]
    if bad:
        names = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise BoundaryError(
            f"units {names} are not a coverage (invalid, overlapping, or not sharing their "
            "border vertices with their neighbours); repair the layer before simplifying it"
        )


def _assemble(
    topo: _Topology, arc_coords: list[np.ndarray], geoms: np.ndarray, labels: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Rebuild the units from simplified arcs; return them and the positions of invalid ones.

    A unit is invalid if its polygon is not valid or its edges no longer match its
    neighbours' (two arcs crossed).
    """
    parts = _rebuild(topo, arc_coords, len(geoms))
    out_geoms = []
    for g, ps, key in zip(geoms, parts, labels, strict=True):
        if not ps:
            raise BoundaryError(f"unit {key} collapsed when simplified; lower tolerance_m")
        multi = shapely.get_type_id(g) == 6
        out_geoms.append(shapely.MultiPolygon(ps) if multi or len(ps) > 1 else ps[0])
    out_arr = shapely.orient_polygons(np.asarray(out_geoms, dtype=object), exterior_cw=False)
    ok = shapely.is_valid(out_arr)
    # the yes/no check is several times faster; find the culprits only when there are some
    if ok.all() and not shapely.coverage_is_valid(out_arr, gap_width=0.0):
        ok = shapely.is_empty(shapely.coverage_invalid_edges(out_arr, gap_width=0.0))
    return out_arr, np.flatnonzero(~ok)


def _labels(units: gpd.GeoDataFrame) -> list[str]:
    if "adcode" in units.columns:
        return [str(a) for a in units["adcode"]]
    return [str(i) for i in units.index]


def dissolve_units(
    parents: gpd.GeoDataFrame, children: gpd.GeoDataFrame, *, by: str = "parent"
) -> gpd.GeoDataFrame:
    """Give each row of ``parents`` the union of the ``children`` that point to it.

    A child belongs to the parent whose ``adcode`` equals its ``by`` column; a parent without
    children (a prefecture-level city with no counties) takes the child with its own
    adcode; a parent of level ``province`` takes all children. The union is a coverage union,
    so the parent's border is made of the children's (simplified) vertices.
    """
    geoms = []
    for code, level in zip(parents["adcode"], parents["level"], strict=True):
        if level == "province":
            members = children
        else:
            members = children[children[by] == code]
            if members.empty:
                members = children[children["adcode"] == code]
        if members.empty:
            raise BoundaryError(
                f"unit {code} has no member units to dissolve; check the parent column"
            )
        geoms.append(_normal(shapely.coverage_union_all(members.geometry.values)))
    arr = shapely.orient_polygons(np.asarray(geoms, dtype=object), exterior_cw=False)
    return parents.set_geometry(gpd.GeoSeries(arr, index=parents.index, crs=parents.crs))


def _normal(geom: shapely.Geometry) -> shapely.Geometry:
    """Canonical form: parts and rings in a fixed order (deterministic output)."""
    return shapely.normalize(geom)


def _matched(
    original: gpd.GeoDataFrame, simplified: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The two frames indexed alike: by ``adcode`` (or their index when there is none)."""
    key = "adcode" if "adcode" in original.columns and "adcode" in simplified.columns else None
    a = original.set_index(key) if key else original
    b = simplified.set_index(key) if key else simplified
    if set(a.index) != set(b.index):
        raise BoundaryError("original and simplified units differ in their adcodes")
    return a, b.loc[a.index]


def hausdorff_errors_m(
    original: gpd.GeoDataFrame, simplified: gpd.GeoDataFrame, *, crs: str | None = None
) -> pd.Series:
    """Hausdorff distance (metres) between each unit's original and simplified boundary.

    Units are matched by ``adcode`` (or by index when there is none). Distances are measured in
    ``crs`` (default: :func:`metric_crs` of the original bounds).
    """
    a, b = _matched(original, simplified)
    crs = crs or metric_crs(original.total_bounds)
    ga = shapely.boundary(a.geometry.to_crs(crs).values)
    gb = shapely.boundary(b.geometry.to_crs(crs).values)
    dist = [max(_directed(x, y), _directed(y, x)) for x, y in zip(ga, gb, strict=True)]
    return pd.Series(dist, index=a.index, name="hausdorff_m", dtype=float)


def _directed(src: shapely.Geometry, dst: shapely.Geometry) -> float:
    """Largest distance from a vertex of ``src`` to the lines of ``dst`` (an indexed search:
    the same value as the discrete Hausdorff distance of GEOS, in n log n instead of n·m)."""
    d = _distances(shapely.get_coordinates(src), dst)
    return float(d.max()) if len(d) else 0.0


def _distances(xy: np.ndarray, dst: shapely.Geometry) -> np.ndarray:
    """Distance from every point of ``xy`` to the nearest segment of the lines of ``dst``."""
    if len(xy) == 0:
        return np.zeros(0)
    pts = shapely.points(xy)
    lxy, ring = shapely.get_coordinates(shapely.get_parts(dst), return_index=True)
    same = ring[1:] == ring[:-1]
    segs = shapely.linestrings(
        np.stack([lxy[:-1][same], lxy[1:][same]], axis=1).reshape(-1, 2),
        indices=np.repeat(np.arange(int(same.sum())), 2),
    )
    _, d = shapely.STRtree(segs).query_nearest(pts, return_distance=True, all_matches=False)
    return d


def shared_border_errors_m(
    original: gpd.GeoDataFrame,
    simplified: gpd.GeoDataFrame,
    *,
    neighbours: gpd.GeoDataFrame,
    simplified_neighbours: gpd.GeoDataFrame,
    crs: str | None = None,
) -> pd.DataFrame:
    """Hausdorff error (metres) of each unit's boundary, split at the ``neighbours``.

    The discrete Hausdorff distance of :func:`hausdorff_errors_m` is the largest distance from
    a vertex of either boundary to the other boundary. Here the vertices are split in two: those
    that are also vertices of ``neighbours`` (original boundary) or of ``simplified_neighbours``
    (simplified boundary), i.e. the border shared with them, and all others. E.g. the context
    layer against the Gansu counties: the borders Gansu shares with its neighbours (simplified
    at the fine tolerance) and the backdrop borders between the neighbours (coarser).

    Returns
    -------
    pandas.DataFrame
        Indexed like :func:`hausdorff_errors_m`, columns ``shared_m`` and ``other_m`` (NaN where
        a unit has no vertex of that kind); their maximum per row is the unit's Hausdorff
        error.
    """
    a, b = _matched(original, simplified)
    crs = crs or metric_crs(original.total_bounds)

    def on(geoms: np.ndarray, others: gpd.GeoDataFrame) -> tuple[list, list]:
        """Boundaries (WGS84, projected) and, per unit, which vertices ``others`` has too."""
        ll = shapely.boundary(geoms)
        theirs = shapely.get_coordinates(others.geometry.values)
        keys = np.unique(theirs[:, 0] + 1j * theirs[:, 1])
        shared = []
        for line in ll:
            xy = shapely.get_coordinates(line)
            shared.append(np.isin(xy[:, 0] + 1j * xy[:, 1], keys))
        projected = shapely.boundary(gpd.GeoSeries(geoms, crs=original.crs).to_crs(crs).values)
        return list(projected), shared

    ga, sa = on(np.asarray(a.geometry.values), neighbours)
    gb, sb = on(np.asarray(b.geometry.values), simplified_neighbours)
    rows = []
    for x, y, mx, my in zip(ga, gb, sa, sb, strict=True):
        dx = _distances(shapely.get_coordinates(x), y)
        dy = _distances(shapely.get_coordinates(y), x)
        shared = np.r_[dx[mx], dy[my]]
        other = np.r_[dx[~mx], dy[~my]]
        rows.append(
            (
                float(shared.max()) if len(shared) else np.nan,
                float(other.max()) if len(other) else np.nan,
            )
        )
    return pd.DataFrame(rows, index=a.index, columns=["shared_m", "other_m"], dtype=float)


def hausdorff_error_m(
    original: gpd.GeoDataFrame, simplified: gpd.GeoDataFrame, *, crs: str | None = None
) -> float:
    """Maximum over units of :func:`hausdorff_errors_m`, in metres."""
    return float(hausdorff_errors_m(original, simplified, crs=crs).max())


@dataclass(frozen=True)
class CoverageCheck:
    """What :func:`check_coverage` found.

    Attributes
    ----------
    invalid_units
        Units whose geometry is not valid.
    invalid_edges
        Units with edges that do not match their neighbours' (overlap, or a gap narrower than
        the gap width).
    overlap_km2
        Sum of the unit areas minus the area of their union.
    holes
        Number of holes in the union of all units (a gap between units shows up as a hole).
    """

    invalid_units: tuple[str, ...]
    invalid_edges: tuple[str, ...]
    overlap_km2: float
    holes: int

    @property
    def ok(self) -> bool:
        """True when every unit is valid, edges match, and nothing overlaps."""
        return not self.invalid_units and not self.invalid_edges and self.overlap_km2 < 1e-3


def check_coverage(gdf: gpd.GeoDataFrame, *, gap_width_m: float = 1.0) -> CoverageCheck:
    """Check that ``gdf`` is a valid coverage: valid polygons, no gaps, no overlaps.

    ``gap_width_m`` (metres) is the widest gap between neighbours that counts as an error of
    ``shapely.coverage_invalid_edges``; gaps of any width also show up in ``holes`` when the
    original union had none.
    """
    labels = _labels(gdf)
    crs = metric_crs(gdf.total_bounds)
    geoms = gdf.geometry.to_crs(crs).values
    valid = shapely.is_valid(geoms)
    edges = shapely.coverage_invalid_edges(geoms, gap_width=gap_width_m)
    bad_edges = ~shapely.is_empty(edges)
    exact = valid.all() and not bad_edges.any()
    if exact:
        union = shapely.coverage_union_all(geoms)
    else:  # overlaps or invalid polygons: a full union, of repaired polygons
        geoms = shapely.make_valid(geoms)
        union = shapely.union_all(geoms)
    overlap = float(shapely.area(geoms).sum() - shapely.area(union)) / 1e6
    holes = int(sum(shapely.get_num_interior_rings(shapely.get_parts(union))))
    return CoverageCheck(
        invalid_units=tuple(k for k, ok in zip(labels, valid, strict=True) if not ok),
        invalid_edges=tuple(k for k, bad in zip(labels, bad_edges, strict=True) if bad),
        overlap_km2=max(overlap, 0.0),
        holes=holes,
    )


# --- cached layers ---------------------------------------------------------------------------


def _context_pieces(context: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, list[str]]]:
    """Cut the context layer into non-overlapping pieces.

    A context unit that contains other context units (a province and its prefectures) is
    replaced by its remainder, so that the pieces form a coverage; returns the pieces and, per
    such unit, the adcodes of the pieces that rebuild it.
    """
    codes = set(context["adcode"])
    children: dict[str, list[str]] = {}
    for code, parent in zip(context["adcode"], context["parent"], strict=True):
        if parent in codes:
            children.setdefault(parent, []).append(code)
    rows = []
    for _, row in context.iterrows():
        kids = children.get(row["adcode"])
        if kids:
            inner = context[context["adcode"].isin(kids)].geometry.values
            geom = shapely.difference(row.geometry, shapely.union_all(inner))
            row = row.copy()
            row["adcode"] = f"{row['adcode']}-rest"
            row["geometry"] = geom
            children[row["adcode"][: -len("-rest")]] = [*kids, row["adcode"]]
        rows.append(row)
    return gpd.GeoDataFrame(rows, crs=context.crs).reset_index(drop=True), children


@functools.lru_cache(maxsize=8)
def _simplified_levels(
    root: str, tolerance_m: float, quantize: int | None, context_tolerance_m: float
) -> dict[str, gpd.GeoDataFrame]:
    counties = read_units(root=root, level="county")
    context = read_context(root=root)
    pieces, wholes = _context_pieces(context)
    # one coverage: the counties and the context around them, simplified together, so that the
    # provincial border is the same line in every layer
    joint = gpd.GeoDataFrame(pd.concat([counties, pieces], ignore_index=True), crs=counties.crs)
    # a border takes the smallest tolerance of its units: the counties and the context
    # prefectures inside a context province (members of plan areas, drawn in them) keep
    # ``tolerance_m``; borders between backdrop pieces only get the coarser one
    inner = pieces["parent"].isin(set(context["adcode"])).to_numpy()
    coarse = max(tolerance_m, context_tolerance_m)
    unit_tol = np.r_[np.full(len(counties), tolerance_m), np.where(inner, tolerance_m, coarse)]
    simple = simplify_coverage(joint, tolerance_m=unit_tol, quantize=quantize)
    n = len(counties)
    levels = {"county": _reindexed(simple.iloc[:n], counties)}
    for level in ("prefecture", "province"):
        levels[level] = dissolve_units(read_units(root=root, level=level), levels["county"])
    ctx_simple = simple.iloc[n:]
    geoms = []
    for code in context["adcode"]:
        parts = wholes.get(code, [code])
        members = ctx_simple[ctx_simple["adcode"].isin(parts)].geometry.values
        geoms.append(_normal(shapely.coverage_union_all(members)) if code in wholes else members[0])
    arr = shapely.orient_polygons(np.asarray(geoms, dtype=object), exterior_cw=False)
    levels["context"] = context.set_geometry(
        gpd.GeoSeries(arr, index=context.index, crs=context.crs)
    )
    return levels


def _reindexed(part: gpd.GeoDataFrame, like: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame(part.reset_index(drop=True), crs=like.crs)
    out.index = like.index
    return out[list(like.columns)]


def simplified_units(
    *,
    root: str | os.PathLike[str] | None = None,
    level: str | None = "county",
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    quantize: int | None = DEFAULT_QUANTIZE,
    context_tolerance_m: float = CONTEXT_TOLERANCE_M,
) -> gpd.GeoDataFrame:
    """Return simplified admin units with the schema of ``geo.boundaries.read_units``.

    The counties and the context layer are simplified once, together, as one coverage
    (:func:`simplify_coverage`; a context province that contains context prefectures is cut
    into them and its remainder first), and prefectures and the province are dissolved from
    the simplified counties, so all borders coincide. Every border of a county, and every
    border of a context prefecture (西宁, 海东: members of plan areas), moves by at most
    ``tolerance_m``; the other borders of the context layer (between neighbouring provinces,
    a grey backdrop) by at most ``context_tolerance_m``. Results are cached per data root and
    options; each call returns a fresh copy.

    Parameters
    ----------
    root
        Data root (see :func:`geo._paths.data_root`).
    level
        ``"county"``, ``"prefecture"``, ``"province"``, ``"context"``, or ``None`` for the
        three Gansu levels stacked (province, prefectures, counties).
    tolerance_m, quantize
        As in :func:`simplify_coverage`.
    context_tolerance_m
        Tolerance in metres of the backdrop borders of the context layer (see
        :data:`CONTEXT_TOLERANCE_M`); never finer than ``tolerance_m``.
    """
    levels = _simplified_levels(
        str(data_root(root).resolve()), float(tolerance_m), quantize, float(context_tolerance_m)
    )
    if level is None:
        frames = [levels[k] for k in ("province", "prefecture", "county")]
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    if level not in levels:
        raise BoundaryError(
            f"unknown level {level!r}; use one of 'province', 'prefecture', 'county', "
            "'context' or None"
        )
    return levels[level].copy()
