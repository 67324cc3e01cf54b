"""The gallery index and the comparison page (geo.gallery; issue 17)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser import needs_chromium, open_browser, open_page

from geo import atlas
from geo.errors import CatalogError
from geo.gallery import WIDTH, read_comparisons, thumbnails

ROOT = Path(__file__).resolve().parent.parent / "layers"


@pytest.fixture(scope="module")
def inputs():
    return atlas.read_atlas_inputs()


@pytest.fixture(scope="module")
def thumbs(inputs):
    return thumbnails(inputs["catalog"], inputs["units"], inputs["geometry"])


def test_one_thumbnail_per_layout_drawn_from_its_elements(inputs, thumbs):
    base, per = thumbs
    catalog = inputs["catalog"]
    assert list(per) == [lay.id for lay in catalog.layouts]
    assert base.startswith('<symbol id="atlas-base"') and f'viewBox="0 0 {WIDTH} ' in base
    for lay in catalog.layouts:
        svg = per[lay.id]
        assert svg.count("<path") + svg.count("<circle") >= 1, lay.id
        colours = set(re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', svg))
        kinds = {catalog.kinds[catalog.get(e).kind].colour.lower() for e in lay.elements}
        assert {c.lower() for c in colours} <= kinds | {"#ffffff"}, lay.id
    # points of a layout of points (ports and hubs) are circles
    assert "<circle" in per["kouan_shuniu"]
    # the thumbnail is inside its frame
    nums = [float(x) for x in re.findall(r"-?\d+\.\d", "".join(per.values()))]
    assert min(nums) >= -1 and max(nums) <= WIDTH + 1


def test_thumbnails_are_deterministic(inputs, thumbs):
    assert thumbnails(inputs["catalog"], inputs["units"], inputs["geometry"]) == thumbs


def test_comparisons_are_read_and_checked(inputs, tmp_path):
    comps = read_comparisons(inputs["catalog"])
    assert {(c["left"], c["right"]) for c in comps} >= {("xb13_sanda", "scopes_2021")}
    root = tmp_path / "layers"
    shutil.copytree(ROOT / "concepts", root / "concepts")
    path = root / "concepts" / "layouts.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[comparison]]\nid = "bad"\nleft = "xb13_sanda"\nright = "no_such"\ntitle = "t"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="comparison bad names the unknown layout 'no_such'"):
        read_comparisons(inputs["catalog"], root=root)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from geo.build import build

    out = tmp_path_factory.mktemp("gallery") / "atlas"
    build(out=out)
    return out


@pytest.fixture(scope="module")
def browser():
    with open_browser() as b:
        yield b


@needs_chromium
@pytest.mark.browser
@pytest.mark.slow
def test_gallery_has_one_thumbnail_per_layout(built, browser, inputs):
    s = open_page(browser, built / "index.html", wait="")
    s.page.wait_for_load_state("load")
    layouts = [lay.id for lay in inputs["catalog"].layouts]
    cards = s.page.locator(".atlas-card")
    assert cards.count() == len(layouts)
    assert sorted(cards.evaluate_all("cs => cs.map(c => c.dataset.layout)")) == sorted(layouts)
    for i in range(cards.count()):
        card = cards.nth(i)
        svg = card.locator(".atlas-thumb svg")
        assert svg.count() == 1 and svg.bounding_box()["width"] > 200
        assert card.locator(".atlas-card-caption").inner_text().startswith("图题 Caption")
    # grouped by period and plan; links to every data download that the build wrote
    assert s.page.locator("section.atlas-period h2").count() >= 3
    for href in s.page.locator(".atlas-downloads a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    ):
        assert (built / href).is_file(), href
    assert s.problems() == []


@needs_chromium
@pytest.mark.browser
@pytest.mark.slow
def test_comparison_keeps_the_two_maps_in_step(built, browser):
    s = open_page(
        browser,
        built / "compare.html",
        hash="#xb13_sanda,scopes_2021",
        wait="body[data-compare-ready]",
    )
    left, right = s.page.frames[1], s.page.frames[2]
    assert "xb13_sanda" in left.url and "scopes_2021" in right.url

    def view(frame):
        return frame.evaluate(
            "[atlasPage.map.getCenter().lat, atlasPage.map.getCenter().lng,"
            " atlasPage.map.getZoom()]"
        )

    s.page.wait_for_function("true")
    assert view(left) == pytest.approx(view(right))
    left.evaluate("atlasPage.map.setView([38.5, 100.4], 8, {animate: false})")
    s.page.wait_for_timeout(300)
    assert view(right) == pytest.approx([38.5, 100.4, 8], abs=1e-6)
    right.evaluate("atlasPage.map.setView([35.0, 105.0], 7, {animate: false})")
    s.page.wait_for_timeout(300)
    assert view(left) == pytest.approx([35.0, 105.0, 7], abs=1e-6)
    # both frames show their map alone (no panel), side by side
    for frame in (left, right):
        assert frame.evaluate("document.body.classList.contains('atlas-nopanel')")
    # a preset link is a deep link to another comparison
    s.page.click("a.atlas-preset >> nth=1")
    s.page.wait_for_selector("body[data-compare-ready]", state="attached", timeout=20_000)
    assert s.page.get_attribute("body", "data-compare") == "sipingyilang,ldn_shengtai"
    assert s.problems(allow_blocked_hosts=("tile.openstreetmap.org",)) == []
