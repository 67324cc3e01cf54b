"""Tests of geo.inputs: every input read once, in order, and derived once."""

from __future__ import annotations

import json

import pytest
from hostile import link_root, replace_file

from geo.boundaries import LEVELS
from geo.catalog import build_geometry, element_record, tag_units
from geo.errors import BoundaryError, DataError
from geo.inputs import Inputs, read_inputs


def test_inputs_hold_every_level_and_the_context(inputs):
    assert isinstance(inputs, Inputs)
    assert sorted(set(inputs.units["level"])) == sorted(LEVELS)
    assert set(inputs.context["level"]) == {"context"}
    assert sorted(set(inputs.simplified_units["level"])) == sorted(LEVELS)
    assert set(inputs.simplified_context["adcode"]) <= set(inputs.context["adcode"])
    assert len(inputs.catalog) > 50 and inputs.corpus.provisions and inputs.gazetteer.entries


def test_the_same_root_is_read_once_and_derived_once(inputs):
    assert read_inputs() is inputs
    assert read_inputs(inputs.root) is inputs
    assert inputs.links is inputs.links
    assert inputs.geometry is inputs.geometry


def test_the_links_know_the_concepts(inputs):
    """No path builds the links without the catalog's concepts."""
    assert inputs.links.by_concept
    assert set(inputs.links.by_concept) <= {e.id for e in inputs.catalog.elements}


def test_page_geometry_is_the_geometry_without_dissolved_areas(inputs):
    full, page = inputs.geometry, inputs.page_geometry
    undissolved = full[~(full["geometry_type"].eq("area") & full["part"].ne("site"))]
    assert list(zip(page["id"], page["part"], strict=True)) == list(
        zip(undissolved["id"], undissolved["part"], strict=True)
    )


def test_full_geometry_is_built_on_the_full_layers(inputs):
    lines = inputs.full_geometry[inputs.full_geometry["geometry_type"] == "line"]
    want = build_geometry(inputs.catalog, inputs.units, context=inputs.context, areas=False)
    want = want[want["geometry_type"] == "line"]
    assert [g.wkb for g in lines.geometry] == [g.wkb for g in want.geometry]


def test_tagged_units_are_the_unit_tags(inputs):
    tagged = inputs.tagged_units
    assert (
        tagged["concepts"].tolist() == tag_units(inputs.catalog, inputs.units)["concepts"].tolist()
    )
    for adcode, level, concepts in zip(
        tagged["adcode"], tagged["level"], tagged["concepts"], strict=True
    ):
        entries = inputs.unit_tags.get((adcode, level), [])
        assert json.loads(concepts) == json.loads(json.dumps(entries))


def test_prefectures_are_tagged_through_their_counties(inputs):
    """Tagged together, a prefecture belongs partly to an element one of its counties is in."""
    via_county = [
        t for (_, level), tags in inputs.unit_tags.items() if level == "prefecture" for t in tags
    ]
    assert any(t["via"] == "county" and t["partial"] for t in via_county)


def test_element_records_name_their_units(inputs):
    rec = inputs.element_records["lz_yihe_xinqu"]
    assert rec == element_record(
        inputs.catalog.get("lz_yihe_xinqu"), inputs.catalog, names=inputs.unit_names
    )
    assert {u for m in rec["members"] for u in m["units"]} >= {"永登县", "皋兰县"}


def test_missing_root_is_one_clear_error(tmp_path):
    with pytest.raises(DataError, match="does not exist; pass --root"):
        read_inputs(tmp_path / "nope")


def test_boundary_problems_are_reported_first(tmp_path):
    root = link_root(tmp_path)
    replace_file(root / "boundaries" / "counties.geojson", "not json")
    replace_file(root / "concepts" / "zz_bad.toml", "not toml [")
    with pytest.raises(BoundaryError, match=r"counties\.geojson"):
        read_inputs(root)


def test_a_changed_file_is_read_again(tmp_path, inputs):
    root = link_root(tmp_path)
    first = read_inputs(root)
    assert read_inputs(root) is first
    text = (root / "gazetteer.toml").read_text(encoding="utf-8")
    replace_file(root / "gazetteer.toml", text + "\n")
    again = read_inputs(root)
    assert again is not first and len(again.gazetteer.entries) == len(first.gazetteer.entries)


def test_reading_other_roots_never_drops_the_default_root(inputs, tmp_path):
    """The suite, a notebook or a server reads many roots; the project's own is kept."""
    from geo import inputs as module

    others = [link_root(tmp_path / str(i)) for i in range(module._KEEP_OTHER_ROOTS + 2)]
    for root in others:
        assert read_inputs(root) is read_inputs(root)
    assert read_inputs() is inputs
    assert others[0] not in module._KEPT  # the least recently used other root was dropped
    assert others[-1] in module._KEPT
