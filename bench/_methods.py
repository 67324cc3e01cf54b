"""Other ways to simplify a coverage, measured against :func:`geo.coverage.simplify_coverage`.

- ``shapely.coverage_simplify`` (GEOS, Visvalingam–Whyatt on the coverage: topology kept,
  but its tolerance is an area, so the same maximum error costs more vertices);
- the ``topojson`` package (arcs, then Douglas–Peucker per arc: shared borders kept, but arcs
  may cross each other).

Each runs in the same metric CRS as ours; the result is measured by the same functions.
"""

from __future__ import annotations

import time

import geopandas as gpd
import shapely

from geo import coverage


def _row(name: str, units: gpd.GeoDataFrame, geoms, seconds: float) -> dict[str, object]:
    simple = units.set_geometry(gpd.GeoSeries(geoms, index=units.index, crs=units.crs))
    check = coverage.check_coverage(simple)
    return {
        "method": name,
        "vertices": int(shapely.get_num_coordinates(simple.geometry.values).sum()),
        "max_error_m": round(coverage.hausdorff_error_m(units, simple), 1),
        "valid": check.ok,
        "invalid_units": len(set(check.invalid_units) | set(check.invalid_edges)),
        "seconds": round(seconds, 2),
    }


def compare(units: gpd.GeoDataFrame, *, tolerance_m: float) -> list[dict[str, object]]:
    """Simplify ``units`` (EPSG:4326 coverage) by each method; measure vertices, error, validity.

    Ours and topojson get ``tolerance_m`` (a distance); ``coverage_simplify`` gets it and also
    the tolerance at which its maximum error comes closest to ``tolerance_m`` from below.
    """
    crs = coverage.metric_crs(units.total_bounds)
    projected = units.to_crs(crs)
    rows = []

    t0 = time.perf_counter()
    ours = coverage.simplify_coverage(units, tolerance_m=tolerance_m, quantize=None)
    rows.append(
        _row("ours (arcs, Douglas–Peucker)", units, ours.geometry.values, time.perf_counter() - t0)
    )

    for factor in (1.0, 0.65):
        t0 = time.perf_counter()
        geoms = shapely.coverage_simplify(projected.geometry.values, tolerance_m * factor)
        seconds = time.perf_counter() - t0
        back = gpd.GeoSeries(geoms, crs=crs).to_crs(units.crs).values
        rows.append(
            _row(f"shapely.coverage_simplify({tolerance_m * factor:g})", units, back, seconds)
        )

    try:
        import topojson
    except ImportError:
        return rows
    t0 = time.perf_counter()
    topo = topojson.Topology(
        projected[["geometry"]].reset_index(drop=True).assign(row=range(len(projected))),
        prequantize=False,
        toposimplify=tolerance_m,
        simplify_algorithm="dp",
    )
    out = topo.to_gdf().sort_values("row")
    seconds = time.perf_counter() - t0
    back = gpd.GeoSeries(out.geometry.values, crs=crs).to_crs(units.crs).values
    rows.append(_row(f"topojson (dp, {tolerance_m:g})", units, back, seconds))
    return rows
