"""Tests of geo.coverage: the simplified admin coverage stays a valid coverage, within its
error bound, deterministic, with every unit and attribute, and all levels coincide."""

from __future__ import annotations

import hashlib
import math
import os
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo import coverage
from geo.boundaries import read_context, read_units
from geo.errors import BoundaryError

TOL = coverage.DEFAULT_TOLERANCE_M
#: Rounding to 5 decimals moves a vertex by at most ~0.8 m; allow a little more.
ROUNDING_M = 2.0
LEVELS = ("county", "prefecture", "province")

# --- the real layers -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full() -> dict[str, gpd.GeoDataFrame]:
    out = {level: read_units(level=level) for level in LEVELS}
    out["context"] = read_context()
    return out


@pytest.fixture(scope="module")
def simple() -> dict[str, gpd.GeoDataFrame]:
    return {level: coverage.simplified_units(level=level) for level in (*LEVELS, "context")}


@pytest.mark.parametrize("level", LEVELS)
def test_simplified_levels_are_valid_coverages(simple, level):
    check = coverage.check_coverage(simple[level])
    assert check.invalid_units == ()
    assert check.invalid_edges == ()
    assert check.overlap_km2 < 1e-3
    assert check.ok


@pytest.mark.parametrize("level", LEVELS)
def test_simplification_adds_no_gap(full, simple, level):
    # a gap between simplified units would show up as a new hole in their union
    assert (
        coverage.check_coverage(simple[level]).holes == coverage.check_coverage(full[level]).holes
    )


@pytest.mark.parametrize("level", LEVELS)
def test_error_within_bound_and_vertices_dropped(full, simple, level):
    errors = coverage.hausdorff_errors_m(full[level], simple[level])
    assert errors.max() <= TOL + ROUNDING_M
    # the bound is used, not trivially met by keeping everything
    assert errors.max() > TOL / 2
    n_full = shapely.get_num_coordinates(full[level].geometry.values).sum()
    n_simple = shapely.get_num_coordinates(simple[level].geometry.values).sum()
    assert n_simple < n_full / 3


@pytest.mark.parametrize("level", (*LEVELS, "context"))
def test_every_unit_and_attribute_kept(full, simple, level):
    a, b = full[level], simple[level]
    assert list(b.columns) == list(a.columns)
    assert list(b["adcode"]) == list(a["adcode"])
    assert b.crs == a.crs
    attrs = [c for c in a.columns if c != "geometry"]
    pd.testing.assert_frame_equal(pd.DataFrame(b[attrs]), pd.DataFrame(a[attrs]))


def test_prefectures_and_province_are_dissolved_counties(simple):
    counties, prefectures = simple["county"], simple["prefecture"]
    for code, geom in zip(prefectures["adcode"], prefectures.geometry, strict=True):
        members = counties[(counties["parent"] == code) | (counties["adcode"] == code)]
        assert not members.empty, code
        union = shapely.union_all(members.geometry.values)
        assert shapely.equals(union, geom), code
        # the prefecture border is made of county vertices only (no new points)
        county_pts = {tuple(p) for p in shapely.get_coordinates(members.geometry.values)}
        assert {tuple(p) for p in shapely.get_coordinates(geom)} <= county_pts, code
    province = simple["province"].geometry.iloc[0]
    assert shapely.equals(shapely.union_all(prefectures.geometry.values), province)


def test_context_shares_the_simplified_provincial_border(simple):
    # the neighbouring provinces and simplified Gansu form one coverage: the border is one line
    ctx = simple["context"]
    top = ctx[~ctx["parent"].isin(ctx["adcode"])]
    joined = gpd.GeoDataFrame(pd.concat([simple["province"], top]), crs=ctx.crs)
    assert coverage.check_coverage(joined).ok
    # a context prefecture stays inside its simplified province
    for code, parent, geom in zip(ctx["adcode"], ctx["parent"], ctx.geometry, strict=True):
        if parent in set(ctx["adcode"]):
            outer = ctx.loc[ctx["adcode"] == parent].geometry.iloc[0]
            assert shapely.area(shapely.difference(geom, outer)) < 1e-12, code


def test_context_borders_take_their_tolerance(full, simple):
    # borders shared with Gansu keep the fine tolerance, the backdrop between the neighbouring
    # provinces gets the coarse one, and the context prefectures (西宁, 海东) the fine one
    ctx = simple["context"]
    errors = coverage.shared_border_errors_m(
        full["context"], ctx, neighbours=full["county"], simplified_neighbours=simple["county"]
    )
    cities = ctx.loc[ctx["parent"].isin(ctx["adcode"]), "adcode"]
    backdrop = errors.drop(index=cities)
    assert errors["shared_m"].max() <= TOL + ROUNDING_M
    assert errors["shared_m"].max() > TOL / 2
    assert coverage.hausdorff_errors_m(full["context"], ctx).loc[cities].max() <= TOL + ROUNDING_M
    assert backdrop["other_m"].max() <= coverage.CONTEXT_TOLERANCE_M + ROUNDING_M
    assert backdrop["other_m"].min() > 2 * TOL  # the coarse tolerance is used everywhere
    # far fewer vertices than at the fine tolerance everywhere; the Gansu levels do not change
    fine = coverage.simplified_units(level="context", context_tolerance_m=TOL)
    n = shapely.get_num_coordinates(ctx.geometry.values).sum()
    assert n < 0.5 * shapely.get_num_coordinates(fine.geometry.values).sum()
    assert coverage.hausdorff_error_m(full["context"], fine) <= TOL + ROUNDING_M
    county = coverage.simplified_units(level="county", context_tolerance_m=TOL)
    assert county.to_json() == simple["county"].to_json()
    # still one coverage with Gansu, every unit valid
    assert shapely.is_valid(ctx.geometry.values).all()
    top = ctx[~ctx["parent"].isin(ctx["adcode"])]
    joined = gpd.GeoDataFrame(pd.concat([simple["county"], top]), crs=ctx.crs)
    assert coverage.check_coverage(joined).ok


@pytest.mark.parametrize("level", LEVELS)
def test_seats_inside_their_simplified_units(full, simple, level):
    s = simple[level]
    assert shapely.contains_xy(s.geometry.values, s["seat_lon"], s["seat_lat"]).all()
    # measured: at the default tolerance no seat had to move
    assert (s["seat_lon"] == full[level]["seat_lon"]).all()
    assert (s["seat_lat"] == full[level]["seat_lat"]).all()


def test_coordinates_are_quantized(simple):
    xy = shapely.get_coordinates(simple["county"].geometry.values)
    assert np.array_equal(np.round(xy, coverage.DEFAULT_QUANTIZE), xy)


def test_deterministic_and_independent_of_row_order(full):
    counties = full["county"]
    a = coverage.simplify_coverage(counties)
    b = coverage.simplify_coverage(counties.copy())
    assert list(shapely.to_wkb(a.geometry.values)) == list(shapely.to_wkb(b.geometry.values))
    reversed_rows = coverage.simplify_coverage(counties.iloc[::-1])
    c = reversed_rows.set_index("adcode").loc[counties["adcode"]]
    assert all(shapely.equals(c.geometry.values, a.geometry.values))


_DIGEST = """
import hashlib, shapely
from geo.boundaries import read_units
from geo.coverage import simplify_coverage
out = simplify_coverage(read_units(level="county"))
print(hashlib.sha256(b"".join(shapely.to_wkb(out.geometry.values))).hexdigest())
"""


def test_byte_identical_across_processes(full):
    here = hashlib.sha256(
        b"".join(shapely.to_wkb(coverage.simplify_coverage(full["county"]).geometry.values))
    ).hexdigest()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", _DIGEST], capture_output=True, text=True, env=env, check=True
        )
        assert run.stdout.strip() == here


def test_simplified_units_returns_fresh_copies():
    first = coverage.simplified_units(level="county")
    first.loc[first.index[0], "name"] = "changed"
    assert coverage.simplified_units(level="county")["name"].iloc[0] != "changed"
    stacked = coverage.simplified_units(level=None)
    assert list(stacked["level"].unique()) == ["province", "prefecture", "county"]
    with pytest.raises(BoundaryError, match="unknown level"):
        coverage.simplified_units(level="township")


# --- small fixtures ----------------------------------------------------------------------------

# 0.01 degree of latitude is about 1.1 km
ZIG = [(100.0 + i * 0.01, 36.0 + (0.0005 if i % 2 else 0.0)) for i in range(1, 100)]


def _two_units(border=ZIG) -> gpd.GeoDataFrame:
    """Two units sharing a wiggly border (amplitude ~55 m), side by side along latitude 36°."""
    south = Polygon([(100.0, 36.0), *border, (101.0, 36.0), (101.0, 35.5), (100.0, 35.5)])
    north = Polygon([(100.0, 36.0), (100.0, 36.5), (101.0, 36.5), (101.0, 36.0), *border[::-1]])
    return gpd.GeoDataFrame(
        {"adcode": ["1", "2"], "seat_lon": [100.5, 100.5], "seat_lat": [35.7, 36.3]},
        geometry=[south, north],
        crs=4326,
    )


def test_shared_border_stays_shared_and_within_tolerance():
    units = _two_units()
    for tol, kept in ((20.0, True), (200.0, False)):
        out = coverage.simplify_coverage(units, tolerance_m=tol)
        assert coverage.check_coverage(out).ok
        err = coverage.hausdorff_error_m(units, out)
        assert err <= tol + ROUNDING_M
        # the wiggles (55 m) survive a 20 m tolerance and vanish at 200 m
        n = shapely.get_num_coordinates(out.geometry.values).sum()
        assert bool(n > 100) == kept
    south, north = out.geometry.values
    border = shapely.intersection(south.boundary, north.boundary)
    assert border.length > 0.99  # the whole degree of shared border, as a line


def test_tolerance_per_unit_applies_to_borders():
    # three units in a row: the border of a coarse unit with a fine one keeps the fine
    # tolerance, the border between two coarse units takes the coarse one
    def column(x: float) -> list[tuple[float, float]]:
        """A wiggly north-south border at longitude ``x`` (amplitude ~45 m)."""
        return [(x + (0.0005 if i % 2 else 0.0), 35.0 + i * 0.01) for i in range(1, 50)]

    def unit(x0: float, x1: float) -> Polygon:
        return Polygon(
            [(x0, 35.0), (x1, 35.0), *column(x1), (x1, 35.5), (x0, 35.5), *column(x0)[::-1]]
        )

    units = gpd.GeoDataFrame(
        {"adcode": ["fine", "coarse1", "coarse2"]},
        geometry=[unit(100.0, 100.2), unit(100.2, 100.4), unit(100.4, 100.6)],
        crs=4326,
    )
    assert coverage.check_coverage(units).ok
    out = coverage.simplify_coverage(units, tolerance_m=[20.0, 200.0, 200.0])
    assert coverage.check_coverage(out).ok
    fine, coarse1, coarse2 = out.geometry.values
    # the wiggles (~45 m) survive on the fine/coarse border and vanish on the coarse/coarse one
    kept = shapely.intersection(fine.boundary, coarse1.boundary)
    gone = shapely.intersection(coarse1.boundary, coarse2.boundary)
    assert shapely.get_num_coordinates(kept) > 40
    assert len(np.unique(shapely.get_coordinates(gone), axis=0)) <= 3  # a straight line
    assert coverage.hausdorff_errors_m(units, out).max() <= 200 + ROUNDING_M
    with pytest.raises(BoundaryError, match="one per unit"):
        coverage.simplify_coverage(units, tolerance_m=[20.0, 200.0])
    with pytest.raises(BoundaryError, match=">= 0"):
        coverage.simplify_coverage(units, tolerance_m=[20.0, -1.0, float("nan")])


def test_crossing_between_tolerances_falls_back_to_the_finer_one():
    # a coarse border with a tooth (3.3 km high) around a fine enclave: at the coarse
    # tolerance the border would cut straight across the enclave; the topology-preserving
    # pass of the coarse arcs alone cannot see the fine ones, so the failing units' arcs
    # take the finer tolerance, and the coverage stays valid
    tooth = [(100.04, 36.0), (100.04, 36.03), (100.06, 36.03), (100.06, 36.0)]
    south = Polygon(
        [(100.0, 35.9), (100.1, 35.9), (100.1, 36.0), *tooth[::-1], (100.0, 36.0)],
        [[(100.052, 36.02), (100.058, 36.02), (100.058, 36.028), (100.052, 36.028)]],
    )
    north = Polygon([(100.0, 36.0), *tooth, (100.1, 36.0), (100.1, 36.1), (100.0, 36.1)])
    enclave = Polygon(south.interiors[0])
    units = gpd.GeoDataFrame(
        {"adcode": ["south", "north", "enclave"]}, geometry=[south, north, enclave], crs=4326
    )
    assert coverage.check_coverage(units).ok
    out = coverage.simplify_coverage(units, tolerance_m=[5000.0, 5000.0, 10.0])
    assert coverage.check_coverage(out).ok
    assert shapely.equals(Polygon(out.geometry.values[0].interiors[0]), out.geometry.values[2])
    assert shapely.contains(Polygon(out.geometry.values[0].exterior), out.geometry.values[2])
    # the tooth is kept whole: the coarse border fell back to the fine tolerance
    border = shapely.intersection(out.geometry.values[0].boundary, out.geometry.values[1].boundary)
    assert coverage.hausdorff_error_m(units.iloc[:2], out.iloc[:2]) <= 10 + ROUNDING_M
    assert border.length > 0.1


def test_enclave_and_island_keep_their_shape():
    outer = Polygon(
        [(100, 35), (101, 35), (101, 36), (100, 36)],
        [[(100.3 + 0.1 * math.cos(t), 35.5 + 0.1 * math.sin(t)) for t in np.linspace(0, 6.2, 60)]],
    )
    enclave = Polygon(outer.interiors[0])
    island = Polygon(
        [(102 + 0.001 * math.cos(t), 35.5 + 0.001 * math.sin(t)) for t in np.linspace(0, 6.2, 30)]
    )
    units = gpd.GeoDataFrame(
        {"adcode": ["a", "b", "c"]},
        geometry=[outer, enclave, shapely.MultiPolygon([island])],
        crs=4326,
    )
    out = coverage.simplify_coverage(units, tolerance_m=5000)
    a, b, c = out.geometry.values
    assert coverage.check_coverage(out).ok
    # the enclave is exactly the hole of its surrounding unit, even at a huge tolerance
    assert shapely.equals(Polygon(a.interiors[0]), b)
    # a tiny island (~100 m across) does not collapse, and keeps its type
    assert c.geom_type == "MultiPolygon" and c.area > 0 and c.is_valid


def test_seat_left_outside_is_snapped_inside():
    # a seat in the tip of a narrow spike that the simplification removes
    spike = [(100.5, 36.0), (100.5005, 36.0008), (100.501, 36.0)]
    units = _two_units(border=[(100.0 + i * 0.1, 36.0) for i in range(1, 5)] + spike[::1])
    units.loc[0, ["seat_lon", "seat_lat"]] = [100.5005, 36.0006]  # inside the spike of south
    assert shapely.contains_xy(units.geometry.values, units.seat_lon, units.seat_lat).all()
    out = coverage.simplify_coverage(units, tolerance_m=500)
    assert shapely.contains_xy(out.geometry.values, out.seat_lon, out.seat_lat).all()
    moved = np.hypot(out.seat_lon - units.seat_lon, out.seat_lat - units.seat_lat)
    assert moved.iloc[0] > 0  # the south seat had to move ...
    assert moved.iloc[0] < 0.002  # ... by less than the tolerance plus the inset (~200 m)
    assert moved.iloc[1] == 0  # the north seat did not
    assert np.array_equal(np.round(out.seat_lon, 6), out.seat_lon)


def test_snap_seats_leaves_inside_and_missing_seats_alone():
    units = _two_units()
    units.loc[1, ["seat_lon", "seat_lat"]] = [np.nan, np.nan]
    out = coverage.snap_seats(units)
    assert out.loc[0, "seat_lon"] == 100.5
    assert np.isnan(out.loc[1, "seat_lon"])


def test_hausdorff_error_measures_metres():
    square = box(100.0, 36.0, 100.1, 36.1)
    bumped = Polygon([(100.0, 36.0), (100.05, 35.999), (100.1, 36.0), (100.1, 36.1), (100.0, 36.1)])
    a = gpd.GeoDataFrame({"adcode": ["x"]}, geometry=[bumped], crs=4326)
    b = gpd.GeoDataFrame({"adcode": ["x"]}, geometry=[square], crs=4326)
    # 0.001° of latitude is ~111 m
    assert coverage.hausdorff_error_m(a, b) == pytest.approx(111, rel=0.02)
    with pytest.raises(BoundaryError, match="adcodes"):
        coverage.hausdorff_error_m(a, b.assign(adcode=["y"]))


def test_check_coverage_finds_overlaps_and_gaps():
    overlapping = gpd.GeoDataFrame(
        {"adcode": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(0.5, 0, 1.5, 1)], crs=4326
    )
    check = coverage.check_coverage(overlapping)
    assert not check.ok and check.overlap_km2 > 1000
    assert set(check.invalid_edges) == {"a", "b"}
    # an invalid polygon (a bow tie) is reported, not a crash
    bow = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    check = coverage.check_coverage(gpd.GeoDataFrame({"adcode": ["x"]}, geometry=[bow], crs=4326))
    assert check.invalid_units == ("x",) and not check.ok
    # a ring of units around an empty square: a proper coverage (matching vertices), with a gap
    a = Polygon([(0, 0), (1, 0), (1, 1), (1, 2), (1, 3), (0, 3)])
    b = Polygon([(2, 0), (3, 0), (3, 3), (2, 3), (2, 2), (2, 1)])
    c, d = box(1, 0, 2, 1), box(1, 2, 2, 3)
    ring = gpd.GeoDataFrame({"adcode": list("abcd")}, geometry=[a, b, c, d], crs=4326)
    check = coverage.check_coverage(ring)
    assert check.holes == 1 and check.overlap_km2 < 1e-3
    assert check.invalid_units == () and check.invalid_edges == ()
    # without c the gap opens to the outside: no hole, but still no overlap
    assert coverage.check_coverage(ring.iloc[[0, 1, 3]]).holes == 0


def test_bad_input_is_refused():
    units = _two_units()
    with pytest.raises(BoundaryError, match="EPSG:4326"):
        coverage.simplify_coverage(units.to_crs(3857))
    with pytest.raises(BoundaryError, match="Polygon"):
        coverage.simplify_coverage(units.set_geometry(shapely.centroid(units.geometry.values)))
    with pytest.raises(BoundaryError, match="tolerance_m"):
        coverage.simplify_coverage(units, tolerance_m=-1)
    overlapping = gpd.GeoDataFrame(
        {"adcode": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(0.5, 0, 1.5, 1)], crs=4326
    )
    with pytest.raises(BoundaryError, match="units a, b are not a coverage"):
        coverage.simplify_coverage(overlapping)


def test_metric_crs_is_fitted_to_the_bounds():
    crs = coverage.metric_crs((92.0, 32.0, 109.0, 43.0))
    assert "+proj=aea" in crs and "+lon_0=100.50" in crs


def test_zero_tolerance_keeps_every_vertex(full):
    counties = full["county"]
    out = coverage.simplify_coverage(counties, tolerance_m=0, quantize=None)
    assert all(shapely.equals(out.geometry.values, counties.geometry.values))
    n_in = shapely.get_num_coordinates(counties.geometry.values)
    assert (shapely.get_num_coordinates(out.geometry.values) == n_in).all()


def test_dissolve_needs_members():
    units = _two_units().assign(parent=["p", "p"], level="county")
    parents = gpd.GeoDataFrame(
        {"adcode": ["p", "q"], "level": ["prefecture", "prefecture"]},
        geometry=[box(0, 0, 1, 1), box(0, 0, 1, 1)],
        crs=4326,
    )
    with pytest.raises(BoundaryError, match="unit q has no member units"):
        coverage.dissolve_units(parents, units)
    out = coverage.dissolve_units(parents.iloc[:1], units)
    assert shapely.equals(out.geometry.iloc[0], shapely.union_all(units.geometry.values))
