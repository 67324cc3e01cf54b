"""GCJ-02 ⇄ WGS84, vectorized with numpy, with an exact iterative inverse.

GCJ-02 is the obfuscated datum that Chinese map providers (Amap, Tencent) publish coordinates
in. The forward transform :func:`wgs84_to_gcj02` is the published closed-form algorithm (the
Krasovsky-1940 ellipsoid and the two trigonometric offset series). It has no closed-form
inverse; :func:`gcj02_to_wgs84` solves ``wgs84_to_gcj02(x) == input`` by fixed-point iteration::

    x0 = g - offset(g)
    x_{k+1} = x_k - (wgs84_to_gcj02(x_k) - g)

The offset varies by at most ~1e-5 of a degree per degree, so every step gains about five
digits: two or three iterations reach the tolerance :data:`INVERSE_TOLERANCE` (1e-9 degrees,
about 0.1 mm) everywhere in China; :data:`MAX_ITERATIONS` (30) bounds the loop and
:class:`ArithmeticError` is raised if a point has not converged by then (it never happens
inside the bounding box).

Each point stops iterating as soon as *its own* residual is below the tolerance, so the result
for a point depends only on that point, never on the other points converted with it: the same
vertex always converts to the same coordinates, which keeps shared borders shared.

Outside China the transform is the identity. "Outside China" is the usual rectangular test
:func:`outside_china`: ``lon < 72.004 or lon > 137.8347 or lat < 0.8293 or lat > 55.8271``
(degrees). For the inverse the test is applied to the GCJ-02 input.

Examples
--------
>>> import numpy as np
>>> lon, lat = wgs84_to_gcj02(103.8343, 36.0611)
>>> back = gcj02_to_wgs84(lon, lat)
>>> bool(abs(back[0] - 103.8343) < 1e-9 and abs(back[1] - 36.0611) < 1e-9)
True
>>> wgs84_to_gcj02(2.35, 48.85)  # Paris: outside China, unchanged
(2.35, 48.85)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "INVERSE_TOLERANCE",
    "MAX_ITERATIONS",
    "gcj02_to_wgs84",
    "gcj02_to_wgs84_approx",
    "outside_china",
    "transform_geometry",
    "wgs84_to_gcj02",
]

#: Semi-major axis of the Krasovsky 1940 ellipsoid used by GCJ-02 (metres).
_A = 6378245.0
#: First eccentricity squared of the Krasovsky 1940 ellipsoid.
_EE = 0.00669342162296594323

#: The inverse stops when the forward transform of its result is within this many degrees of
#: the input, in both longitude and latitude (1e-9 degrees is about 0.1 mm).
INVERSE_TOLERANCE = 1e-9
#: Upper bound on the fixed-point iterations of the inverse (two or three are needed).
MAX_ITERATIONS = 30

_Geom = TypeVar("_Geom", bound=shapely.Geometry)
Coords = tuple[Any, Any]


def outside_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Return True where a point lies outside the rectangle in which GCJ-02 applies.

    The rectangle is ``72.004 <= lon <= 137.8347`` and ``0.8293 <= lat <= 55.8271``.

    Examples
    --------
    >>> outside_china([103.8, 2.35], [36.0, 48.85]).tolist()
    [False, True]
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """GCJ-02 minus WGS84 at WGS84 point ``(lon, lat)``, in degrees (no bounding test)."""
    x = lon - 105.0
    y = lat - 35.0
    sq = np.sqrt(np.abs(x))
    pi = np.pi
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq
    dlat += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq
    dlon += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * pi)
    return dlon, dlat


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray, bool]:
    a = np.asarray(lon, dtype=float)
    b = np.asarray(lat, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"lon and lat must have the same shape, got {a.shape} and {b.shape}")
    return a, b, a.ndim == 0


def _out(lon: NDArray, lat: NDArray, scalar: bool) -> Coords:
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> Coords:
    """Convert WGS84 longitude/latitude (degrees) to GCJ-02.

    Parameters
    ----------
    lon, lat
        Scalars or arrays of the same shape.

    Returns
    -------
    tuple
        ``(lon, lat)`` as floats for scalar input, else as float arrays. Points outside China
        (see :func:`outside_china`) are returned unchanged.
    """
    lon, lat, scalar = _as_arrays(lon, lat)
    dlon, dlat = _offset(lon, lat)
    out = outside_china(lon, lat)
    glon = np.where(out, lon, lon + dlon)
    glat = np.where(out, lat, lat + dlat)
    return _out(glon, glat, scalar)


def gcj02_to_wgs84_approx(lon: ArrayLike, lat: ArrayLike) -> Coords:
    """One-step approximate inverse: subtract the offset computed at the GCJ-02 point.

    Kept for comparison only; its error is of the order of a metre. Use
    :func:`gcj02_to_wgs84`.
    """
    lon, lat, scalar = _as_arrays(lon, lat)
    dlon, dlat = _offset(lon, lat)
    out = outside_china(lon, lat)
    return _out(np.where(out, lon, lon - dlon), np.where(out, lat, lat - dlat), scalar)


def gcj02_to_wgs84(
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    tolerance: float = INVERSE_TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> Coords:
    """Convert GCJ-02 longitude/latitude (degrees) to WGS84 with the exact iterative inverse.

    Parameters
    ----------
    lon, lat
        GCJ-02 coordinates, scalars or arrays of the same shape.
    tolerance
        Stop a point when ``wgs84_to_gcj02(result)`` is within ``tolerance`` degrees of the
        input in both coordinates (default :data:`INVERSE_TOLERANCE`).
    max_iterations
        Raise :class:`ArithmeticError` if some point has not converged after this many steps.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS84; points outside China are returned unchanged.
    """
    g_lon, g_lat, scalar = _as_arrays(lon, lat)
    shape = g_lon.shape
    g_lon = g_lon.ravel().astype(float, copy=True)
    g_lat = g_lat.ravel().astype(float, copy=True)
    w_lon = g_lon.copy()
    w_lat = g_lat.copy()
    active = ~outside_china(g_lon, g_lat) & np.isfinite(g_lon) & np.isfinite(g_lat)
    if active.any():
        dlon, dlat = _offset(g_lon[active], g_lat[active])
        w_lon[active] = g_lon[active] - dlon
        w_lat[active] = g_lat[active] - dlat
    for _ in range(max_iterations):
        if not active.any():
            break
        idx = np.flatnonzero(active)
        dlon, dlat = _offset(w_lon[idx], w_lat[idx])
        r_lon = w_lon[idx] + dlon - g_lon[idx]
        r_lat = w_lat[idx] + dlat - g_lat[idx]
        done = (np.abs(r_lon) < tolerance) & (np.abs(r_lat) < tolerance)
        active[idx[done]] = False
        todo = idx[~done]
        w_lon[todo] -= r_lon[~done]
        w_lat[todo] -= r_lat[~done]
    if active.any():
        i = int(np.flatnonzero(active)[0])
        raise ArithmeticError(
            f"GCJ-02 inverse did not converge within {max_iterations} iterations at "
            f"({g_lon[i]}, {g_lat[i]}); raise max_iterations or tolerance"
        )
    return _out(w_lon.reshape(shape), w_lat.reshape(shape), scalar)


def transform_geometry(geom: _Geom, func: Callable[[ArrayLike, ArrayLike], Coords]) -> _Geom:
    """Apply a vectorized ``func(lon, lat) -> (lon, lat)`` to every vertex of ``geom``.

    Parameters
    ----------
    geom
        Any shapely geometry (or a numpy array of geometries).
    func
        One of :func:`gcj02_to_wgs84`, :func:`wgs84_to_gcj02` or any function of the same
        shape, called once with all vertices.

    Examples
    --------
    >>> from shapely import Point
    >>> p = transform_geometry(Point(103.8, 36.0), wgs84_to_gcj02)
    >>> q = transform_geometry(p, gcj02_to_wgs84)
    >>> round(q.x, 9), round(q.y, 9)
    (103.8, 36.0)
    """

    def _apply(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])

    return shapely.transform(geom, _apply)
