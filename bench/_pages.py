"""The two pages the benchmark compares, and the bytes of the geometry each one embeds.

- **naive**: a plain ``folium.Map()`` (default settings, fitted to Gansu) with one
  ``folium.GeoJson`` per full-resolution layer (prefectures, counties), as a first attempt
  would write it.
- **empty**: a plain ``folium.Map()`` fitted to Gansu with no layer at all: the floor any
  folium page pays (Leaflet, folium's template, the map's first frame). Issue 17's goal is
  measured against it.
- **ours**: the atlas page (:mod:`geo.atlas`) drawn from the simplified coverage
  (:mod:`geo.coverage`).
"""

from __future__ import annotations

import json
from pathlib import Path

import folium
import geopandas as gpd

from geo import atlas, coverage
from geo.boundaries import read_units
from geo.inputs import Inputs, read_inputs


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


def empty_page(path: Path, *, root: Path | None = None) -> dict[str, object]:
    """Build the empty folium map (default settings, fitted to Gansu, no layer)."""
    west, south, east, north = read_units(root=root, level="province").total_bounds
    m = folium.Map()
    m.fit_bounds([[south, west], [north, east]])
    m.save(str(path))
    return {"geometry_bytes": 0, "features": 0}


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


def plan_inputs(*, root: Path | None = None) -> Inputs:
    """Read what the atlas needs besides the simplified coverage (catalog, corpus, gazetteer,
    links: :func:`geo.inputs.read_inputs`), once.

    The naive map has no equivalent: it shows no plan content. The benchmark times this
    step separately and builds our page from these records.
    """
    inputs = read_inputs(root)
    _ = inputs.links  # derived on first use: read it here, with the rest
    return inputs


def ours_page(
    path: Path, *, inputs: Inputs, root: Path | None = None, layout: str | None = None
) -> dict[str, object]:
    """Build our atlas page from the simplified coverage; return its geometry bytes.

    The page is the one :func:`geo.atlas.write_atlas` writes (the combined atlas with every
    layer when ``layout`` is None), from the same records (:func:`geo.atlas.page_inputs`)
    except the simplified units and context, which are taken from
    :func:`geo.coverage.simplified_units` here (simplified if its cache is empty) with the
    features of the catalog, given the plan records of :func:`plan_inputs`.
    """
    model = atlas.build_page_model(
        catalog=inputs.catalog,
        corpus=inputs.corpus,
        units=coverage.simplified_units(root=root, level=None),
        context=coverage.simplified_units(root=root, level="context"),
        links=inputs.links,
        gazetteer=inputs.gazetteer,
        layout=layout,
        basemap="osm",
    )
    html = atlas.render_page(model)
    path.write_text(html, encoding="utf-8", newline="\n")
    admin = [r for level in ("prefecture", "county") for r in model["units"][level]]

    def size(value: object) -> int:
        return len(json.dumps(value, separators=(",", ":")).encode("utf-8"))

    # the shared arcs (every border once: they also carry the province's) and each unit's
    # rings as arc references, or its own coordinates if it has no arcs
    geometry = size(model["arcs"]) + sum(size(r["a"] if "a" in r else r["g"]) for r in admin)
    return {
        "kind": f"geo.atlas page ({'combined atlas, every layer' if layout is None else layout})",
        "geometry_bytes": geometry,
        "features": len(admin),
    }
