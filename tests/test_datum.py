"""Tests of geo.datum: forward GCJ-02, the exact inverse, geometry transforms."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely

from geo import datum

# Published test vectors of the eviltransform project (WGS84 lat, lon → GCJ-02 lat, lon).
VECTORS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]

GEOD = pyproj.Geod(ellps="WGS84")


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.fixture(scope="module")
def gansu_grid() -> tuple[np.ndarray, np.ndarray]:
    """A 200 × 200 grid over Gansu's bounding box (WGS84)."""
    lon, lat = np.meshgrid(np.linspace(92.3, 108.8, 200), np.linspace(32.5, 42.9, 200))
    return lon, lat


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), VECTORS)
def test_forward_matches_published_vectors(wlat, wlon, glat, glon):
    lon, lat = datum.wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9)
    assert lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), VECTORS)
def test_inverse_recovers_published_vectors(wlat, wlon, glat, glon):
    lon, lat = datum.gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, wlon, wlat) < 1e-3


def test_round_trip_over_gansu_is_below_a_millimetre(gansu_grid):
    lon, lat = gansu_grid
    glon, glat = datum.wgs84_to_gcj02(lon, lat)
    back_lon, back_lat = datum.gcj02_to_wgs84(glon, glat)
    assert back_lon.shape == lon.shape
    assert _metres(back_lon, back_lat, lon, lat).max() < 1e-3
    # the stopping rule: the forward transform of the result matches the input
    f_lon, f_lat = datum.wgs84_to_gcj02(back_lon, back_lat)
    assert np.abs(f_lon - glon).max() < datum.INVERSE_TOLERANCE
    assert np.abs(f_lat - glat).max() < datum.INVERSE_TOLERANCE


def test_exact_inverse_beats_the_one_step_approximation(gansu_grid):
    lon, lat = gansu_grid
    glon, glat = datum.wgs84_to_gcj02(lon, lat)
    exact = _metres(*datum.gcj02_to_wgs84(glon, glat), lon, lat)
    approx = _metres(*datum.gcj02_to_wgs84_approx(glon, glat), lon, lat)
    assert approx.max() > 0.5  # the one-step inverse is off by metres somewhere in Gansu
    assert exact.max() < approx.max() / 1000


def test_offsets_in_gansu_are_hundreds_of_metres(gansu_grid):
    lon, lat = gansu_grid
    shift = _metres(lon, lat, *datum.wgs84_to_gcj02(lon, lat))
    assert 100 < np.median(shift) < 1000
    assert shift.max() < 1000


def test_outside_china_is_identity():
    lon = np.array([2.35, -74.0, 140.0, 103.8])
    lat = np.array([48.85, 40.7, 36.0, 60.0])
    assert datum.outside_china(lon, lat).all()
    for func in (datum.wgs84_to_gcj02, datum.gcj02_to_wgs84, datum.gcj02_to_wgs84_approx):
        out_lon, out_lat = func(lon, lat)
        np.testing.assert_array_equal(out_lon, lon)
        np.testing.assert_array_equal(out_lat, lat)


def test_scalars_give_floats_and_arrays_keep_shape():
    lon, lat = datum.gcj02_to_wgs84(103.84, 36.06)
    assert isinstance(lon, float) and isinstance(lat, float)
    arr = np.full((2, 3), 103.84), np.full((2, 3), 36.06)
    out = datum.gcj02_to_wgs84(*arr)
    assert out[0].shape == (2, 3)
    assert out[0][1, 2] == lon


def test_a_point_converts_the_same_alone_or_in_a_batch(gansu_grid):
    lon, lat = (a.ravel() for a in gansu_grid)
    glon, glat = datum.wgs84_to_gcj02(lon, lat)
    batch = datum.gcj02_to_wgs84(glon, glat)
    for i in (0, 777, 39_999):
        alone = datum.gcj02_to_wgs84(glon[i], glat[i])
        assert (batch[0][i], batch[1][i]) == alone


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="same shape"):
        datum.wgs84_to_gcj02([1.0, 2.0], [3.0])


def test_non_convergence_raises():
    with pytest.raises(ArithmeticError, match="did not converge"):
        datum.gcj02_to_wgs84(103.84, 36.06, max_iterations=1, tolerance=1e-15)


def test_transform_geometry_keeps_structure_and_round_trips():
    ring = [(103.0, 36.0), (104.0, 36.0), (104.0, 37.0), (103.0, 37.0), (103.0, 36.0)]
    hole = [(103.4, 36.4), (103.6, 36.4), (103.6, 36.6), (103.4, 36.4)]
    poly = shapely.MultiPolygon([shapely.Polygon(ring, [hole])])
    gcj = datum.transform_geometry(poly, datum.wgs84_to_gcj02)
    assert gcj.geom_type == "MultiPolygon"
    assert len(gcj.geoms[0].interiors) == 1
    assert not shapely.equals_exact(gcj, poly, tolerance=1e-4)  # it moved
    back = datum.transform_geometry(gcj, datum.gcj02_to_wgs84)
    assert shapely.equals_exact(back, poly, tolerance=1e-8)
