"""A plan the atlas has never seen, through the command line: add-plan → draft → build →
concepts --json / export → concepts accept (issue 14).

The plan text (tests/data/drafts_flow/lintao.txt) is written in our own words: a county
十五五 plan with “一心两翼三片区”, its parts defined by 是指 and 为. Everything runs in a
temporary copy of ``layers/``; the repository's data is never written.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pyogrio
import pytest

import geo.review
from geo._atlas_html import read_page_model
from geo.catalog import read_catalog
from geo.cli import main
from geo.errors import CatalogError
from geo.inputs import read_inputs
from geo.review import accept_element

HERE = Path(__file__).resolve().parent
LAYERS = HERE.parent / "layers"
PLAN = HERE / "data" / "drafts_flow" / "lintao.txt"
ID = "lintao"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own exits (usage errors)
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def _copy(tmp: Path) -> Path:
    root = tmp / "layers"
    shutil.copytree(LAYERS, root)
    return root


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """add-plan, draft and build in a copy of layers/ (what a person runs, in order)."""
    tmp = tmp_path_factory.mktemp("flow")
    root = _copy(tmp)
    out = tmp / "atlas"
    for argv in (
        ["add-plan", str(PLAN), "--id", ID, "--root", str(root)],
        ["draft", ID, "--root", str(root)],
        ["build", "--root", str(root), "--out", str(out)],
    ):
        assert main(argv) == 0, argv
    return {"root": root, "out": out}


def _model(page: Path) -> dict:
    return read_page_model(page.read_text(encoding="utf-8"))


def _draft(root: Path) -> dict:
    return tomllib.loads((root / "concepts" / "drafts" / f"{ID}.toml").read_text("utf-8"))


# --- add-plan and draft --------------------------------------------------------------------------


def test_add_plan_registers_and_draft_writes_the_catalog_schema(flow):
    root = flow["root"]
    meta = tomllib.loads((root / "plans" / "plans.toml").read_text(encoding="utf-8"))
    assert ID in [p["id"] for p in meta["plans"]]
    assert (root / "plans" / f"{ID}.txt").read_bytes() == PLAN.read_bytes()
    report = (root / "concepts" / "drafts" / f"{ID}.md").read_text(encoding="utf-8")
    assert "一心两翼三片区" in report
    elements = {e["name"]: e for e in _draft(root)["element"]}
    members = {m["name"]: m for e in elements.values() for m in e.get("members", [])}
    assert {"临洮县", "渭源县", "康乐县"} <= set(members)
    assert all(m["basis"] == "drafted" and m["quote"]["provision"] for m in members.values())
    assert members["临洮县"]["partial"] is True  # 临洮县城区: part of the county, never filled
    # 三片区: the paragraphs under the heading 第二节 三片区 (no quotes), one element each
    zones = ["临洮北部片区", "临洮南部片区", "临洮东部片区"]
    for name in zones:
        (m,) = elements[name]["members"]
        assert m["name"] == "临洮县" and m["partial"] is True
    three = next(e for e in elements.values() if e["name"] == "三片区")
    assert [elements[z]["id"] for z in zones] == three["parts"]
    # 五位一体, 四个全面 and 三区三线 stand in the text: none is a slogan
    names = " ".join(elements)
    assert "五位一体" not in names and "三区三线" not in names and "四个全面" not in names


def test_draft_is_not_written_when_the_catalog_would_refuse_it(capsys, tmp_path, monkeypatch):
    root = _copy(tmp_path)
    assert run(capsys, "add-plan", str(PLAN), "--id", ID, "--root", str(root))[0] == 0
    # a draft the loader refuses (a member the text does not quote): never written
    bad = _element("lintao_a", "drafted", quote=', quote = { text = "临洮新区", provision = '
                   '"lintao-2.1-p2" }')  # fmt: skip
    monkeypatch.setattr(geo.review, "draft_toml", lambda draft, corpus: bad)
    code, _, err = run(capsys, "draft", ID, "--root", str(root))
    assert code == 2 and "Traceback" not in err
    assert "drafts/lintao.toml" in err and "临洮新区" in err
    assert not (root / "concepts" / "drafts" / f"{ID}.toml").exists()


# --- build: the draft page, its panel data, the index --------------------------------------------


def test_build_draws_the_draft_on_its_own_page(flow):
    out = flow["out"]
    page = out / f"{ID}_draft.html"
    assert page.is_file() and (out / "gcj02" / f"{ID}_draft.html").is_file()
    model = _model(page)
    assert model["page"]["id"] == f"{ID}_draft" and model["page"]["plan"] == ID
    drawn = [model["elements"][i] for i in model["order"]]
    assert drawn and all(e["drafted"] for e in drawn)
    members = [m for e in drawn for m in e["members"]]
    assert members and {m["basis"] for m in members} == {"drafted"}
    assert all(m["quote"]["text"] and m["quote"]["provision"] for m in members)
    leaf = next(e for e in drawn if e["name"] == "临洮县城区")
    assert {"text": "临洮县城区", "provision": leaf["quotes"][0]["provision"]} in leaf["quotes"]
    # the draft look (kinds.toml [basis.drafted]): dashed and lighter than any reviewed basis
    looks = {k: v for k, v in model["styles"].items() if "|drafted|" in k}
    assert looks and all(v["dash"] for v in looks.values())
    areas = [v for v in looks.values() if v.get("fill") and v["geometry"] == "area"]
    bases = read_inputs(flow["root"]).catalog.bases
    lightest = min(b.fill_opacity for k, b in bases.items() if k != "drafted")
    assert areas and all(a["fill_opacity"] < lightest for a in areas)


def test_panels_cite_the_plan_never_its_file(flow):
    model = _model(flow["out"] / f"{ID}_draft.html")
    assert model["plans"][ID]["cite"] == "《临洮县国民经济和社会发展第十五个五年规划纲要》"
    text = json.dumps({k: model[k] for k in ("plans", "docs")}, ensure_ascii=False)
    assert ".txt" not in text and "layers/plans" not in text and str(flow["root"]) not in text


def test_index_has_a_drafts_section_after_the_curated_layouts(flow):
    index = (flow["out"] / "index.html").read_text(encoding="utf-8")
    assert "草案 Drafts" in index and f'href="{ID}_draft.html"' in index
    assert index.index("草案 Drafts") > index.index('href="lz_yihe_liangji_sidai.html"')


# --- concepts --json and the exports carry the drafts -------------------------------------------


def test_concepts_json_lists_the_drafted_elements(capsys, flow):
    code, out, _ = run(capsys, "concepts", "--json", "--plan", ID, "--root", str(flow["root"]))
    records = json.loads(out)
    assert code == 0 and records
    assert all(r["plan"] == ID and r["drafted"] for r in records)
    assert {m["basis"] for r in records for m in r["members"]} == {"drafted"}
    code, out, _ = run(capsys, "concepts", "--json", "--plan", "lz", "--root", str(flow["root"]))
    assert not any(r["drafted"] for r in json.loads(out))


def test_export_carries_the_drafts_so_gis_can_filter_them(capsys, flow, tmp_path):
    argv = ["export", "--root", str(flow["root"]), "--out", str(tmp_path), "--format", "gpkg"]
    assert run(capsys, *argv)[0] == 0
    gpkg = next(tmp_path.rglob("*.gpkg"))
    layer = next(n for n, _ in pyogrio.list_layers(gpkg) if "concept" in n)
    frame = pyogrio.read_dataframe(gpkg, layer=layer)
    drafted = frame[frame["plan"] == ID]
    assert len(drafted) and set(drafted["weakest"]) == {"drafted"}
    assert "drafted" not in set(frame.loc[frame["plan"] == "lz", "weakest"])


# --- accept: from the draft into the curated catalog ---------------------------------------------


def test_accept_moves_an_element_and_the_loader_checks_it(capsys, tmp_path):
    root = _copy(tmp_path)
    assert main(["add-plan", str(PLAN), "--id", ID, "--root", str(root)]) == 0
    assert main(["draft", ID, "--root", str(root)]) == 0
    wing = next(e for e in _draft(root)["element"] if e["name"] == "两翼")
    parts = set(wing["parts"])
    code, out, _ = run(capsys, "concepts", "accept", wing["id"], "--basis", "implied",
                       "--root", str(root))  # fmt: skip
    assert code == 0 and f"accepted {wing['id']}" in out
    left = {e["id"] for e in _draft(root)["element"]}
    assert wing["id"] not in left and not parts & left  # its parts went with it
    catalog = read_inputs(root).catalog
    moved = catalog.get(wing["id"])
    assert not moved.drafted and moved.file == f"{ID}.toml"
    for pid in parts:
        e = catalog.get(pid)
        assert not e.drafted and {m.basis for m in e.members} == {"implied"}
        assert all(m.quote is None for m in e.members)
        assert any(q.text == e.name for q in e.quotes)  # the member's quote joined the element's
    assert any(e.drafted for e in catalog.by_plan(ID))  # the rest is still a draft
    # accepted, the element meets the loader's checks like any other: a quote not in the text
    curated = root / "concepts" / f"{ID}.toml"
    curated.write_text(
        curated.read_text("utf-8").replace('text = "渭源"', 'text = "渭源不在此"'), "utf-8"
    )
    with pytest.raises(CatalogError, match="渭源不在此"):
        read_catalog(root=root)


def test_accept_errors_are_one_line(capsys, flow):
    root = str(flow["root"])
    code, _, err = run(capsys, "concepts", "accept", "lintao_nowhere", "--root", root)
    assert code == 2 and err.count("\n") == 1 and "lintao_nowhere" in err
    code, _, err = run(capsys, "concepts", "accept", "lz_yihe", "--root", root)
    assert code == 2 and "no drafted element" in err
    code, _, err = run(capsys, "concepts", "accept", "x", "--basis", "drafted", "--root", root)
    assert code == 2 and "--basis" in err  # argparse: a reviewed basis only
    with pytest.raises(Exception, match="external"):
        accept_element("x", basis="external", root=root)


# --- the loader's rules for drafts ---------------------------------------------------------------


def _element(eid: str, basis: str, *, quote: str = "") -> str:
    member = f'{{ name = "临洮县", role = "member", basis = "{basis}", partial = true{quote} }}'
    return (
        f'\n[[element]]\nid = "{eid}"\nname = "临洮县城区"\nname_en = "x"\nplan = "{ID}"\n'
        f'kind = "core"\nmembers = [{member}]\n'
        'quotes = [{ text = "临洮县城区", provision = "lintao-2.1-p2" }]\n'
    )


def test_drafted_basis_belongs_to_drafts_only(tmp_path):
    root = _copy(tmp_path)
    assert main(["add-plan", str(PLAN), "--id", ID, "--root", str(root)]) == 0
    drafts = root / "concepts" / "drafts"
    drafts.mkdir()
    (drafts / f"{ID}.toml").write_text(_element("lintao_a", "stated"), "utf-8")
    with pytest.raises(CatalogError, match="basis 'stated' in a draft"):
        read_catalog(root=root)
    (drafts / f"{ID}.toml").write_text("", "utf-8")
    (root / "concepts" / f"{ID}.toml").write_text(_element("lintao_a", "drafted"), "utf-8")
    with pytest.raises(CatalogError, match="in the curated catalog"):
        read_catalog(root=root)


def test_member_quotes_are_checked_and_the_curated_element_wins(tmp_path):
    root = _copy(tmp_path)
    assert main(["add-plan", str(PLAN), "--id", ID, "--root", str(root)]) == 0
    drafts = root / "concepts" / "drafts"
    drafts.mkdir()
    bad = ', quote = { text = "临洮新区", provision = "lintao-2.1-p2" }'
    (drafts / f"{ID}.toml").write_text(_element("lintao_a", "drafted", quote=bad), "utf-8")
    with pytest.raises(CatalogError, match="临洮新区"):
        read_catalog(root=root)
    good = ', quote = { text = "临洮县城区", provision = "lintao-2.1-p2" }'
    (drafts / f"{ID}.toml").write_text(_element("lintao_a", "drafted", quote=good), "utf-8")
    catalog = read_catalog(root=root)
    assert catalog.get("lintao_a").drafted
    assert catalog.get("lintao_a").members[0].quote.text == "临洮县城区"
    assert [lay.id for lay in catalog.layouts if lay.draft] == [f"{ID}_draft"]
    (root / "concepts" / f"{ID}.toml").write_text(_element("lintao_a", "stated"), "utf-8")
    catalog = read_catalog(root=root)
    assert not catalog.get("lintao_a").drafted  # the curated element wins, no duplicate
    assert not any(lay.draft for lay in catalog.layouts)


# --- the warnings and errors of add-plan ---------------------------------------------------------


def test_unregistered_texts_are_reported_and_bad_intake_is_one_line(capsys, tmp_path):
    root = _copy(tmp_path)
    shutil.copyfile(PLAN, root / "plans" / "dropped.txt")
    code, _, err = run(capsys, "provisions", "--plan", "lz", "--root", str(root))
    assert code == 0 and "dropped.txt" in err and "add-plan" in err
    assert run(capsys, "add-plan", str(PLAN), "--id", ID, "--root", str(root))[0] == 0
    code, _, err = run(capsys, "add-plan", str(PLAN), "--id", ID, "--root", str(root))
    assert code == 2 and err.count("\n") == 1 and "already used" in err
    code, _, err = run(capsys, "add-plan", str(tmp_path / "none.txt"), "--root", str(root))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    code, _, err = run(capsys, "draft", "nosuch", "--root", str(root))
    assert code == 2 and err.count("\n") == 1
