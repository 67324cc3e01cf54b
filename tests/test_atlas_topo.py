"""Tests of geo._atlas_topo: the admin units as shared arcs, every border stored once."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo import _atlas_topo as topo_mod
from geo._atlas_model import SCALE
from geo.coverage import simplified_units


def _ring_of(topo: topo_mod.Topology, refs: list[int]) -> list[tuple[int, int]]:
    pts: list[tuple[int, int]] = []
    for ref in refs:
        arc = topo.arcs[ref] if ref >= 0 else topo.arcs[~ref][::-1]
        pts += arc if not pts else arc[1:]
    if pts[0] == pts[-1]:
        pts.pop()
    return pts


def _same_cycle(a: list, b: list) -> bool:
    if len(a) != len(b) or a[0] not in b:
        return False
    k = b.index(a[0])
    return b[k:] + b[:k] == a


def _frame(rows: list[tuple[str, str, str | None, Polygon]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        [{"adcode": a, "level": lv, "parent": p} for a, lv, p, _ in rows],
        geometry=[g for *_, g in rows],
        crs=4326,
    )


@pytest.fixture(scope="module")
def gansu() -> tuple[gpd.GeoDataFrame, topo_mod.Topology]:
    units = simplified_units(level=None)
    return units, topo_mod.unit_topology(units, scale=SCALE)


def test_every_unit_of_every_level_is_rebuilt_exactly_from_arcs(gansu):
    units, topo = gansu
    assert len(topo.refs) == len(units)  # 87 counties, 14 prefectures, the province
    for row in units.itertuples(index=False):
        polys = topo_mod._polygon_rings(row.geometry, SCALE)
        refs = topo.refs[(str(row.adcode), str(row.level))]
        assert len(refs) == len(polys)
        for poly, ring_refs in zip(polys, refs, strict=True):
            assert len(ring_refs) == len(poly)
            for ring, r in zip(poly, ring_refs, strict=True):
                assert _same_cycle(ring, _ring_of(topo, r)), (row.adcode, row.level)


def test_each_border_is_stored_once_and_ranked_by_the_highest_level(gansu):
    units, topo = gansu
    keys = [tuple(a) for a in topo.arcs]
    assert len(set(keys) | {k[::-1] for k in keys}) == 2 * len(keys)  # no arc twice
    stored = sum(len(a) for a in topo.arcs)
    drawn_before = int(shapely.get_num_coordinates(units.geometry.values).sum())
    assert stored < 0.45 * drawn_before  # each border once instead of up to six times

    def used(level: str) -> set[int]:
        return {
            r if r >= 0 else ~r
            for (_, lv), polys in topo.refs.items()
            if lv == level
            for poly in polys
            for ring in poly
            for r in ring
        }

    by_rank = {
        name: {i for i, k in enumerate(topo.rank) if k >= n}
        for n, name in enumerate(topo_mod.RANKS)
    }
    assert used("province") == by_rank["province"]
    assert used("prefecture") == by_rank["prefecture"]
    assert used("county") == by_rank["county"] == set(range(len(topo.arcs)))


def test_an_enclave_ring_without_junctions_is_one_arc_shared_by_both_units():
    outer = box(0, 0, 1, 1).difference(box(0.4, 0.4, 0.6, 0.6))
    rows = [
        ("1", "county", "p1", outer),
        ("2", "county", "p2", box(0.4, 0.4, 0.6, 0.6)),
        ("3", "county", "p1", box(1, 0, 2, 1)),
    ]
    topo = topo_mod.unit_topology(_frame(rows), scale=100)
    hole = topo.refs[("1", "county")][0][1]
    enclave = topo.refs[("2", "county")][0][0]
    assert len(hole) == len(enclave) == 1
    assert hole[0] in (enclave[0], ~enclave[0])  # the same arc, perhaps reversed
    arc = hole[0] if hole[0] >= 0 else ~hole[0]
    assert topo.rank[arc] == 1  # units of two prefectures: a prefecture border
    shared = {r if r >= 0 else ~r for r in topo.refs[("3", "county")][0][0]}
    assert any(topo.rank[i] == 0 for i in shared)  # 1 and 3 share a parent


def test_a_unit_off_the_county_borders_keeps_its_own_coordinates():
    rows = [
        ("1", "county", "p", box(0, 0, 1, 1)),
        ("2", "county", "p", box(1, 0, 2, 1)),
        ("p", "prefecture", None, Polygon([(0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (0, 1)])),
        ("q", "prefecture", None, box(0, 0, 2, 1)),  # skips the counties' junctions
    ]
    topo = topo_mod.unit_topology(_frame(rows), scale=100)
    assert ("p", "prefecture") in topo.refs and ("q", "prefecture") not in topo.refs
    ring = _ring_of(topo, topo.refs[("p", "prefecture")][0][0])
    assert sorted(ring) == [(0, 0), (0, 100), (100, 0), (100, 100), (200, 0), (200, 100)]


def test_encode_arcs_is_delta_encoded():
    assert topo_mod.encode_arcs([[(10, 20), (11, 22), (9, 22)]]) == [[10, 20, 1, 2, -2, 0]]


def test_the_context_shares_gansus_border_arcs_and_keeps_its_own_apart():
    units = simplified_units(level=None)
    context = simplified_units(level="context")
    topo = topo_mod.unit_topology(units, scale=SCALE, context=context)
    assert {a for a, lv in topo.refs if lv == "context"} == set(context.adcode)
    ctx_arcs = {
        r if r >= 0 else ~r
        for (_, lv), polys in topo.refs.items()
        if lv == "context"
        for poly in polys
        for ring in poly
        for r in ring
    }
    ranks = {topo.rank[i] for i in ctx_arcs}
    assert ranks == {2, 3}  # Gansu's own border (one line for both sides), and their own
    for row in context.itertuples(index=False):  # every neighbour rebuilt exactly
        for poly, refs in zip(
            topo_mod._polygon_rings(row.geometry, SCALE),
            topo.refs[(str(row.adcode), "context")],
            strict=True,
        ):
            for ring, r in zip(poly, refs, strict=True):
                assert _same_cycle(ring, _ring_of(topo, r)), row.adcode


@pytest.mark.parametrize("level", range(len(topo_mod.LOD_TOLERANCES_M)))
def test_coarse_arcs_keep_their_ends_and_stay_within_their_tolerance(gansu, level):
    from geo.coverage import metric_crs

    _, topo = gansu
    tol = topo_mod.LOD_TOLERANCES_M[level]
    kept = topo.lods[level]
    assert len(kept) == len(topo.arcs)
    pts = [np.asarray(a, dtype=float) / SCALE for a in topo.arcs]
    allpts = np.concatenate(pts)
    crs = metric_crs((*allpts.min(axis=0), *allpts.max(axis=0)))
    worst = 0.0
    for arc, k in zip(pts, kept, strict=True):
        assert k[0] == 0 and k[-1] == len(arc) - 1 and k == sorted(set(k))
        full = gpd.GeoSeries([shapely.LineString(arc)], crs=4326).to_crs(crs).iloc[0]
        coarse = gpd.GeoSeries([shapely.LineString(arc[k])], crs=4326).to_crs(crs).iloc[0]
        worst = max(worst, full.hausdorff_distance(coarse))
    assert worst <= tol * 1.001
    assert sum(map(len, kept)) < 0.6 * sum(map(len, pts))
    encoded = topo_mod.encode_lods(topo.lods)[level]
    assert encoded["tolerance_m"] == tol
    assert all(np.cumsum(g).tolist() == k[1:-1] for g, k in zip(encoded["keep"], kept, strict=True))
