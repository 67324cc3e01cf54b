"""The CRSs of the exports: names, EPSG codes, Gauss-Krüger zones, GCJ-02 (see :mod:`geo.export`).

A ``--crs`` value resolves to a :class:`Target` (or, for ``cgcs2000-gk3``, one target per
Gauss-Krüger zone the features fall in). :func:`project` turns a WGS84 layer into
``(target, frame)`` pairs ready to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.errors import OutputError

#: Named CRSs of ``--crs``; besides these, ``EPSG:NNNN`` (any code pyproj knows).
NAMES = ("wgs84", "cgcs2000", "cgcs2000-gk3", "albers", "gcj02")

#: CGCS2000 / Albers equal-area conic for China (two standard parallels 25°N and 47°N, central
#: meridian 105°E, false origin 0°N, no false easting/northing, metres). The same parameters as
#: :data:`geo.boundaries.EQUAL_AREA_CRS` (which is on the WGS84 ellipsoid; the areas differ by
#: less than 1e-6).
ALBERS_WKT = (
    'PROJCRS["CGCS2000 / Albers Equal Area Conic (China: 25N, 47N; 105E)",'
    'BASEGEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",'
    'ELLIPSOID["CGCS2000",6378137,298.257222101,LENGTHUNIT["metre",1]]],'
    'PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4490]],'
    'CONVERSION["Albers Equal Area Conic (25N, 47N; 105E)",METHOD["Albers Equal Area",'
    'ID["EPSG",9822]],'
    'PARAMETER["Latitude of false origin",0,ANGLEUNIT["degree",0.0174532925199433]],'
    'PARAMETER["Longitude of false origin",105,ANGLEUNIT["degree",0.0174532925199433]],'
    'PARAMETER["Latitude of 1st standard parallel",25,ANGLEUNIT["degree",0.0174532925199433]],'
    'PARAMETER["Latitude of 2nd standard parallel",47,ANGLEUNIT["degree",0.0174532925199433]],'
    'PARAMETER["Easting at false origin",0,LENGTHUNIT["metre",1]],'
    'PARAMETER["Northing at false origin",0,LENGTHUNIT["metre",1]]],'
    'CS[Cartesian,2],AXIS["easting (X)",east,ORDER[1],LENGTHUNIT["metre",1]],'
    'AXIS["northing (Y)",north,ORDER[2],LENGTHUNIT["metre",1]]]'
)
#: GCJ-02 is no datum a GIS knows: the values are WGS84 shifted by an obfuscation (100-700 m).
#: Files in GCJ-02 declare this CRS (where the format holds a CRS) so that no GIS takes them for
#: WGS84: its name says what it is, and it has no EPSG code, so no tool transforms it silently.
GCJ02_WKT = (
    'GEOGCRS["GCJ-02 (obfuscated WGS 84 for Amap/Tencent overlays; NOT WGS 84)",'
    'DATUM["GCJ-02 obfuscation of World Geodetic System 1984",'
    'ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],'
    'PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],CS[ellipsoidal,2],'
    'AXIS["geodetic longitude (Lon)",east,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],'
    'AXIS["geodetic latitude (Lat)",north,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]]]'
)
#: EPSG code of the CGCS2000 3-degree Gauss-Krüger zone with central meridian 75°E, without
#: zone prefix in the false easting (EPSG:4534); CM 78°E is 4535 … CM 135°E is 4554.
GK3_CM75 = 4534
_GK3_CMS = range(75, 136, 3)
_EPSG = re.compile(r"^epsg:(\d{4,6})$", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """One CRS a layer is written in.

    Attributes
    ----------
    key
        Suffix of file and layer names (``""`` for WGS84): ``cgcs2000``, ``albers``, ``gcj02``,
        ``epsg4544``, ``gk3_cm105``.
    crs
        The CRS declared in the files.
    label
        A readable name for descriptions and READMEs.
    rfc7946
        The values are longitude/latitude that GeoJSON, KML and TopoJSON may hold (WGS84, or
        GCJ-02 for Amap overlays, with names that say so).
    gcj02
        The values are GCJ-02.
    """

    key: str
    crs: CRS
    label: str
    rfc7946: bool = False
    gcj02: bool = False

    @property
    def decimals(self) -> int:
        """Coordinate decimals: 7 for degrees (about 1 cm), 2 for metres."""
        return 7 if self.crs.is_geographic else 2

    @property
    def epsg(self) -> int | None:
        """The EPSG code of the declared CRS, if it has one."""
        return None if self.gcj02 else self.crs.to_epsg()


def _gk3(cm: int) -> Target:
    code = GK3_CM75 + (cm - 75) // 3
    return Target(f"gk3_cm{cm}", CRS.from_epsg(code), f"EPSG:{code} {CRS.from_epsg(code).name}")


def zone_cm(lon: Any) -> np.ndarray:
    """Central meridian(s) of the CGCS2000 3° Gauss-Krüger zone holding longitude(s) ``lon``.

    Examples
    --------
    >>> zone_cm([103.8, 94.7, 106.6]).tolist()  # 106.6: 1.4° from 108, 1.6° from 105
    [105, 96, 108]
    """
    return (3 * np.round(np.asarray(lon, dtype=float) / 3)).astype(int)


def resolve(name: str) -> Target | None:
    """The target of a ``--crs`` value; ``None`` for ``cgcs2000-gk3`` (one target per zone).

    Raises
    ------
    OutputError
        Unknown name or EPSG code, or a code that is not a 2D CRS.
    """
    key = name.strip().lower()
    if key == "wgs84":
        return Target("", CRS.from_epsg(4326), "WGS 84 (EPSG:4326)", rfc7946=True)
    if key == "cgcs2000":
        return Target("cgcs2000", CRS.from_epsg(4490), "CGCS2000 (EPSG:4490)")
    if key == "albers":
        crs = CRS.from_wkt(ALBERS_WKT)
        return Target("albers", crs, crs.name)
    if key == "gcj02":
        crs = CRS.from_wkt(GCJ02_WKT)
        return Target("gcj02", crs, crs.name, rfc7946=True, gcj02=True)
    if key == "cgcs2000-gk3":
        return None
    match = _EPSG.match(key)
    if not match:
        raise OutputError(
            f"unknown CRS {name!r}; choose from {', '.join(NAMES)} or EPSG:NNNN (e.g. EPSG:4544)"
        )
    code = int(match.group(1))
    try:
        crs = CRS.from_epsg(code)
    except CRSError:
        raise OutputError(
            f"unknown CRS {name!r}: pyproj knows no EPSG:{code}; "
            "check the code (Gansu's CGCS2000 3° Gauss-Krüger zones are EPSG:4540-4545)"
        ) from None
    if crs.is_geocentric or len(crs.axis_info) != 2:
        raise OutputError(f"CRS EPSG:{code} ({crs.name}) is not a 2D map CRS; choose another")
    if code == 4326:
        return resolve("wgs84")
    return Target(f"epsg{code}", crs, f"EPSG:{code} {crs.name}")


def _in_target(frame: gpd.GeoDataFrame, target: Target) -> gpd.GeoDataFrame:
    from geo.datum import transform_geometry, wgs84_to_gcj02

    if target.gcj02:
        out = frame.copy()
        out["geometry"] = [transform_geometry(g, wgs84_to_gcj02) for g in frame.geometry]
        if "seat_lon" in out.columns:  # the seats move with the geometry
            ok = out["seat_lon"].notna() & out["seat_lat"].notna()
            lon, lat = wgs84_to_gcj02(
                out.loc[ok, "seat_lon"].to_numpy(float), out.loc[ok, "seat_lat"].to_numpy(float)
            )
            out.loc[ok, "seat_lon"] = np.round(lon, 7)
            out.loc[ok, "seat_lat"] = np.round(lat, 7)
        return gpd.GeoDataFrame(out, geometry="geometry", crs=target.crs)
    if target.crs.equals(CRS.from_epsg(4490)):  # CGCS2000 ≈ WGS84 within ~1 m: same numbers
        return frame.set_crs(target.crs, allow_override=True)
    return frame.to_crs(target.crs)


def project(frame: gpd.GeoDataFrame, name: str) -> list[tuple[Target, gpd.GeoDataFrame]]:
    """``frame`` (any CRS) in the CRS ``name``: one pair, or one per Gauss-Krüger zone.

    For ``cgcs2000-gk3`` every feature goes to the 3° zone whose central meridian is nearest
    to a point inside it (its representative point): a unit is never split between zones, and
    a layer becomes one file per zone it touches (Gansu: CM 93°E-108°E, EPSG:4540-4545).
    """
    frame = frame.to_crs("EPSG:4326")
    target = resolve(name)
    if target is not None:
        return [(target, _in_target(frame, target))]
    cms = zone_cm(frame.geometry.representative_point().x.to_numpy())
    out = []
    for cm in sorted(set(cms.tolist())):
        if cm not in _GK3_CMS:
            raise OutputError(
                f"a feature lies outside China's 3° Gauss-Krüger zones (CM {cm}°E); "
                "use --crs albers or an EPSG code"
            )
        part = frame[cms == cm].reset_index(drop=True)
        target = _gk3(cm)
        out.append((target, _in_target(gpd.GeoDataFrame(part, crs=frame.crs), target)))
    return out
