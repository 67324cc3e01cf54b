"""Tests of geo.gazetteer over the real layers/gazetteer.toml and hand-made bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geo._paths import data_root
from geo.errors import DataError, UnknownNameError
from geo.gazetteer import ENTRY_KINDS, FILE, read_gazetteer

ROOT = data_root()


@pytest.fixture(scope="module")
def gaz():
    return read_gazetteer()


@pytest.fixture(scope="module")
def plan_text() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "plans").glob("*.txt")))


def _layer(name: str) -> dict[str, dict]:
    data = json.loads((ROOT / "boundaries" / name).read_text(encoding="utf-8"))
    return {f["properties"]["adcode"]: f["properties"] for f in data["features"]}


# --- the real gazetteer -------------------------------------------------------------------------


def test_every_name_resolves_to_known_units(gaz):
    assert len(gaz.entries) > 250
    for entry in gaz.entries:
        assert entry.kind in ENTRY_KINDS
        assert gaz.resolve(entry.name) == entry.adcodes
        assert entry.adcodes and all(a in gaz.units for a in entry.adcodes)


def test_unit_counts_match_the_boundary_layers(gaz):
    levels = [u.level for u in gaz.units.values()]
    assert levels.count("province") == 1
    assert levels.count("prefecture") == 14
    # 86 county-level units; 嘉峪关市 (620200), a prefecture-level city without counties, is
    # listed once, at the prefecture level (the county layer holds it too).
    assert levels.count("county") == 86
    assert levels.count("context") == 8
    for layer in ("province.geojson", "prefectures.geojson", "counties.geojson"):
        for adcode, props in _layer(layer).items():
            assert gaz.units[adcode].name == props["name"], adcode
            assert gaz.resolve(props["name"]) == (adcode,)
    assert len(_layer("counties.geojson")) == 87 and "620200" in _layer("counties.geojson")
    for adcode, props in _layer("context.geojson").items():
        assert gaz.units[adcode].level == "context"
        assert gaz.resolve(props["name"]) == (adcode,)


def test_every_unit_has_its_full_name_as_an_entry(gaz):
    for unit in gaz.units.values():
        entry = gaz.lookup(unit.name)
        assert entry.kind == "unit" and entry.adcodes == (unit.adcode,)
        assert gaz.names_of(unit.adcode)[0] == unit.name
        if unit.parent:
            assert gaz.units[unit.parent].level in ("province", "prefecture", "context")


@pytest.mark.parametrize(
    ("name", "adcodes", "kind"),
    [
        ("甘州", ("620702",), "short"),
        ("临夏州", ("622900",), "short"),
        ("临夏", ("622900",), "short"),
        ("甘南州", ("623000",), "short"),
        ("兰州", ("620100",), "short"),
        ("白银", ("620400",), "short"),  # the city, not 白银区
        ("华亭县", ("620881",), "former"),
        ("华亭", ("620881",), "short"),
        ("酒嘉", ("620900", "620200"), "combined"),
        ("金武", ("620300", "620600"), "combined"),
        ("平庆", ("620800", "621000"), "combined"),
        ("兰白", ("620100", "620400"), "combined"),
        ("天成徽", ("620500", "621221", "621227"), "combined"),
        ("天水主城区", ("620502", "620503"), "composite"),
        ("兰州中心城区", ("620102", "620103", "620104", "620105"), "composite"),
        ("河西五市", ("620900", "620200", "620700", "620300", "620600"), "region"),
        ("兰州新区", ("620121", "620122"), "place"),
        ("榆中生态创新城", ("620123",), "place"),
        ("长庆桥", ("621026",), "place"),
        ("莫高窟", ("620982",), "place"),
        ("马鬃山", ("620923",), "place"),
        ("西宁", ("630100",), "short"),
    ],
)
def test_examples(gaz, name, adcodes, kind):
    entry = gaz.lookup(name)
    assert (entry.adcodes, entry.kind) == (adcodes, kind)


def test_places_are_partial_and_units_are_not(gaz):
    for entry in gaz.entries:
        if entry.kind == "place":
            assert entry.partial, entry.name
        if entry.kind in ("unit", "short", "former", "combined"):
            assert not entry.partial, entry.name


def test_false_friends_are_strict_or_stopped(gaz):
    for name in ("合作", "安定", "平川", "和政", "康乐", "清水", "合水"):
        assert gaz.lookup(name).strict, name
    assert not gaz.lookup("甘州").strict
    assert "健康县城" in gaz.stops
    assert "、" in gaz.rules.before and "、" in gaz.rules.after
    assert "作" not in gaz.rules.before


def test_non_unit_names_are_read_from_the_texts(gaz, plan_text):
    # Every combined/composite/region/place name occurs in the plans, or says it is a reading.
    for entry in gaz.entries:
        if entry.kind in ("combined", "composite", "region", "route", "place"):
            assert entry.name in plan_text or "reading" in entry.note, entry.name


def test_routes_list_their_units_in_order(gaz):
    # a route is a railway or road: its Gansu counties east to west, partial, never a unit
    lanxin = gaz.lookup("兰新铁路")
    assert lanxin.kind == "route" and lanxin.partial
    names = [gaz.units[a].name for a in lanxin.adcodes]
    assert names.index("天祝藏族自治县") < names.index("凉州区") < names.index("瓜州县")
    assert "敦煌市" not in names and "金川区" not in names  # off the line
    assert all(gaz.units[a].level in ("county", "prefecture") for a in lanxin.adcodes)


def test_natural_regions_are_partial_readings(gaz):
    # basins, deserts and ranges: named by nature, a reading of general geography, partial
    for name in ("黑河流域", "石羊河流域", "腾格里沙漠", "祁连山", "沿黄河地区"):
        entry = gaz.lookup(name)
        assert entry.kind == "region" and entry.partial and "reading" in entry.note, name


def test_names_of(gaz):
    assert gaz.names_of("620881") == ("华亭市", "华亭", "华亭县")
    assert gaz.names_of("620702") == ("甘州区", "甘州")
    assert "白银" not in gaz.names_of("620402")


def test_suggest_prefers_names_sharing_characters(gaz):
    assert gaz.suggest("甘州x")[:2] == ["甘州", "甘州区"]
    assert gaz.suggest("合做市")[0] == "合作市"
    assert gaz.suggest("敦皇") == ["敦煌", "敦煌市"]
    assert gaz.suggest("zzz") == []
    assert len(gaz.suggest("兰州", n=5)) == 5


def test_unknown_name_says_so_and_suggests(gaz):
    with pytest.raises(UnknownNameError) as info:
        gaz.resolve("甘州x")
    msg = str(info.value)
    assert "'甘州x'" in msg and FILE in msg and "did you mean 甘州" in msg
    assert "\n" not in msg
    with pytest.raises(KeyError):  # callers may catch the built-in
        gaz.lookup("没有这个地方")
    assert "甘州" in gaz and "甘州x" not in gaz


def test_unknown_adcode(gaz):
    assert gaz.unit("620100").name == "兰州市"
    with pytest.raises(UnknownNameError, match="999999"):
        gaz.unit("999999")


# --- bad gazetteers -----------------------------------------------------------------------------

_GOOD = """
[match]
before = "、"
after = "、"

[[unit]]
adcode = "620000"
name = "甘肃省"
level = "province"
short = ["甘肃"]

[[unit]]
adcode = "620100"
name = "兰州市"
level = "prefecture"
parent = "620000"
short = ["兰州"]
"""


def _root(tmp_path: Path, text: str, *, layers: bool = False) -> Path:
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    if layers:
        shutil.copytree(ROOT / "boundaries", tmp_path / "boundaries")
    return tmp_path


def test_minimal_file_reads(tmp_path):
    gaz = read_gazetteer(root=_root(tmp_path, _GOOD))
    assert gaz.resolve("兰州") == ("620100",)
    assert len(gaz.entries) == 4


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_gazetteer(root=tmp_path)


def test_invalid_toml(tmp_path):
    with pytest.raises(DataError, match="TOML"):
        read_gazetteer(root=_root(tmp_path, _GOOD + "\n[[unit]\n"))


def test_duplicate_name_with_conflicting_adcodes(tmp_path):
    bad = (
        _GOOD + '\n[[name]]\nname = "兰州"\nkind = "place"\nadcodes = ["620000"]\npartial = true\n'
    )
    with pytest.raises(DataError) as info:
        read_gazetteer(root=_root(tmp_path, bad))
    msg = str(info.value)
    assert FILE in msg and "'兰州'" in msg and "keep one meaning" in msg
    assert "\n" not in msg


def test_unknown_adcode_and_bad_kind_are_reported_together(tmp_path):
    bad = (
        _GOOD
        + '\n[[name]]\nname = "酒嘉"\nkind = "combined"\nadcodes = ["620900", "620200"]\n'
        + '\n[[name]]\nname = "某地"\nkind = "town"\nadcodes = ["620100"]\n'
        + '\n[[unit]]\nadcode = "6201"\nname = "坏县"\nlevel = "county"\n'
    )
    with pytest.raises(DataError) as info:
        read_gazetteer(root=_root(tmp_path, bad))
    msg = str(info.value)
    assert "3 problems" in msg
    assert "酒嘉" in msg and "620900" in msg and "not a [[unit]]" in msg
    assert "'town'" in msg and "6-digit" in msg


def test_strict_must_name_a_name_of_the_unit(tmp_path):
    bad = _GOOD.replace('short = ["兰州"]', 'short = ["兰州"]\nstrict = ["兰洲"]')
    with pytest.raises(DataError, match="strict name '兰洲'"):
        read_gazetteer(root=_root(tmp_path, bad))


def test_units_are_checked_against_the_boundary_layers(tmp_path):
    # With the real layers present, a gazetteer missing most units is refused, naming them.
    with pytest.raises(DataError) as info:
        read_gazetteer(root=_root(tmp_path, _GOOD, layers=True))
    msg = str(info.value)
    assert "99 problems" in msg and "620102 (城关区)" in msg and "add a [[unit]]" in msg
    assert "and 95 more" in msg and len(msg) < 600 and "\n" not in msg


def test_unreadable_boundary_layer_is_one_problem(tmp_path):
    root = _root(tmp_path, (ROOT / FILE).read_text(encoding="utf-8"), layers=True)
    counties = root / "boundaries" / "counties.geojson"
    counties.write_text("this is not GeoJSON {", encoding="utf-8")
    with pytest.raises(DataError, match=r"counties.geojson cannot be read .*rebuild"):
        read_gazetteer(root=root)
    data = json.loads((ROOT / "boundaries" / "counties.geojson").read_text(encoding="utf-8"))
    del data["features"][3]["properties"]["adcode"]
    counties.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        DataError, match=r"counties.geojson has missing or malformed adcodes .* row 3;"
    ):
        read_gazetteer(root=root)


def test_wrong_name_for_an_adcode_is_refused(tmp_path):
    text = (ROOT / FILE).read_text(encoding="utf-8").replace('name = "甘州区"', 'name = "甘洲区"')
    with pytest.raises(DataError, match="call 620702 '甘州区'"):
        read_gazetteer(root=_root(tmp_path, text, layers=True))


# --- command line -------------------------------------------------------------------------------


def test_cli_names(capsys):
    from geo.cli import main

    assert main(["names", "甘州", "酒嘉"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("甘州\tshort\t甘州区 620702")
    assert out[1].startswith("酒嘉\tcombined\t酒泉市 620900+嘉峪关市 620200")
    assert main(["names", "--json", "兰州新区"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["adcodes"] == ["620121", "620122"] and record["partial"] is True


def test_cli_names_unknown(capsys):
    from geo.cli import main

    assert main(["names", "甘州x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean 甘州" in err
