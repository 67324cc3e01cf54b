"""Tests of geo.catalog: the concept catalog in layers/concepts/ and its loader."""

from __future__ import annotations

import json
import shutil
import tomllib

import pandas as pd
import pytest
import shapely

from geo._paths import DEFAULT_ROOT
from geo.catalog import (
    GEOMETRY_TYPES,
    build_geometry,
    describe_element,
    dumps_records,
    element_records,
    read_catalog,
    tag_units,
)
from geo.cli import main
from geo.errors import CatalogError, DataError, UnknownNameError

CONCEPTS = DEFAULT_ROOT / "concepts"


def _element_ids() -> list[str]:
    """Every element id of the shipped catalog, read straight from the TOML files."""
    ids = []
    for path in sorted(CONCEPTS.glob("*.toml")):
        with path.open("rb") as fh:
            ids += [e["id"] for e in tomllib.load(fh).get("element", [])]
    return ids


# --- fixtures (gazetteer, corpus, units, context, catalog: tests/conftest.py) ------------------


@pytest.fixture(scope="module")
def levels(units, context):
    return pd.concat([units[["adcode", "level"]], context[["adcode", "level"]]], ignore_index=True)


@pytest.fixture(scope="module")
def geometry(inputs):
    """Every element's features on the full-resolution layers (conftest's inputs)."""
    return inputs.full_geometry


@pytest.fixture(scope="module")
def tagged(catalog, units):
    return tag_units(catalog, units)


# --- every entry ---------------------------------------------------------------------------------


@pytest.mark.parametrize("eid", _element_ids())
def test_every_element(eid, catalog, gazetteer, corpus, units, context, geometry):
    e = catalog.get(eid)
    known = set(units["adcode"]) | set(context["adcode"])
    # members resolve to known units, at a level the units have
    assert e.members, f"{eid} has no members"
    for m in e.members:
        assert m.adcodes and set(m.adcodes) <= known, (eid, m.name)
        assert m.role in catalog.roles and m.basis in catalog.bases
        if m.via is None:
            assert gazetteer.resolve(m.name) == m.adcodes
    # quotes occur verbatim in the provisions they cite
    assert e.quotes
    for q in e.quotes:
        assert q.provision in corpus
        assert corpus.get(q.provision).contains(q.text), (eid, q.provision, q.text)
    assert set(e.provisions) >= {q.provision for q in e.quotes}
    # geometry valid and of the declared kind's type
    kind = catalog.kinds[e.kind]
    rows = geometry[geometry["id"] == eid]
    main_rows = rows[rows["part"].isin(["whole", "partial"])]
    assert len(main_rows) >= 1
    assert rows["part"].is_unique
    for row in rows.itertuples():
        assert row.geometry.is_valid and not row.geometry.is_empty, (eid, row.part)
        expected = GEOMETRY_TYPES["point"] if row.part == "site" else GEOMETRY_TYPES[kind.geometry]
        assert row.geometry.geom_type in expected, (eid, row.part, row.geometry.geom_type)
        assert row.schematic == (kind.geometry == "line")
    if "whole" not in set(rows["part"]):
        assert all(m.partial for m in e.members), eid


def test_catalog_covers_the_issue(catalog):
    kinds_used = {e.kind for e in catalog.elements}
    assert {"core", "pole", "belt", "axis", "circle", "barrier", "corridor", "zone", "node",
            "scope"} <= kinds_used  # fmt: skip
    plans = {e.plan for e in catalog.elements}
    assert {"lz", "hx", "ldn", "xb13", "xbxgj", "lsst", "ydsn"} <= plans
    layouts = {lay.id for lay in catalog.layouts}
    assert {"lz_yihe_liangji_sidai", "hx_yizhou_siquan_duodian", "hx_chengzhen", "ldn_fenqu",
            "ldn_yidai_yiquan", "ldn_shengtai", "sipingyilang", "yidaiwuqu",
            "xb13_sanda"} <= layouts  # fmt: skip


# --- pinned members ------------------------------------------------------------------------------


def _stated(catalog, eid):
    return {(m.name, m.adcodes, m.partial) for m in catalog.get(eid).members if m.basis == "stated"}


def test_yihe_stated_members(catalog):
    assert _stated(catalog, "lz_yihe") == {
        ("城关区", ("620102",), False),
        ("七里河区", ("620103",), False),
        ("安宁区", ("620105",), False),
        ("西固区", ("620104",), False),
    }
    # the text names places inside these counties, not the counties: implied and partial
    members = {m.name: m for m in catalog.get("lz_yihe").members}
    implied = {(n, m.adcodes, m.partial) for n, m in members.items() if m.basis == "implied"}
    assert implied == {
        ("兰州新区", ("620121", "620122"), True),
        ("榆中生态创新城", ("620123",), True),
        ("白银区", ("620402",), True),
    }
    assert members["白银区"].via == "lz_yihe_baiyin"
    assert catalog.get("lz_yihe").parts == (
        "lz_yihe_zhongxin",
        "lz_yihe_xinqu",
        "lz_yihe_yuzhong",
        "lz_yihe_baiyin",
    )


def test_liangji_stated_members(catalog):
    assert _stated(catalog, "lz_liangji") == {
        ("定西市", ("621100",), False),
        ("临夏回族自治州", ("622900",), False),
    }
    assert "二极" in catalog.get("lz_liangji").aliases


def test_sipingyilang_five_parts(catalog):
    e = catalog.get("xbxgj_sipingyilang")
    names = [catalog.get(p).name for p in e.parts]
    assert names == [
        "河西祁连山内陆河生态安全屏障",
        "南部秦巴山地区长江上游生态安全屏障",
        "甘南高原地区黄河上游生态安全屏障",
        "陇中陇东地区黄土高原生态安全屏障",
        "中部沿黄河地区生态走廊",
    ]
    assert [catalog.get(p).kind for p in e.parts] == ["barrier"] * 4 + ["corridor"]
    # named in four documents: the element quotes each of them
    assert {q.provision.split("-")[0] for q in e.quotes} == {"xbxgj", "lsst", "xb13", "ydst"}


def test_parts_tile_what_they_should(catalog, tagged):
    """The 2021 scopes and 三大经济区 cover the 14 prefectures once; 四屏一廊's parts never overlap
    whole (they need not tile: counties on no barrier in the texts' words are in none)."""

    def counts(ids, level):
        out = []
        for raw in tagged.loc[tagged["level"] == level, "concepts"]:
            tags = [t for t in json.loads(raw) if t["id"] in ids and not t["partial"]]
            out.append(len(tags))
        return out

    assert counts({"lz_scope", "hx_scope", "ldn_scope"}, "prefecture") == [1] * 14
    assert max(counts(set(catalog.get("xbxgj_sipingyilang").parts), "county")) == 1
    assert counts(set(catalog.get("xb13_sanda").parts), "prefecture") == [1] * 14


def test_stretches_and_clusters_are_never_whole_fills(catalog):
    """A river stretch, a side of a city and a cluster of city cores fill no whole prefecture."""
    corridor = catalog.get("xbxgj_yilang_yanhuang").members
    assert corridor and all(m.partial and m.basis == "inferred" for m in corridor)
    whole = {eid: {m.name for m in catalog.get(eid).members if not m.partial}
             for eid in ("xb13_jiujia", "xb13_jinwu", "xb13_pingqing")}  # fmt: skip
    assert whole == {
        "xb13_jiujia": {"肃州区"},  # 以酒泉市肃州区和嘉峪关城区为重点: 嘉峪关's 城区 is partial
        "xb13_jinwu": set(),  # 以金川、凉州城区为重点: two city cores, both partial
        "xb13_pingqing": {"崆峒区", "西峰区", "泾川县", "宁县"},
    }


# --- partial members -----------------------------------------------------------------------------


def test_partial_members_never_fill_a_county(catalog, geometry, units, context):
    # a context unit may be partial too (关中 of 陕西)
    every = pd.concat([units, context], ignore_index=True)
    by_key = {
        (a, lv): g
        for a, lv, g in zip(every["adcode"], every["level"], every["geometry"], strict=True)
    }
    parent = dict(zip(units["adcode"], units["parent"], strict=True))
    checked = 0
    for e in catalog.elements:
        if catalog.kinds[e.kind].geometry != "area":
            continue
        whole_codes = {(c, m.level) for m in e.members if not m.partial for c in m.adcodes}
        rows = geometry[(geometry["id"] == e.id) & (geometry["part"] == "whole")]
        whole = rows.geometry.iloc[0] if len(rows) else shapely.Point()
        for m in e.members:
            if not m.partial:
                continue
            for code in m.adcodes:
                covered = (code, m.level) in whole_codes or (
                    parent.get(code),
                    "prefecture",
                ) in whole_codes
                if covered:
                    continue
                county = by_key[(code, m.level)]
                # whole counties inside a partial prefecture (民勤县 in 武威市) may be filled
                inside = [
                    by_key[c] for c in whole_codes if c[1] == "county" and parent.get(c[0]) == code
                ]
                filled = county.intersection(whole).difference(shapely.union_all(inside))
                share = filled.area / county.area
                assert share < 0.01, (e.id, m.name, code, share)
                checked += 1
    assert checked >= 5  # 兰州新区 (two counties), 榆中生态创新城, 长庆桥, 临夏州 outside 沿黄 …


def test_partial_counties_are_drawn_distinctly(geometry, units):
    rows = geometry[(geometry["id"] == "lz_yihe_xinqu")]
    assert list(rows["part"]) == ["partial", "site"]
    yongdeng = units[units["name"] == "永登县"].geometry.iloc[0]
    assert rows.geometry.iloc[0].contains(yongdeng.representative_point())
    site = rows.geometry.iloc[1]
    assert site.geom_type == "Point" and yongdeng.union(
        units[units["name"] == "皋兰县"].geometry.iloc[0]
    ).buffer(0.1).contains(site)


def test_tags_mark_partial_membership(tagged):
    def tags(name):
        raw = tagged.loc[(tagged["name"] == name) & (tagged["level"] == "county"), "concepts"].iloc[
            0
        ]
        return {t["id"]: t for t in json.loads(raw)}

    yongdeng = tags("永登县")
    assert yongdeng["lz_yihe"]["partial"] is True and yongdeng["lz_yihe"]["role"] == "core"
    assert yongdeng["lz_scope"]["partial"] is False and yongdeng["lz_scope"]["via"] == "prefecture"
    chengguan = tags("城关区")
    assert chengguan["lz_yihe_zhongxin"] == {
        "id": "lz_yihe_zhongxin",
        "name": "兰州中心城区",
        "plan": "lz",
        "kind": "core",
        "role": "core",
        "basis": "stated",
        "partial": False,
        "via": None,
    }
    # a line does not tag every county of its origin prefecture
    assert "lz_sidai_lanbai" not in yongdeng
    zh = tagged.loc[tagged["name"] == "永登县", "concepts_zh"].iloc[0]
    assert "一核〔lz·核·核心·隐含·部分〕" in zh


# --- lines and points ----------------------------------------------------------------------------


def test_belts_run_through_the_seats_of_their_nodes(geometry, units, context):
    lanxi = geometry[(geometry["id"] == "lz_sidai_lanxi")].geometry.iloc[0]
    coords = list(lanxi.coords)
    lanzhou = units[(units["adcode"] == "620100") & (units["level"] == "prefecture")].iloc[0]
    xining = context[context["adcode"] == "630100"].iloc[0]
    assert coords[0] == pytest.approx((lanzhou.seat_lon, lanzhou.seat_lat), abs=1e-6)
    assert coords[-1] == pytest.approx((xining.seat_lon, xining.seat_lat), abs=1e-6)
    assert len(coords) == 3


def test_sites_are_used_for_named_places(geometry):
    ports = geometry[geometry["id"] == "xb13_konggang"].geometry.iloc[0]
    assert (94.81, 40.16) in [(round(p.x, 2), round(p.y, 2)) for p in ports.geoms]


def test_geometry_needs_context_for_qinghai(catalog, units):
    with pytest.raises(DataError, match="context"):
        build_geometry(catalog, units)
    with pytest.raises(DataError, match="context"):  # checked without dissolving areas too
        build_geometry(catalog, units, areas=False)


def test_geometry_without_areas_keeps_lines_points_and_sites(catalog, units, context, geometry):
    # what the atlas pages use: areas are drawn from their member units, so not dissolved
    light = build_geometry(catalog, units, context=context, areas=False)
    areas = light["geometry_type"] == "area"
    assert set(light.loc[areas, "part"]) == {"site"}
    full = geometry[(geometry["geometry_type"] != "area") | (geometry["part"] == "site")]
    assert list(light.columns) == list(geometry.columns)
    assert list(zip(light["id"], light["part"], strict=True)) == list(
        zip(full["id"], full["part"], strict=True)
    )
    assert all(shapely.equals_exact(light.geometry.values, full.geometry.values, tolerance=0))


# --- records, determinism, CLI -------------------------------------------------------------------


def test_records_shape(catalog, geometry, units):
    records = element_records(catalog, geometry=geometry, units=units)
    assert [r["id"] for r in records] == [e.id for e in catalog.elements]
    rec = {r["id"]: r for r in records}["lz_yihe_xinqu"]
    for key in (
        "id",
        "name",
        "name_en",
        "plan",
        "kind",
        "geometry",
        "members",
        "provisions",
        "quotes",
    ):
        assert key in rec
    assert rec["geometry"]["type"] == "Polygon"
    assert {m["adcode"] for m in rec["members"]} == {"620121", "620122"}
    assert all(m["partial"] and m["name"] == "兰州新区" for m in rec["members"])
    assert {m["unit"] for m in rec["members"]} == {"永登县", "皋兰县"}
    assert rec["provisions"] == list(dict.fromkeys(q["provision"] for q in rec["quotes"]))
    assert len(rec["quotes"]) == 2 and rec["provisions"] == ["lz-3-box1"]
    with pytest.raises(UnknownNameError, match="lz_yihe"):
        element_records(catalog, ids=["lz_yihee"])


def test_outputs_are_deterministic(gazetteer, corpus, levels, inputs):
    # the simplified coverage: the same code as the full layers, in a tenth of the time
    simplified = inputs.simplified_units
    units = simplified[simplified["level"] != "province"]

    def once():
        cat = read_catalog(gazetteer=gazetteer, corpus=corpus, units=levels)
        geom = build_geometry(cat, units, context=inputs.simplified_context)
        tags = tag_units(cat, units)
        return dumps_records(element_records(cat, geometry=geom)), list(tags["concepts"])

    assert once() == once()


def test_cli_concepts_json(capsys):
    assert main(["concepts", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in data} >= {"lz_yihe", "lz_liangji", "xbxgj_sipingyilang"}
    first = data[0]
    assert {
        "id",
        "name",
        "name_en",
        "plan",
        "kind",
        "geometry",
        "members",
        "provisions",
        "quotes",
    } <= set(first)
    assert set(first["members"][0]) >= {"adcode", "name", "role", "basis", "partial"}


def test_cli_concepts_show(capsys):
    assert main(["concepts", "show", "lz_yihe"]) == 0
    out = capsys.readouterr().out
    assert "兰州新区" in out and "lz-3.1-p1" in out and "部分 partial" in out


def test_cli_concepts_unknown_id(capsys):
    assert main(["concepts", "show", "lz_yihee"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "lz_yihe" in err


def test_describe_unknown_suggests(catalog):
    with pytest.raises(UnknownNameError, match="hx_siquan"):
        describe_element(catalog, "hx_siquann")


# --- a broken catalog ----------------------------------------------------------------------------

BROKEN = """
[[element]]
id = "lz_bad_names"
name = "坏名字"
name_en = "Bad names"
plan = "lz"
kind = "core"
members = [
  { name = "兰州新城", role = "core", basis = "stated" },
  { name = "白银区", role = "core", basis = "stated", level = "prefecture" },
  { name = "兰州新区", role = "core", basis = "stated" },
  { name = "定西市", role = "boss", basis = "guessed" },
]
quotes = [
  { text = "这句话不在规划里", provision = "lz-3.1-p1" },
  { text = "“一核”是指兰州中心城区", provision = "lz-99-p9" },
]

[[element]]
id = "lz_bad_names"
name = "重复"
name_en = "Duplicate"
plan = "lz"
kind = "blob"
members = [{ name = "定西市", role = "member", basis = "stated" }]
quotes = [{ text = "“两极”是指定西市和临夏州", provision = "lz-3.2-p1" }]

[[element]]
id = "lz_bad_line"
name = "无路径"
name_en = "Belt without path"
plan = "lz"
kind = "belt"
members = [{ name = "兰州市", role = "origin", basis = "external" }]
quotes = [{ text = "“两极”是指定西市和临夏州", provision = "lz-3.2-p1" }]
"""

BROKEN_LAYOUTS = """
[[layout]]
id = "bad"
name = "坏图"
name_en = "Bad"
plan = "lz"
elements = ["lz_no_such"]
figure = "lz-3-fig1"
caption = "不是这个图名"
"""


def test_broken_catalog_reports_every_problem(tmp_path, gazetteer, corpus, levels):
    folder = tmp_path / "concepts"
    folder.mkdir()
    shutil.copy(CONCEPTS / "kinds.toml", folder / "kinds.toml")
    (folder / "lz.toml").write_text(BROKEN, encoding="utf-8")
    (folder / "layouts.toml").write_text(BROKEN_LAYOUTS, encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(CatalogError) as info:
        read_catalog(root=tmp_path, gazetteer=gazetteer, corpus=corpus, units=levels)
    problems = info.value.problems
    text = "\n".join(problems)
    expected = [
        "member 兰州新城: unknown place name; did you mean",  # with suggestions
        "兰州新区",  # … which include the right name
        "member 白银区: is at the wrong level: declared prefecture",
        "member 兰州新区: the gazetteer marks this place as part of a county",
        "member 兰州新区: a place inside a unit is never a stated member",
        "unknown role 'boss'",
        "unknown basis 'guessed'",
        "is not found in provision lz-3.1-p1",
        "provision 'lz-99-p9' does not exist",
        "duplicate id (also in lz.toml)",
        "unknown kind 'blob'",
        "basis external without a source",
        "a belt without path",
        "layout bad: element 'lz_no_such' does not exist",
        "layout bad: caption does not occur in lz-3-fig1",
    ]
    for needle in expected:
        assert needle in text, needle
    assert len(problems) == 14
    assert all(p.startswith(("lz.toml: element ", "layouts.toml: layout ")) for p in problems)
    assert all("\n" not in p for p in problems)
    # no output: nothing written next to the broken catalog
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_broken_toml_is_reported_with_the_rest(tmp_path, gazetteer, corpus, levels):
    folder = tmp_path / "concepts"
    folder.mkdir()
    shutil.copy(CONCEPTS / "kinds.toml", folder / "kinds.toml")
    (folder / "hx.toml").write_text("[[element]\nid = ", encoding="utf-8")
    (folder / "lz.toml").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        read_catalog(root=tmp_path, gazetteer=gazetteer, corpus=corpus, units=levels)
    assert info.value.problems[0].startswith("hx.toml: is not valid TOML")
    assert len(info.value.problems) == 1 + 12  # the TOML error and the 12 of lz.toml


def test_shipped_files_are_utf8_and_complete():
    for path in CONCEPTS.glob("*.toml"):
        path.read_bytes().decode("utf-8")
    assert (CONCEPTS / "kinds.toml").is_file() and (CONCEPTS / "layouts.toml").is_file()


def test_aliases_point_to_one_element(catalog):
    """An alias never names two elements, nor another element's name (links rely on it)."""
    owner: dict[str, str] = {}
    names = {e.name: e.id for e in catalog.elements}
    for e in catalog.elements:
        for alias in e.aliases:
            assert alias not in owner, (alias, owner.get(alias), e.id)
            assert names.get(alias, e.id) == e.id, (alias, names.get(alias), e.id)
            owner[alias] = e.id


def test_ontology_styles_cover_the_features(catalog, geometry):
    assert set(geometry["part"]) <= set(catalog.parts) == {"whole", "partial", "site"}
    assert catalog.parts["partial"].style != catalog.parts["whole"].style
    assert {b.style for b in catalog.bases.values()} >= {"solid", "dashed", "dotted"}
    colours = [k.colour for k in catalog.kinds.values()]
    assert len(set(colours)) == len(colours)


def test_cli_concepts_by_plan_and_bad_arguments(capsys):
    assert main(["concepts", "--plan", "ldn"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("ldn_") for line in lines)
    assert main(["concepts", "--plan", "zz"]) == 2
    assert "plans:" in capsys.readouterr().err
    assert main(["concepts", "list", "lz_yihe"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "concepts show ID" in err


# --- city cores and named sites ------------------------------------------------------------------

CITY_CORE = """
[[element]]
id = "lz_core_whole"
name = "白银中心城区"
name_en = "A city core filled as a whole prefecture"
plan = "lz"
kind = "core"
members = [
  { name = "白银市", role = "core", basis = "stated", level = "prefecture" },
  { name = "兰州新区", role = "core", basis = "implied", partial = true, site = "兰州新区" },
]
quotes = [{ text = "兰州新区、榆中生态创新城和白银中心城区", provision = "lz-3.1-p1" }]

[[element]]
id = "lz_core_partial"
name = "白银中心城区（部分）"
name_en = "The same core, partial: allowed"
plan = "lz"
kind = "core"
members = [
  { name = "白银市", role = "core", basis = "inferred", level = "prefecture", partial = true },
  { name = "定西市", role = "core", basis = "stated", level = "prefecture", site = "兰州新城" },
  { name = "临夏回族自治州", role = "pole", basis = "stated", site = "兰州新区" },
]
quotes = [{ text = "兰州新区、榆中生态创新城和白银中心城区", provision = "lz-3.1-p1" }]
"""

SITES = """
[[site]]
name = "兰州新区"
adcode = "620121"
lon = 103.66
lat = 36.50
basis = "inferred"
source = "a test site"
precision_deg = 0.05
"""


def test_city_core_and_named_sites_are_checked(tmp_path, gazetteer, corpus, levels):
    folder = tmp_path / "concepts"
    folder.mkdir()
    shutil.copy(CONCEPTS / "kinds.toml", folder / "kinds.toml")
    (folder / "lz.toml").write_text(CITY_CORE, encoding="utf-8")
    (tmp_path / "sites.toml").write_text(SITES, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        read_catalog(root=tmp_path, gazetteer=gazetteer, corpus=corpus, units=levels)
    problems = info.value.problems
    assert problems == [
        "lz.toml: element lz_core_whole: member 白银市: the quote names a city core (白银中心城区)"
        " but the member is a whole prefecture; use its central district(s), or set"
        " partial = true",
        "lz.toml: element lz_core_partial: member 定西市: unknown site '兰州新城'; did you mean"
        " 兰州新区?",
        "lz.toml: element lz_core_partial: member 临夏回族自治州: site 兰州新区 lies in 620121,"
        " outside the member; name the member that holds the site or another site",
    ]
    # the partial core passes, and a named site reaches the member like an inline one
    (folder / "lz.toml").write_text(CORE_OK, encoding="utf-8")
    cat = read_catalog(root=tmp_path, gazetteer=gazetteer, corpus=corpus, units=levels)
    (member,) = [m for m in cat.get("lz_core_partial").members if m.site]
    assert member.name == "兰州新区" and member.partial
    assert (member.site.lon, member.site.lat, member.site.source) == (103.66, 36.5, "a test site")


CORE_OK = """
[[element]]
id = "lz_core_partial"
name = "白银中心城区（部分）"
name_en = "The same core, partial: allowed"
plan = "lz"
kind = "core"
members = [
  { name = "白银市", role = "core", basis = "inferred", level = "prefecture", partial = true },
  { name = "兰州新区", role = "core", basis = "implied", partial = true, site = "兰州新区" },
]
quotes = [{ text = "兰州新区、榆中生态创新城和白银中心城区", provision = "lz-3.1-p1" }]
"""


def test_named_sites_lie_in_their_host_county(units):
    """Every site of layers/sites.toml falls inside the polygon of its host unit."""
    with (DEFAULT_ROOT / "sites.toml").open("rb") as fh:
        sites = tomllib.load(fh)["site"]
    assert sites
    shapes = {(r.adcode, r.level): r.geometry for r in units.itertuples()}
    for s in sites:
        host = shapes.get((s["adcode"], "county")) or shapes[(s["adcode"], "prefecture")]
        point = shapely.Point(s["lon"], s["lat"])
        assert host.contains(point), (s["name"], s["adcode"], host.distance(point))
        assert s["basis"] in {"inferred", "external"} and s["source"]
        if "not surveyed" in s["source"]:
            assert s["precision_deg"] >= 0.05, s["name"]


def test_every_site_lies_in_its_member(catalog, units, context):
    """A member's site (named or inline) falls inside one of the member's units."""
    frame = pd.concat([units, context], ignore_index=True)
    shapes = {(r.adcode, r.level): r.geometry for r in frame.itertuples()}
    for e in catalog.elements:
        for m in e.members:
            if m.site is None:
                continue
            point = shapely.Point(m.site.lon, m.site.lat)
            area = shapely.union_all([shapes[(c, m.level)] for c in m.adcodes])
            assert area.contains(point), (e.id, m.name, round(area.distance(point), 3))


def test_a_place_inside_a_unit_is_never_a_stated_member(tmp_path):
    """docs/catalog-rules.md: the host county of a named sub-county place is implied."""
    root = tmp_path / "layers"
    shutil.copytree(DEFAULT_ROOT, root)
    path = root / "concepts" / "lz.toml"
    text = path.read_text(encoding="utf-8")
    assert '{ name = "兰州新区", role = "core", basis = "implied"' in text
    path.write_text(
        text.replace(
            '{ name = "兰州新区", role = "core", basis = "implied"',
            '{ name = "兰州新区", role = "core", basis = "stated"',
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="a place inside a unit is never a stated member"):
        read_catalog(root=root)
