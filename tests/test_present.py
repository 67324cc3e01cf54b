"""Presenter mode, print, PNG export, embed and opacity on the atlas pages (issue 17), in
headless Chromium (js/present.js, js/compare.js, present.css)."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from browser import needs_chromium, open_browser, open_page

from geo.atlas import write_atlas
from geo.build import build
from geo.catalog import read_catalog

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.slow]

LAYOUT = "lz_yihe_liangji_sidai"
TILES = ("tile.openstreetmap.org", "arcgisonline.com")


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("present") / "atlas"
    build(out=out)
    return out


@pytest.fixture(scope="module")
def browser():
    with open_browser() as b:
        yield b


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_panel_hidden_by_link_option_map_fills_the_frame(atlas, browser):
    s = open_page(browser, atlas / f"{LAYOUT}.html", hash="?panel=0", viewport=(960, 540))
    box = _box(s.page, ".leaflet-container")
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 960, 540)
    assert not s.page.locator("#atlas-side").is_visible()
    assert s.problems(allow_blocked_hosts=TILES) == []


def test_panel_collapses_and_comes_back(atlas, browser):
    s = open_page(browser, atlas / f"{LAYOUT}.html", viewport=(960, 540))
    assert _box(s.page, ".leaflet-container")["width"] == 560  # 400 px panel
    s.page.click(".atlas-tool-panel")
    assert _box(s.page, ".leaflet-container")["width"] == 960
    assert not s.page.locator("#atlas-side").is_visible()
    # the map knows its new size: its pixel bounds span the whole frame
    assert s.page.evaluate("atlasPage.map.getSize().x") == 960
    s.page.click(".atlas-tool-panel")
    assert s.page.locator("#atlas-side").is_visible()
    assert s.page.evaluate("atlasPage.map.getSize().x") == 560


def test_stepping_visits_every_element_with_its_quote(atlas, browser):
    catalog = read_catalog()
    ids = list(dict.fromkeys(catalog.layout(LAYOUT).elements))
    s = open_page(browser, atlas / f"{LAYOUT}.html")
    seen = []
    for _ in ids:
        s.page.keyboard.press("ArrowRight")
        step = s.page.get_attribute("body", "data-step")
        seen.append(step)
        e = catalog.get(step)
        caption = s.page.inner_text("#atlas-caption")
        assert e.name in caption
        if e.quotes:
            assert e.quotes[0].text in caption and e.quotes[0].provision in caption
    assert seen == ids  # every element once, in the layout's order
    s.page.keyboard.press("ArrowRight")  # wraps around
    assert s.page.get_attribute("body", "data-step") == ids[0]
    s.page.keyboard.press("ArrowLeft")
    assert s.page.get_attribute("body", "data-step") == ids[-1]
    # the highlight is drawn in the focus pane
    assert s.page.locator(".leaflet-atlas-focus-pane path").count() > 0
    s.page.keyboard.press("Escape")
    assert not s.page.locator("#atlas-caption").is_visible()
    # typing in the search box does not step
    s.page.fill("#atlas-q", "兰州")
    s.page.press("#atlas-q", "ArrowRight")
    assert s.page.get_attribute("body", "data-step") is None
    assert s.problems(allow_blocked_hosts=TILES) == []


def test_print_is_one_a4_landscape_page_with_legend_and_caption(atlas, browser):
    from pypdf import PdfReader

    s = open_page(browser, atlas / f"{LAYOUT}.html")
    s.page.keyboard.press("ArrowRight")  # a stepped element's caption prints too
    s.page.click("#atlas-legend-box > summary")  # closed legend: printing opens it again
    s.page.emulate_media(media="print")
    s.page.wait_for_timeout(200)
    pdf = PdfReader(io.BytesIO(s.page.pdf(prefer_css_page_size=True, print_background=True)))
    assert len(pdf.pages) == 1
    w, h = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert (round(w), round(h)) == (842, 595)  # A4 landscape, in points
    # NFKC: the PDF's font maps some characters to their compatibility forms (⾃ for 自)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", pdf.pages[0].extract_text()))
    catalog = read_catalog()
    layout = catalog.layout(LAYOUT)
    assert "图例" in text and "核core" in text  # the legend
    assert re.sub(r"\s+", "", layout.caption) in text  # the page's caption
    first = catalog.get(layout.elements[0])
    assert re.sub(r"\s+", "", first.quotes[0].text)[:20] in text  # the stepped caption
    assert "搜索" not in text and "图层Layers" not in text  # no search box, no layer tree
    map_box = _box(s.page, ".leaflet-container")
    assert map_box["width"] > 600 and map_box["height"] > 400


def test_png_export_writes_an_image_of_the_view(atlas, browser, tmp_path):
    from PIL import Image

    s = open_page(browser, atlas / f"{LAYOUT}.html", hash="?panel=0", viewport=(960, 540))
    with s.page.expect_download() as info:
        s.page.click(".atlas-tool-png")
    target = tmp_path / "view.png"
    info.value.save_as(target)
    assert info.value.suggested_filename == f"{LAYOUT}.png"
    img = Image.open(target).convert("RGB")
    assert img.size == (960, 540)
    # the drawn zones are there: many colours, and the layout's fill colour among them
    colours = img.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50
    assert s.problems(allow_blocked_hosts=TILES) == []


def test_embed_gives_an_iframe_of_the_current_deep_link(atlas, browser):
    s = open_page(browser, atlas / f"{LAYOUT}.html", hash="#concept=lz_yihe_xinqu")
    s.page.click(".atlas-tool-embed")
    code = s.page.input_value("#atlas-embed textarea")
    assert code.startswith("<iframe ") and code.endswith("</iframe>")
    src = re.search(r'src="([^"]+)"', code).group(1).replace("&amp;", "&")
    assert src.endswith(f"{LAYOUT}.html?panel=0#concept=lz_yihe_xinqu")
    assert s.problems(allow_blocked_hosts=TILES) == []


def test_figure_link_and_opacity_control(atlas, browser):
    s = open_page(browser, atlas / "atlas.html")
    assert s.page.locator(".atlas-tool-figure").count() == 0  # the combined atlas has none
    sliders = s.page.locator("#atlas-tree input[type=range]")
    assert sliders.count() == s.page.locator("#atlas-tree fieldset.atlas-plan").count() > 3
    # a plan's slider fades that plan's drawn paths, and only them
    shown = s.page.evaluate(
        "atlasPage.model.tree.map(g => g.elements.flatMap(id => atlasPage.leaves(id))"
        ".filter(id => atlasPage.isVisible(id)))"
    )
    group = next(i for i, ids in enumerate(shown) if ids)
    ours = set(shown[group])
    sliders.nth(group).fill("30")
    sliders.nth(group).dispatch_event("input")
    fades = s.page.evaluate(
        "[...document.querySelectorAll('.leaflet-container path[data-id]')]"
        ".map(p => [p.getAttribute('data-id'), getComputedStyle(p).opacity])"
    )
    assert {o for i, o in fades if i in ours} == {"0.3"}
    assert {o for i, o in fades if i not in ours} <= {"1"}


def _dead_links(page_file: Path, page) -> list[str]:
    """The relative links of a page (no #, no ?) whose file does not exist."""
    hrefs = page.evaluate(
        "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
    )
    local = [h.split("#")[0].split("?")[0] for h in hrefs if not re.match(r"^[a-z]+:|^#", h)]
    return [h for h in local if h and not (page_file.parent / h).exists()]


def test_figure_is_linked_only_once_made_else_the_command_is_shown(
    atlas, browser, inputs, tmp_path
):
    # the build makes no figure: the page names the command, the index links no figure
    lay = open_page(browser, atlas / f"{LAYOUT}.html")
    lay.page.click(".atlas-tool-figure")
    box = lay.page.inner_text("#atlas-figure")
    assert f"gansu-atlas figure {LAYOUT} --out figures/{LAYOUT}.png" in box
    assert lay.page.locator("#atlas-figure a").count() == 0
    index = open_page(browser, atlas / "index.html", wait="")
    assert index.page.locator(".atlas-figure-link").count() == 0
    assert _dead_links(atlas / "index.html", index.page) == []
    # a figure in figures/ (a PNG the browser can show) is linked by the next build
    out = tmp_path / "atlas"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / f"{LAYOUT}.png").write_bytes(lay.page.screenshot())
    write_atlas(out, inputs=inputs, basemap="none", amap=False)
    made = open_page(browser, out / f"{LAYOUT}.html")
    made.page.click(".atlas-tool-figure")
    assert made.page.get_attribute("#atlas-figure a", "href") == f"figures/{LAYOUT}.png"
    assert "gansu-atlas figure" not in made.page.inner_text("#atlas-figure")
    shown = made.page.evaluate(
        """href => new Promise(done => { const img = new Image();
        img.onload = () => done(img.naturalWidth); img.onerror = () => done(0);
        img.src = href; })""",
        made.page.eval_on_selector("#atlas-figure a", "a => a.href"),
    )
    assert shown > 0
    index = open_page(browser, out / "index.html", wait="")
    links = index.page.locator(".atlas-figure-link")
    assert links.count() == 1
    assert links.get_attribute("href") == f"figures/{LAYOUT}.png"
    assert (
        index.page.locator(f'.atlas-card[data-layout="{LAYOUT}"] .atlas-figure-link').count() == 1
    )
    assert made.problems() == [] and lay.problems(allow_blocked_hosts=TILES) == []
