"""Exports for GIS staff, read back with pyogrio and checked with GDAL's ogrinfo."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import CRS

from geo import _export_tables as tables
from geo._export_formats import SHP_CUT
from geo._io import defuse_table
from geo._paths import data_root
from geo.catalog import unit_tags
from geo.cli import main
from geo.datum import wgs84_to_gcj02
from geo.errors import OutputError
from geo.export import LAYERS, SHP_FIELDS, collect_layers, export_layers

ALL = ["gpkg", "shp", "fgb", "parquet", "csv", "geojson", "geojsonseq", "kml", "topojson"]
ADMIN = ["province", "prefectures", "counties"]
UNITS = [*ADMIN, "context"]  # never cut in any format
SPATIAL = [*UNITS, "concept_areas", "concept_lines", "concept_points"]
TABLES = ["memberships", "layouts", "fields", "plans", "provisions", "links"]
SUFFIX = {"geojsonseq": "geojsonl"}
OGRINFO = shutil.which("ogrinfo")


@pytest.fixture(scope="module")
def layers(inputs):
    return collect_layers(inputs=inputs)


@pytest.fixture(scope="module")
def wgs84(layers, inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("wgs84")
    return out, export_layers(layers, out=out, formats=ALL, crs="wgs84", inputs=inputs)


def _read(path: Path, layer: str | None = None, **kw) -> gpd.GeoDataFrame:
    if path.suffix == ".parquet":
        return gpd.read_parquet(path)
    return pyogrio.read_dataframe(path, layer=layer, **kw)


def _text(value) -> str:
    """A read-back value as the text it was written as (GDAL parses JSON strings)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "" if value is None or value != value else str(value)


def _path(out: Path, fmt: str, name: str, key: str = "wgs84") -> Path:
    if fmt == "gpkg":
        return out / f"gansu_atlas_{key}.gpkg"
    stem = name if key == "wgs84" else f"{name}_{key}"
    return out / f"{stem}.{SUFFIX.get(fmt, fmt)}"


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


def test_memberships_are_the_tags_one_row_per_unit_and_element(layers, inputs):
    members = layers["memberships"]
    catalog = inputs.catalog
    tags = unit_tags(catalog, inputs.units)  # the catalog's own rules, on the inputs' units
    assert len(members) == sum(len(v) for v in tags.values())
    for level in ("province", "prefecture", "county"):
        want = sum(len(v) for (_, lv), v in tags.items() if lv == level)
        assert (members["level"] == level).sum() == want, level
    pairs = set(zip(members["adcode"], members["element"], strict=True))
    direct = {
        (a, e.id)
        for e in catalog.elements
        for m in e.members
        if m.level in ("county", "prefecture") and not m.partial
        for a in m.adcodes
    }
    assert direct and direct <= pairs  # every whole member the catalog names is a row
    yihe = members[members["element"] == "lz_yihe"]
    assert set(yihe["role"]) == {"core"} and "lz_yihe_liangji_sidai" in set(yihe["layouts"])
    assert set(members["basis"]) <= set(catalog.bases)
    assert set(members["role"]) <= set(catalog.roles)
    assert set(members["via"]) <= {"", "prefecture", "county"}


def _field_of(layers, element: str) -> str:
    fields = layers["fields"]
    holds = fields["elements"].str.split(",").map(lambda ids: element in ids)
    return fields[holds].iloc[0]["field"]


def test_layout_fields_hold_every_membership_whole_in_a_dbase_field(layers):
    fields = layers["fields"]
    assert fields["field"].is_unique and (fields["field"].str.len() <= 10).all()
    assert set(fields["layout"]) == set(layers["layouts"]["id"])
    assert list(layers["layouts"]["fields"].str.split(",").explode()) == list(fields["field"])
    members = layers["memberships"]
    levels = {"province": "province", "prefectures": "prefecture", "counties": "county"}
    for name, level in levels.items():
        frame = layers[name]
        assert len([c for c in frame.columns if c != "geometry"]) <= 255
        for field in fields.itertuples():
            values = frame[field.field]
            assert values.str.encode("utf-8").str.len().max() <= 254, (name, field.field)
            # the field says the same as the memberships table, element by element
            order = field.elements.split(",")
            mine = members[members["element"].isin(order) & (members["level"] == level)]
            rank = {e: i for i, e in enumerate(order)}
            want = {
                code: "；".join(
                    r.name + ("（部分）" if r.partial else "")
                    for r in sorted(rows.itertuples(), key=lambda r: rank[r.element])
                )
                for code, rows in mine.groupby("adcode")
            }
            got = dict(zip(frame["adcode"], values, strict=True))
            assert got == {a: want.get(a, "") for a in got}, (name, field.field)
    column = _field_of(layers, "lz_yihe")
    has = layers["counties"][layers["counties"][column].str.contains("一核")]["adcode"]
    yihe = members[(members["element"] == "lz_yihe") & (members["level"] == "county")]
    assert set(has) == set(yihe["adcode"])


def test_layout_fields_fit_for_any_catalog():
    """A catalog far bigger than today's, with long names: every value still fits 254 bytes,
    every name 10 characters, and an element too long to name is written by its id."""
    from types import SimpleNamespace as N

    elements = {f"big_e{i}": N(id=f"big_e{i}", name="很长的名字" * (1 + i % 9)) for i in range(400)}
    elements["big_huge"] = N(id="big_huge", name="超" * 100)  # 300 bytes: written by its id
    ids = list(elements)
    starts = [(j * 7) % 360 for j in range(120)]
    layouts = [N(id=f"layout_long_{j}", elements=ids[s : s + 40]) for j, s in enumerate(starts)]
    layouts.append(N(id="adcode", elements=ids[-3:]))  # a layout id that is an admin column
    catalog = N(layouts=layouts, get=elements.__getitem__)
    fields = tables.layout_fields(catalog)
    names = [f.name for f in fields]
    assert len(names) > len(layouts) and len(set(names)) == len(names)
    assert all(len(n) <= 10 for n in names)
    assert "adcode" not in names
    for lay in layouts:  # every element of every layout in exactly one of its fields
        mine = [e for f in fields if f.layout == lay.id for e in f.elements]
        assert sorted(mine) == sorted(dict.fromkeys(lay.elements))
    # a unit in every element, every one partially: the worst case
    tags = [{"id": e, "partial": True} for e in ids]
    frame = pd.DataFrame({"adcode": ["620000"], "concepts": [json.dumps(tags)]})
    wide = tables.add_layout_columns(frame, catalog, fields)
    sizes = [len(wide[f.name].iloc[0].encode("utf-8")) for f in fields]
    assert max(sizes) <= 254 and min(sizes) > 0
    assert "big_huge（部分）" in set(wide[[f.name for f in fields]].iloc[0].str.split("；").sum())


def test_a_shapefile_holds_at_most_255_fields_and_says_which_it_left_out(tmp_path, inputs):
    frame = gpd.GeoDataFrame(
        {"adcode": ["620100"], **{f"f{i:03d}": ["x"] for i in range(300)}},
        geometry=[shapely.box(103, 36, 104, 37)],
        crs="EPSG:4326",
    )
    export_layers({"counties": frame}, out=tmp_path, formats=["shp"], inputs=inputs)
    back = _read(tmp_path / "counties.shp")
    assert len(back.columns) - 1 == 255 and list(back.columns[:3]) == ["adcode", "f000", "f001"]
    readme = (tmp_path / "README_wgs84.txt").read_text(encoding="utf-8")
    assert "counties.shp: fields f254 … f299 (46) left out" in readme


def test_plans_lookup_and_provision_documents(layers):
    plans = layers["plans"].set_index("id")
    assert plans.loc["lz", "number"] == "甘政办发〔2021〕93号"
    assert plans.loc["lz", "title"] == "“十四五”兰州经济圈发展规划"
    assert plans.loc["xbxgj", "document"].startswith("关于新时代推进西部大开发")
    prov = layers["provisions"].set_index("id")
    assert prov.loc["lz-3.1-p1", "document"].startswith("甘政办发〔2021〕93号 ")
    assert prov.loc["lz-3.1-p1", "file"].endswith(".txt")


@pytest.mark.parametrize("name", SPATIAL)
@pytest.mark.parametrize("fmt", [f for f in ALL if f != "gpkg"])
def test_every_format_reads_back_with_no_field_cut(layers, wgs84, fmt, name):
    out, _ = wgs84
    key = ["adcode"] if name in UNITS else ["id", "part"]
    gpkg = _read(_path(out, "gpkg", name), name).sort_values(key, ignore_index=True)
    back = _read(_path(out, fmt, name))
    back = back.sort_values([{"id": "element_id"}.get(c, c) if fmt == "kml" else c for c in key])
    back = back.reset_index(drop=True)  # FlatGeobuf stores features in spatial-index order
    assert len(back) == len(gpkg) == len(layers[name])
    readme = (out / "README_wgs84.txt").read_text(encoding="utf-8")
    geoms = back.geometry[back.geometry.notna()]  # CSV: no WKT where Excel cannot hold it
    assert len(geoms) == len(back) or (fmt == "csv" and f"{name}.csv: the WKT of" in readme)
    assert geoms.is_valid.all() and not geoms.is_empty.any()
    if fmt in ("shp", "fgb", "parquet", "geojson", "geojsonseq", "kml"):
        assert CRS(back.crs).to_epsg() == 4326
    fields = {c: SHP_FIELDS.get(c, c) if fmt == "shp" else c for c in gpkg.columns}
    fields = {c: f for c, f in fields.items() if c != "geometry" and f in back.columns}
    if fmt == "kml":
        fields["name"] = "Name"
        if "id" in gpkg.columns:
            fields["id"] = "element_id"
    text = [c for c in fields if pd.api.types.is_string_dtype(gpkg[c]) and c != "concepts"]
    assert text and ("name" in text)
    if fmt == "shp" and name in ADMIN:  # every layout field is in the Shapefile
        assert set(layers["fields"]["field"]) <= set(back.columns)
        assert f"{name}.shp: field" not in readme and f"{name}.shp: fields" not in readme
    for col in text:  # every text value whole, Chinese intact
        got = [_text(v) for v in back[fields[col]]]
        want = [str(v) for v in gpkg[col]]
        if fmt == "shp" and name not in UNITS and got != want:  # cut: a mark and a README line
            assert f"{name}.shp: field {fields[col]}:" in readme
            for a, b in zip(got, want, strict=True):
                assert a == b or (a.endswith(SHP_CUT) and b.startswith(a[:-1])), (col, a)
            continue
        assert got == want, (fmt, name, col)
    if fmt == "shp" and name in ADMIN:  # the JSON lists are left out, not cut
        assert "concepts" not in back.columns and "concept_zh" not in back.columns


@pytest.mark.parametrize("name", TABLES)
def test_every_table_reads_back_whole_from_the_geopackage_and_csv(layers, wgs84, name):
    out, _ = wgs84
    gpkg = pyogrio.read_dataframe(out / "gansu_atlas_wgs84.gpkg", layer=name, read_geometry=False)
    csv = pyogrio.read_dataframe(out / f"{name}.csv")  # typed by the .csvt
    # the CSV's cells that a spreadsheet would run as a formula start with ' (documented)
    for back, want in ((gpkg, layers[name]), (csv, defuse_table(layers[name]))):
        want = want.astype(str).reset_index(drop=True)
        back = pd.DataFrame(back)[list(want.columns)].astype(str)
        bools = [c for c in want.columns if layers[name][c].dtype == bool]
        back[bools] = back[bools].replace({"1": "True", "0": "False"})
        assert back.equals(want), name


def test_ogrinfo_opens_every_file_without_warnings(wgs84):
    if OGRINFO is None:
        pytest.skip("ogrinfo (gdal-bin) not installed")
    _, files = wgs84
    drivers = pyogrio.list_drivers()
    opened = 0
    for path in files:
        if path.suffix in (".txt", ".csvt", ".prj", ".cpg", ".dbf", ".shx", ".qml", ".sld"):
            continue
        if path.suffix == ".parquet" and "Parquet" not in drivers:
            continue  # GDAL < 3.8 builds without Arrow: checked with pyarrow below
        run = subprocess.run(
            [OGRINFO, "-ro", "-al", "-so", str(path)], capture_output=True, text=True
        )
        text = run.stdout + run.stderr
        assert run.returncode == 0 and "Warning" not in text and "ERROR" not in text, text
        opened += 1
    assert opened > 40


def test_geoparquet_is_version_1_with_projjson(wgs84):
    import pyarrow.parquet as pq

    out, _ = wgs84
    meta = json.loads(pq.read_schema(out / "counties.parquet").metadata[b"geo"])
    assert meta["version"].startswith("1.") and meta["primary_column"] == "geometry"
    assert CRS.from_json_dict(meta["columns"]["geometry"]["crs"]).to_epsg() == 4326


@pytest.mark.parametrize("fmt", ALL)
def _filters(layers) -> list[tuple[str, str, str]]:
    """(element, its name, its field): 一核, and an element of a continuation field (``_2`` …)
    whose name is in no other name of its field, so a LIKE filter finds it alone."""
    out = [("lz_yihe", "一核", _field_of(layers, "lz_yihe"))]
    members = layers["memberships"]
    for f in layers["fields"][layers["fields"]["part"] > 1].itertuples():
        names = f.names.split("；")
        for eid, name in zip(f.elements.split(","), names, strict=True):
            alone = sum(name in other for other in names) == 1
            if alone and (members[members["element"] == eid]["level"] == "county").sum() > 1:
                return [*out, (eid, name, f.field)]
    raise AssertionError("no continuation field with county members")


@pytest.mark.parametrize("fmt", ALL)
def test_a_qgis_filter_for_an_element_finds_the_same_units_everywhere(layers, wgs84, fmt):
    out, _ = wgs84
    members = layers["memberships"]
    for name, level in [("counties", "county"), ("prefectures", "prefecture")]:
        for element, label, column in _filters(layers):  # the field map says where it is
            rows = members[(members["element"] == element) & (members["level"] == level)]
            expected = set(rows["adcode"])
            path = _path(out, fmt, name)
            if fmt == "parquet":
                back = gpd.read_parquet(path)
                got = back[back[column].str.contains(label)]["adcode"]
            else:
                layer = name if fmt == "gpkg" else None
                got = _read(path, layer, where=f"\"{column}\" LIKE '%{label}%'")["adcode"]
            assert set(got) == expected and expected, (fmt, name, element)
            if (element, level) == ("lz_yihe", "county"):
                assert len(expected) == 8


def test_geojson_is_rfc7946_and_named(wgs84):
    out, _ = wgs84
    data = json.loads((out / "counties.geojson").read_text(encoding="utf-8"))
    assert "crs" not in data and data["name"] == "counties" and data["description"]
    ring = data["features"][0]["geometry"]["coordinates"][0][0]
    assert shapely.LinearRing(ring).is_ccw  # right-hand rule: exterior counter-clockwise


def test_shapefile_is_utf8_with_styles_and_a_field_map(wgs84, layers):
    out, _ = wgs84
    assert (out / "counties.cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    back = _read(out / "counties.shp")
    assert all(len(c) <= 10 for c in back.columns)
    assert list(back["name"]) == list(layers["counties"]["name"])
    for suffix in (".qml", ".sld"):
        ET.fromstring(
            (out / f"concept_areas{suffix}").read_text(encoding="utf-8").split("\n", 1)[1]
        )
    qml = (out / "concept_areas.qml").read_text(encoding="utf-8")
    assert "&quot;kind&quot; = 'core'" in qml and "192,57,43" in qml  # 核: kinds.toml colour
    readme = (out / "README_wgs84.txt").read_text(encoding="utf-8")
    assert "seat_source -> seat_src" in readme and "memberships.csv" in readme


def test_csv_has_types_crs_and_wkt_that_fits_excel(wgs84, layers):
    out, _ = wgs84
    assert (out / "counties.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    counties = pd.read_csv(out / "counties.csv", encoding="utf-8-sig", dtype={"adcode": str})
    assert list(counties["adcode"]) == list(layers["counties"]["adcode"])
    assert counties["wkt"].fillna("").str.len().max() <= 32_767
    empty = counties[counties["wkt"].isna()]["adcode"]
    readme = (out / "README_wgs84.txt").read_text(encoding="utf-8")
    assert len(empty) > 0 and all(a in readme for a in empty)
    info = pyogrio.read_info(out / "counties.csv")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["area_km2"] == "float64" and CRS(info["crs"]).to_epsg() == 4326
    provisions = pd.read_csv(out / "provisions.csv", encoding="utf-8-sig")
    assert list(provisions["id"]) == list(layers["provisions"]["id"])


def test_geopackage_has_styles_descriptions_and_metadata(wgs84):
    out, _ = wgs84
    con = sqlite3.connect(out / "gansu_atlas_wgs84.gpkg")
    try:
        styles = con.execute(
            "SELECT f_table_name, styleQML, styleSLD, useAsDefault FROM layer_styles"
        ).fetchall()
        contents = dict(con.execute("SELECT table_name, description FROM gpkg_contents"))
        meta = [r[0] for r in con.execute("SELECT metadata FROM gpkg_metadata")]
        refs = con.execute("SELECT reference_scope FROM gpkg_metadata_reference").fetchall()
    finally:
        con.close()
    assert {s[0] for s in styles} >= {"counties", "concept_areas", "concept_lines"}
    for _, qml, sld, default in styles:
        assert default == 1
        ET.fromstring(qml.split("\n", 1)[1])  # after the DOCTYPE line
        ET.fromstring(sld.encode("utf-8"))
    assert all(contents[n] for n in LAYERS)
    assert any("licence" in m and "CGCS2000" not in m and "WGS 84" in m for m in meta)
    assert ("geopackage",) in refs


def test_kml_styles_per_kind_and_basis_with_escaped_html(layers, inputs, tmp_path):
    areas = layers["concept_areas"].head(3).copy()
    areas.loc[0, "quote"] = '<script>alert("x")</script> & 一核'
    export_layers({"concept_areas": areas}, out=tmp_path, formats=["kml"], inputs=inputs)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.parse(tmp_path / "concept_areas.kml").getroot()
    doc = root.find("k:Document", ns)
    assert doc.find("k:name", ns).text.startswith("concept_areas")
    ids = {s.get("id") for s in doc.findall("k:Style", ns)}
    marks = doc.findall(".//k:Placemark", ns)
    assert {m.find("k:styleUrl", ns).text[1:] for m in marks} <= ids
    first = marks[0].find("k:description", ns).text
    assert "&lt;script&gt;" in first and "<script>" not in first and "<blockquote>" in first
    back = _read(tmp_path / "concept_areas.kml")
    assert back.loc[0, "quote"] == areas.loc[0, "quote"]


def test_byte_identical_across_runs(layers, inputs, wgs84, tmp_path):
    _, first = wgs84
    second = export_layers(layers, out=tmp_path, formats=ALL, crs="wgs84", inputs=inputs)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@pytest.fixture(scope="module")
def small(layers):
    return {"counties": layers["counties"], "memberships": layers["memberships"]}


@pytest.mark.parametrize(("crs", "epsg"), [("cgcs2000", 4490), ("EPSG:4544", 4544)])
def test_epsg_codes_round_trip(small, inputs, tmp_path, crs, epsg):
    formats = ["gpkg", "shp", "fgb", "parquet", "csv"]
    export_layers(small, out=tmp_path, formats=formats, crs=crs, inputs=inputs)
    key = crs.lower().replace(":", "")
    for fmt in formats:
        path = _path(tmp_path, fmt, "counties", key)
        info_crs = gpd.read_parquet(path).crs if fmt == "parquet" else _read_crs(path, fmt, key)
        assert CRS(info_crs).to_epsg() == epsg, fmt


def _read_crs(path: Path, fmt: str, key: str) -> str:
    return pyogrio.read_info(path, layer=f"counties_{key}" if fmt == "gpkg" else None)["crs"]


def test_gauss_kruger_puts_each_unit_in_its_zone(small, layers, inputs, tmp_path):
    export_layers(small, out=tmp_path, formats=["gpkg", "shp"], crs="cgcs2000-gk3", inputs=inputs)
    names = pyogrio.list_layers(tmp_path / "gansu_atlas_cgcs2000-gk3.gpkg")[:, 0]
    zones = sorted(n for n in names if n.startswith("counties_gk3_cm"))
    assert zones == [f"counties_gk3_cm{cm}" for cm in (102, 105, 108, 93, 96, 99)]
    seen = []
    for zone in zones:
        back = _read(tmp_path / f"{zone}.shp")
        cm = int(zone.rsplit("cm", 1)[1])
        assert CRS(back.crs).to_epsg() == 4534 + (cm - 75) // 3  # EPSG:4540-4545
        lon = back.to_crs(4490).geometry.representative_point().x
        assert (abs(lon - cm) <= 1.5 + 1e-6).all()
        seen += list(back["adcode"])
    assert sorted(seen) == sorted(layers["counties"]["adcode"])


def test_albers_is_named_cgcs2000_with_the_documented_parameters(small, layers, inputs, tmp_path):
    export_layers(small, out=tmp_path, formats=["gpkg", "shp"], crs="albers", inputs=inputs)
    for path in (tmp_path / "gansu_atlas_albers.gpkg", tmp_path / "counties_albers.shp"):
        crs = CRS(
            pyogrio.read_info(path, layer="counties_albers" if path.suffix == ".gpkg" else None)[
                "crs"
            ]
        )
        assert crs.is_projected and "Albers" in crs.name and "unknown" not in crs.name.lower()
        assert "CGCS2000" in crs.to_wkt() or "China" in crs.geodetic_crs.name
        back = _read(path, "counties_albers" if path.suffix == ".gpkg" else None)
        area = back.area.sum() / 1e6
        assert area == pytest.approx(layers["counties"]["area_km2"].sum(), rel=1e-3)
    doc = (Path(__file__).parent.parent / "docs" / "schema.md").read_text(encoding="utf-8")
    assert "lat_1=25" in doc or "25°N" in doc


def test_gcj02_cannot_be_taken_for_wgs84(small, layers, inputs, tmp_path):
    formats = ["gpkg", "shp", "fgb", "parquet", "csv", "geojson"]
    export_layers(small, out=tmp_path, formats=formats, crs="gcj02", inputs=inputs)
    for fmt in ("gpkg", "shp", "fgb", "parquet", "csv"):
        path = _path(tmp_path, fmt, "counties", "gcj02")
        crs = CRS(gpd.read_parquet(path).crs if fmt == "parquet" else _read_crs(path, fmt, "gcj02"))
        assert "GCJ-02" in crs.name and crs.to_epsg() is None, fmt
    back = pd.read_csv(tmp_path / "counties_gcj02.csv", encoding="utf-8-sig", dtype={"adcode": str})
    src = layers["counties"]
    x, y = shapely.get_coordinates(src.geometry.iloc[0])[0]
    wkt = back["wkt"].dropna().index[0]
    gx, gy = shapely.get_coordinates(shapely.from_wkt(back["wkt"][wkt]))[0]
    ex, ey = wgs84_to_gcj02(*shapely.get_coordinates(src.geometry.iloc[wkt])[0])
    assert (gx, gy) == pytest.approx((ex, ey), abs=2e-7)
    sx, sy = wgs84_to_gcj02(src["seat_lon"].iloc[0], src["seat_lat"].iloc[0])
    assert (back["seat_lon"].iloc[0], back["seat_lat"].iloc[0]) == pytest.approx((sx, sy), abs=2e-7)
    assert (x, y) != pytest.approx((gx, gy), abs=1e-4)
    data = json.loads((tmp_path / "counties_gcj02.geojson").read_text(encoding="utf-8"))
    assert data["name"] == "counties_gcj02" and "GCJ-02" in data["description"]
    assert "GCJ-02" in (tmp_path / "README_gcj02.txt").read_text(encoding="utf-8")
    if OGRINFO:
        run = subprocess.run(
            [OGRINFO, "-ro", "-so", str(tmp_path / "gansu_atlas_gcj02.gpkg"), "counties_gcj02"],
            capture_output=True,
            text=True,
        )
        assert 'GEOGCRS["GCJ-02' in run.stdout


def test_schema_lists_every_role_and_basis():
    doc = (Path(__file__).parent.parent / "docs" / "schema.md").read_text(encoding="utf-8")
    kinds = tomllib.loads((data_root() / "concepts" / "kinds.toml").read_text(encoding="utf-8"))
    for section in ("role", "basis", "kind"):
        for key, value in kinds[section].items():
            assert f"`{key}`" in doc and value["zh"] in doc, (section, key)


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["--format", "xls"], "unknown format 'xls'"),
        (["--crs", "bd09"], "unknown CRS 'bd09'"),
        (["--crs", "EPSG:999999"], "pyproj knows no EPSG:999999"),
        (["--format", "geojson", "--crs", "albers"], "RFC 7946"),
        (["--format", "kml", "--crs", "EPSG:4544"], "--format gpkg, shp, fgb, parquet or csv"),
        (["--layer", "roads"], "unknown layer 'roads'"),
    ],
)
def test_bad_options_are_one_line_errors_and_write_nothing(tmp_path, capsys, argv, expect):
    out = tmp_path / "out"
    assert main(["export", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert expect in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_unwritable_folder(tmp_path, layers, inputs):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="choose a writable --out"):
        export_layers(
            {"province": layers["province"]}, out=blocker / "out", formats=["csv"], inputs=inputs
        )


def test_a_failed_write_leaves_nothing(layers, inputs, tmp_path, monkeypatch):
    import geo._export_formats as ex

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setitem(ex.WRITERS, "topojson", broken)
    with pytest.raises(OutputError):
        export_layers(
            {"province": layers["province"]},
            out=tmp_path,
            formats=["csv", "topojson"],
            inputs=inputs,
        )
    assert list(tmp_path.iterdir()) == []


def test_a_gdal_error_is_one_line_and_removes_the_new_folder(layers, inputs, tmp_path, monkeypatch):
    import pyogrio.errors

    import geo._export_formats as ex

    def broken(*args, **kwargs):
        raise pyogrio.errors.DataSourceError("driver refused\nsecond line")

    monkeypatch.setitem(ex.WRITERS, "geojson", broken)
    out = tmp_path / "new" / "out"
    with pytest.raises(OutputError) as info:
        export_layers(
            {"province": layers["province"]}, out=out, formats=["csv", "geojson"], inputs=inputs
        )
    assert "driver refused" in str(info.value) and "\n" not in str(info.value)
    assert not out.exists()


def _export_cli(out: Path) -> subprocess.Popen[bytes]:
    argv = ["export", "--format", "gpkg,shp", "--layer", "counties", "--out", str(out)]
    return subprocess.Popen(
        [sys.executable, "-m", "geo", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_killed_export_leaves_the_previous_files_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "exports"
    start = time.monotonic()
    proc = _export_cli(out)
    assert proc.wait(timeout=600) == 0
    took = time.monotonic() - start
    before = _snapshot(out)
    assert "counties.shp" in before and "gansu_atlas_wgs84.gpkg" in before
    killed = 0
    for fraction in (0.75, 0.95):  # late: while the files are being written
        proc = _export_cli(out)
        try:
            proc.wait(timeout=took * fraction)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed += 1
        assert _snapshot(out) == before  # whole previous files (the same bytes), none half-written
    proc = _export_cli(out)
    assert proc.wait(timeout=600) == 0
    assert _snapshot(out) == before
    assert not [p.name for p in out.iterdir() if p.is_dir()]  # the killed runs' folders: gone
    if not killed:
        pytest.skip("every export finished before the kill")
