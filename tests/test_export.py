"""Exports for GIS staff, read back with pyogrio and checked with GDAL's ogrinfo."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import CRS

from geo.cli import main
from geo.datum import wgs84_to_gcj02
from geo.errors import OutputError
from geo.export import LAYERS, SHP_FIELDS, collect_layers, export_layers

ALL = ["geojson", "gpkg", "shp", "kml", "topojson", "csv"]
SPATIAL = ["counties", "concept_areas", "concept_lines", "concept_points"]


@pytest.fixture(scope="module")
def layers():
    return collect_layers()


@pytest.fixture(scope="module")
def wgs84(layers, tmp_path_factory):
    out = tmp_path_factory.mktemp("wgs84")
    return out, export_layers(layers, out=out, formats=ALL, crs="wgs84")


def test_collect_layers_carries_concepts_names_and_evidence(layers):
    assert list(layers) == list(LAYERS)
    counties = layers["counties"]
    assert len(counties) == 87 and counties["adcode"].is_unique
    ganzhou = counties.set_index("adcode").loc["620702"]
    assert "甘州" in ganzhou["names"].split("、")
    areas = layers["concept_areas"].set_index(["id", "part"])
    xinqu = areas.loc[("lz_yihe_xinqu", "partial")]  # a sub-county member: partial outline
    assert bool(xinqu["partial"]) and xinqu["member_adcodes"] == "620121,620122"
    assert xinqu["provision_ids"].startswith("lz-3-box1")
    assert set(layers["concept_lines"]["schematic"]) == {True}
    assert len(layers["links"]) == len(layers["provisions"]) > 1000


def _read(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(path, layer=layer)


@pytest.mark.parametrize("name", SPATIAL)
@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "kml", "topojson"])
def test_round_trip_keeps_features_attributes_and_chinese(layers, wgs84, fmt, name):
    out, _ = wgs84
    src = layers[name]
    if fmt == "gpkg":
        back = _read(out / "gansu_atlas_wgs84.gpkg", name)
    elif fmt == "topojson":
        back = _read(out / f"{name}.topojson")
    else:
        back = _read(out / f"{name}.{fmt}")
    assert len(back) == len(src)
    assert back.geometry.is_valid.all() and not back.geometry.is_empty.any()
    if fmt != "topojson":  # TopoJSON has no CRS member: WGS84 by convention
        assert CRS(back.crs).to_epsg() == 4326
    names = sorted(back["name" if fmt != "kml" else "Name"])
    assert names == sorted(src["name"])  # every Chinese character intact
    if fmt in ("geojson", "gpkg"):
        if name == "counties":  # a JSON list in a string; GDAL reads it back as JSON
            got = [v if isinstance(v, list) else json.loads(v) for v in back["concepts"]]
            assert got == [json.loads(v) for v in src["concepts"]]
        else:
            for col in ("id", "quote", "member_adcodes"):
                assert list(back[col]) == list(src[col]), col


def test_geojson_is_rfc7946(wgs84):
    out, _ = wgs84
    data = json.loads((out / "counties.geojson").read_text(encoding="utf-8"))
    assert "crs" not in data
    ring = data["features"][0]["geometry"]["coordinates"][0][0]
    assert shapely.LinearRing(ring).is_ccw  # right-hand rule: exterior counter-clockwise


def test_shapefile_is_utf8_with_short_field_names(wgs84, layers):
    out, _ = wgs84
    assert (out / "counties.cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    back = _read(out / "counties.shp")
    assert all(len(c) <= 10 for c in back.columns)
    assert "concept_zh" in back.columns and SHP_FIELDS["concepts_zh"] == "concept_zh"
    assert list(back["name"]) == list(layers["counties"]["name"])
    assert back["concepts"].str.len().max() <= 254


def test_csv_tables_and_wkt(wgs84, layers):
    out, _ = wgs84
    provisions = pd.read_csv(out / "provisions.csv")
    assert list(provisions["id"]) == list(layers["provisions"]["id"])
    counties = pd.read_csv(out / "counties.csv")
    geom = shapely.from_wkt(counties["wkt"])
    assert shapely.is_valid(geom).all() and len(geom) == 87


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="ogrinfo (gdal-bin) not installed")
def test_gdal_opens_every_file_without_warnings(wgs84):
    _, files = wgs84
    for path in files:
        if path.suffix in (".geojson", ".gpkg", ".shp", ".kml", ".topojson"):
            run = subprocess.run(
                ["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True
            )
            text = run.stdout + run.stderr
            assert run.returncode == 0 and "Warning" not in text and "ERROR" not in text, text


def test_byte_identical_across_runs(layers, wgs84, tmp_path):
    _, first = wgs84
    second = export_layers(layers, out=tmp_path, formats=ALL, crs="wgs84")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@pytest.mark.parametrize(("crs", "epsg"), [("cgcs2000", 4490), ("albers", None)])
def test_other_crs_are_declared(layers, tmp_path, crs, epsg):
    small = {"counties": layers["counties"]}
    export_layers(small, out=tmp_path, formats=["gpkg", "shp"], crs=crs)
    for path in (tmp_path / f"gansu_atlas_{crs}.gpkg", tmp_path / f"counties_{crs}.shp"):
        back = _read(path)
        if epsg:
            assert CRS(back.crs).to_epsg() == epsg
            assert back.total_bounds == pytest.approx(layers["counties"].total_bounds, abs=1e-6)
        else:
            assert CRS(back.crs).is_projected and "Albers" in CRS(back.crs).to_wkt()
            area = back.area.sum() / 1e6
            assert area == pytest.approx(layers["counties"]["area_km2"].sum(), rel=1e-3)


def test_gcj02_uses_the_forward_transform(layers, tmp_path):
    export_layers({"counties": layers["counties"]}, out=tmp_path, formats=["csv"], crs="gcj02")
    back = pd.read_csv(tmp_path / "counties_gcj02.csv")
    x, y = shapely.get_coordinates(layers["counties"].geometry.iloc[0])[0]
    gx, gy = shapely.get_coordinates(shapely.from_wkt(back["wkt"].iloc[0]))[0]
    ex, ey = wgs84_to_gcj02(x, y)
    assert (gx, gy) == pytest.approx((ex, ey), abs=2e-7)
    assert "GCJ-02" in (tmp_path / "README_gcj02.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["--format", "xls"], "unknown format 'xls'"),
        (["--crs", "bd09"], "unknown CRS 'bd09'"),
        (["--format", "geojson", "--crs", "albers"], "WGS84 by definition"),
        (["--layer", "roads"], "unknown layer 'roads'"),
    ],
)
def test_bad_options_are_one_line_errors_and_write_nothing(tmp_path, capsys, argv, expect):
    out = tmp_path / "out"
    assert main(["export", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert expect in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_unwritable_folder(tmp_path, layers):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="choose a writable --out"):
        export_layers({"province": layers["province"]}, out=blocker / "out", formats=["csv"])


def test_a_failed_write_leaves_nothing(layers, tmp_path, monkeypatch):
    import geo.export as ex

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ex, "_write_topojson", broken)
    with pytest.raises(OutputError):
        export_layers({"province": layers["province"]}, out=tmp_path, formats=["csv", "topojson"])
    assert list(tmp_path.iterdir()) == []


def test_a_gdal_error_is_one_line_and_removes_the_new_folder(layers, tmp_path, monkeypatch):
    import pyogrio.errors

    import geo.export as ex

    def broken(*args, **kwargs):
        raise pyogrio.errors.DataSourceError("driver refused\nsecond line")

    monkeypatch.setattr(ex, "_write_geojson", broken)
    out = tmp_path / "new" / "out"
    with pytest.raises(OutputError) as info:
        export_layers({"province": layers["province"]}, out=out, formats=["csv", "geojson"])
    assert "driver refused" in str(info.value) and "\n" not in str(info.value)
    assert not out.exists()
