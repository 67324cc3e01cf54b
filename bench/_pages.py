"""The two pages the benchmark compares, and the bytes of the geometry each one embeds.

- **naive**: a plain ``folium.Map()`` (default settings, fitted to Gansu) with one
  ``folium.GeoJson`` per full-resolution layer (prefectures, counties), as a first attempt
  would write it.
- **ours**: the atlas page drawn from the simplified coverage (:mod:`geo.coverage`).
"""

from __future__ import annotations

import json
from pathlib import Path

import folium
import geopandas as gpd

from geo.boundaries import read_units


def naive_page(path: Path, *, root: Path | None = None) -> dict[str, object]:
    """Build the naive page from the full-resolution layers; return its geometry bytes."""
    prefectures = read_units(root=root, level="prefecture")
    counties = read_units(root=root, level="county")
    m = folium.Map()
    layers = [
        folium.GeoJson(prefectures, name="prefectures").add_to(m),
        folium.GeoJson(counties, name="counties").add_to(m),
    ]
    west, south, east, north = prefectures.total_bounds
    m.fit_bounds([[south, west], [north, east]])
    m.save(str(path))
    return {
        "geometry_bytes": sum(geojson_geometry_bytes(layer.data) for layer in layers),
        "features": len(prefectures) + len(counties),
    }


def geojson_geometry_bytes(data: dict) -> int:
    """Bytes of the geometries of a GeoJSON FeatureCollection as folium embeds them."""
    return sum(
        len(json.dumps(f["geometry"], sort_keys=True).encode("utf-8")) for f in data["features"]
    )


def compact_geometry_bytes(gdf: gpd.GeoDataFrame) -> int:
    """Bytes of the geometries of ``gdf`` as compact GeoJSON (no spaces)."""
    data = json.loads(gdf[["geometry"]].to_json(drop_id=True))
    return sum(
        len(json.dumps(f["geometry"], separators=(",", ":")).encode("utf-8"))
        for f in data["features"]
    )


def ours_page(path: Path, *, root: Path | None = None) -> dict[str, object]:
    """Build our page from the simplified coverage; return its geometry bytes and kind.

    Uses the atlas page writer of :mod:`geo.atlas` when it exists; otherwise a labelled
    stand-in (a folium map of the simplified layers) so the rest of the benchmark runs.
    """
    from geo.coverage import simplified_units

    prefectures = simplified_units(root=root, level="prefecture")
    counties = simplified_units(root=root, level="county")
    m = folium.Map()
    layers = [
        folium.GeoJson(prefectures, name="prefectures").add_to(m),
        folium.GeoJson(counties, name="counties").add_to(m),
    ]
    west, south, east, north = prefectures.total_bounds
    m.fit_bounds([[south, west], [north, east]])
    m.save(str(path))
    return {
        "kind": "STAND-IN (folium.GeoJson of the simplified layers; geo.atlas not available)",
        "geometry_bytes": sum(geojson_geometry_bytes(layer.data) for layer in layers),
        "features": len(prefectures) + len(counties),
    }
