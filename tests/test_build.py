"""The main build: what `gansu-atlas build` writes, and that it writes it whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo import _atlas_model as am
from geo._atlas_html import read_page_model
from geo._atlas_topo import encode_arcs, unit_topology
from geo.build import build
from geo.cli import main


@pytest.fixture(scope="module")
def built(default_build: tuple[Path, list[Path]]) -> tuple[Path, list[Path]]:
    """The default build (conftest: built once per session)."""
    return default_build


def test_every_layout_has_a_page_linked_from_the_index(built, catalog):
    out, written = built
    index = (out / "index.html").read_text(encoding="utf-8")
    layouts = catalog.layouts
    assert len(layouts) >= 10
    for layout in layouts:
        assert Path(f"{layout.id}.html") in written
        assert f'href="{layout.id}.html"' in index
    assert Path("atlas.html") in written


def test_data_files_hold_every_provision_and_its_links(built, corpus):
    out, _ = built
    ids = [p.id for p in corpus.provisions]
    rows = json.loads((out / "data" / "provisions.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == ids
    links = json.loads((out / "data" / "links.json").read_text(encoding="utf-8"))
    assert [r["provision"] for r in links] == ids
    assert all(set(r) >= {"provision", "units", "concepts", "mentions"} for r in links)
    # 四屏一廊 is named in 001's text: its provision links to the concept
    hits = [r["provision"] for r in links if "xbxgj_sipingyilang" in r["concepts"]]
    assert any(h.startswith("xbxgj-") for h in hits)


def test_returned_paths_are_the_files_on_disk(built):
    out, written = built
    on_disk = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert written == on_disk


def test_cli_build_prints_the_files(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path / "a")]) == 0
    printed = capsys.readouterr().out.split()
    assert "index.html" in printed and "data/provisions.csv" in printed
    assert not list(tmp_path.glob(".a.*")), "a temporary folder was left behind"


def test_tianditu_key_only_with_the_opt_in(tmp_path, monkeypatch, inputs):
    secret = "tkTEST0123456789"
    monkeypatch.setenv("TIANDITU_KEY", secret)
    build(out=tmp_path / "plain", inputs=inputs)
    assert secret not in (tmp_path / "plain" / "atlas.html").read_text(encoding="utf-8")
    build(out=tmp_path / "keyed", inputs=inputs, tianditu=True)
    assert secret in (tmp_path / "keyed" / "atlas.html").read_text(encoding="utf-8")


def test_pages_draw_the_simplified_context(built, inputs):
    """The grey neighbours are the context of the simplified coverage, whose border with Gansu
    is the very line of the Gansu units (no second, separately simplified copy)."""
    out, _ = built
    model = read_page_model((out / "atlas.html").read_text(encoding="utf-8"))
    units, context = inputs.simplified_units, inputs.simplified_context
    topology = unit_topology(units, scale=am.SCALE, context=context)
    want = am.unit_records(units, context=context, topology=topology)
    assert model["units"]["context"] == json.loads(json.dumps(want["context"]))
    assert model["arcs"] == encode_arcs(topology.arcs)
    # the neighbours' rings run along Gansu's own border arcs (rank 2: the province border)
    used = {
        r if r >= 0 else ~r
        for u in model["units"]["context"]
        for poly in u["a"]
        for ring in poly
        for r in ring
    }
    assert {model["arc_rank"][i] for i in used} == {2, 3}
