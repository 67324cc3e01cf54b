"""Tests of geo.styles: the look of the map, from the ontology (kinds.toml)."""

from __future__ import annotations

import json
import re

import pytest

from geo import styles
from geo.catalog import read_catalog


@pytest.fixture(scope="module")
def catalog():
    return read_catalog()


def test_basis_looks_come_from_kinds_toml_and_weaken_with_the_basis(catalog):
    looks = [styles.style(catalog, kind="zone", basis=b) for b in ("stated", "implied", "inferred")]
    assert [s.fill_opacity for s in looks] == [
        catalog.bases[b].fill_opacity for b in catalog.bases
    ][:3]
    assert looks[0].fill_opacity > looks[1].fill_opacity > looks[2].fill_opacity
    assert looks[0].dash == () and looks[1].dash and looks[2].dash
    assert looks[1].dash == catalog.bases["implied"].dash
    assert styles.basis_style(catalog, "implied").dash == catalog.bases["implied"].dash


def test_partial_units_are_hatched_never_filled(catalog):
    for kind in ("core", "zone", "circle"):
        st = styles.style(catalog, kind=kind, basis="stated", part="partial")
        assert st.hatch and not st.fill and st.geometry == "area"


def test_each_kind_is_drawn_as_its_ontology_says(catalog):
    for k in catalog.kinds.values():
        st = styles.style(catalog, kind=k.id)
        assert st.geometry == k.geometry
        assert st.weight == k.weight
        if k.style == "outline":  # a plan's area: a dashed outline, no fill
            assert not st.fill and st.dash == k.dash and st.dash
        if k.style == "directed-line":
            assert st.arrow
        if k.geometry == "point":
            assert st.radius == k.radius > 0
    site = styles.style(catalog, kind="zone", part="site")
    assert site.geometry == "point" and site.radius == catalog.parts["site"].radius


def test_lines_and_points_take_their_weakest_members_basis(catalog):
    assert styles.weakest(catalog, []) == "stated"
    assert styles.weakest(catalog, ["stated", "inferred", "implied"]) == "inferred"
    for e in catalog.elements:
        bases = {m.basis for m in e.members}
        got = styles.element_basis(catalog, e)
        assert got in bases or not bases
        if bases == {"stated"}:
            assert got == "stated"


def test_one_colour_per_element_from_the_whole_catalog(catalog):
    colours = styles.element_colours(catalog)
    assert set(colours) == {e.id for e in catalog.elements}
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours.values())
    assert styles.element_colours(catalog) == colours  # deterministic
    by_group: dict[tuple[str, str], list[str]] = {}
    for e in catalog.elements:
        if e.parts and all(m.via for m in e.members):  # drawn through its parts only
            assert colours[e.id] == catalog.kinds[e.kind].colour.lower()
        else:
            by_group.setdefault((e.kind, e.plan), []).append(colours[e.id])
    # the first of each kind and plan has the kind's colour; its siblings differ from it
    for (kind, _plan), cs in by_group.items():
        assert cs[0] == catalog.kinds[kind].colour.lower()
        assert len(set(cs[:10])) == len(cs[:10])
    # a page only picks colours from this table: the same element, the same colour
    some = [e.id for e in catalog.elements][5:30]
    looks = styles.element_looks(catalog, some)
    assert {i: looks[i]["colour"] for i in some} == {i: colours[i] for i in some}


def test_element_looks_name_a_style_per_member_and_part(catalog):
    ids = [e.id for e in catalog.elements]
    looks = styles.element_looks(catalog, ids)
    table = styles.page_styles(catalog, ids)
    for e in catalog.elements:
        look = looks[e.id]
        if catalog.kinds[e.kind].geometry == "area":
            assert len(look["members"]) == len(e.members)
            for key, m in zip(look["members"], e.members, strict=True):
                assert key == styles.style_key(e.kind, m.basis, "partial" if m.partial else "whole")
        else:
            assert look["parts"]["whole"].split("|")[1] == styles.element_basis(catalog, e)
        for key in [*look["members"], *look["parts"].values()]:
            assert key in table
    json.dumps(table)  # plain data


def test_legend_lists_the_looks_drawn_with_the_ontologys_words(catalog):
    layout = catalog.layout("lz_yihe_liangji_sidai")
    entries = styles.legend(catalog, layout.elements)
    drawn = [catalog.get(i) for i in layout.elements if not catalog.get(i).parts]
    kinds = {e.kind for e in drawn}
    assert [x["kind"] for x in entries] == [
        k.id for k in sorted(catalog.kinds.values(), key=lambda k: k.order) if k.id in kinds
    ]
    looks = styles.element_looks(catalog, [e.id for e in drawn])
    want = {k for look in looks.values() for k in [*look["members"], *look["parts"].values()]}
    assert {lk["style"] for x in entries for lk in x["looks"]} == want
    words = {lk["zh"] for x in entries for lk in x["looks"]}
    assert catalog.bases["stated"].zh in words  # 明确, from kinds.toml
    # partial members (兰州新区, implied) are told apart by the part's word before the basis
    assert f"{catalog.parts['partial'].zh} · {catalog.bases['implied'].zh}" in words
    assert not any("原文明示" in w for w in words)
    for x in entries:
        assert x["colour"] == catalog.kinds[x["kind"]].colour
        assert (x["zh"], x["en"]) == (catalog.kinds[x["kind"]].zh, catalog.kinds[x["kind"]].en)
    # a page with fewer elements has a shorter legend
    one = styles.legend(catalog, ["lz_yihe_zhongxin"])
    assert [x["kind"] for x in one] == ["core"] and len(one[0]["looks"]) == 1


def test_gis_styles_draw_what_the_pages_draw(catalog):
    """The exports' QML, SLD and KML take their looks from styles.look / styles.style."""
    import xml.etree.ElementTree as ET

    import pandas as pd

    from geo._export_styles import kml_styles, qml, sld

    lk = styles.look(catalog, kind="core", basis="implied", part="partial")
    assert lk.style == styles.style(catalog, kind="core", basis="implied", part="partial")
    assert lk.colour == catalog.kinds["core"].colour.lower() and "部分" in lk.label
    combos = [
        ("core", "implied", "whole"),
        ("core", "implied", "partial"),
        ("zone", "stated", "whole"),
    ]
    frame = pd.DataFrame(combos, columns=["kind", "weakest", "part"])
    root = ET.fromstring(qml("concept_areas", frame, catalog).split("\n", 1)[1])
    by_rule = {}
    for rule in root.iter("rule"):
        symbol = root.find(f".//symbol[@name='{rule.get('symbol')}']")
        by_rule[rule.get("filter")] = {o.get("name"): o.get("value") for o in symbol.iter("Option")}
    for kind, basis, part in combos:
        st = styles.style(catalog, kind=kind, basis=basis, part=part)
        got = by_rule[f"\"kind\" = '{kind}' AND \"weakest\" = '{basis}' AND \"part\" = '{part}'"]
        alpha = int(got["color"].split(",")[3])
        assert got["style"] == ("solid" if st.fill else "b_diagonal" if st.hatch else "no")
        assert not st.fill or alpha == round(st.fill_opacity * 255)
        assert (got["outline_style"] == "solid") == (not st.dash)
    sld_root = ET.fromstring(sld("concept_areas", frame, catalog).encode("utf-8"))
    ns = "{http://www.opengis.net/sld}"
    dashes = {
        p.text for p in sld_root.iter(f"{ns}CssParameter") if p.get("name") == "stroke-dasharray"
    }
    assert dashes == {" ".join(f"{d:g}" for d in catalog.bases["implied"].dash)}
    opacities = {
        p.text for p in sld_root.iter(f"{ns}CssParameter") if p.get("name") == "fill-opacity"
    }
    assert opacities == {f"{catalog.bases[b].fill_opacity:g}" for b in ("implied", "stated")}
    kml = {s.get("id"): s for s in kml_styles("concept_areas", frame, catalog)}
    assert kml["core.implied.partial"].find("PolyStyle/fill").text == "0"  # never filled
    assert kml["core.implied.whole"].find("PolyStyle/fill").text == "1"
