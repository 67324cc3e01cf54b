"""Offline pages: one file each, no network request at all, in a real Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import needs_chromium, open_browser, open_page

from geo.catalog import read_catalog
from geo.errors import OutputError
from geo.offline import inline_page, make_offline


@pytest.fixture(scope="module")
def offline(built_offline: Path) -> Path:
    """The offline build (conftest: built once per session)."""
    return built_offline


@pytest.fixture(scope="module")
def browser():
    with open_browser() as b:
        yield b


def test_pages_reference_no_file_and_no_host(offline):
    assert not (offline / "static").exists()
    assert not (offline / "gcj02").exists()  # the 高德 variant needs tiles: not offline
    for page in offline.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img)\b[^>]*(src|href)=\"(?!data:|#)", html), page
        assert "L.map" in html or page.name in ("index.html", "compare.html")


def _outside_scripts(html: str) -> str:
    return re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", html, flags=re.S)


def test_no_attribute_points_at_a_host_or_at_static(offline):
    pages = sorted(offline.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = _outside_scripts(page.read_text(encoding="utf-8"))
        assert not re.search(r"(?:src|href)=[\"']?(?:https?:|//|[./]*static/)", html), page
        assert "static/leaflet" not in page.read_text(encoding="utf-8"), page


def test_make_offline_missing_asset_leaves_pages_untouched(tmp_path):
    page = tmp_path / "a.html"
    page.write_text('<script src="static/leaflet/leaflet.js"></script>', encoding="utf-8")
    with pytest.raises(OutputError, match=r"leaflet\.js is missing \(referenced by a\.html\)"):
        make_offline(tmp_path, [page])
    assert page.read_text(encoding="utf-8") == '<script src="static/leaflet/leaflet.js"></script>'


def test_missing_asset_is_one_clear_error(tmp_path):
    with pytest.raises(OutputError, match=r"leaflet.js is missing.*pip install"):
        inline_page('<script src="leaflet.js"></script>', assets_dir=tmp_path)


def test_css_images_become_data_uris(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(b"\x89PNG")
    (tmp_path / "s.css").write_text(".x{background:url(images/a.png)}", encoding="utf-8")
    html = inline_page('<link rel="stylesheet" href="s.css"/>', assets_dir=tmp_path)
    assert html == '<style>.x{background:url("data:image/png;base64,iVBORw==")}</style>'


def assert_drawn(root) -> None:
    """The page drew its map: the borders of every level (one line each, shared arcs) and the
    layout's zones, lines and points (clickable)."""
    levels = {
        root.locator(f'path[data-borders="{lv}"]').count()
        for lv in ("county", "prefecture", "province", "context")
    }
    assert levels == {1}
    assert root.locator("path.leaflet-interactive").count() > 10


@needs_chromium
@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 800), (375, 667)])
def test_offline_page_makes_zero_requests(offline, browser, viewport):
    s = open_page(
        browser,
        offline / "lz_yihe_liangji_sidai.html",
        hash="#concept=lz_yihe_xinqu",
        viewport=viewport,
    )
    s.page.wait_for_selector("#atlas-panel:not([hidden])", timeout=10_000)
    assert read_catalog().get("lz_yihe_xinqu").quotes[0].text in s.page.inner_text("#atlas-panel")
    assert_drawn(s.page)
    assert s.page.locator("#map, .leaflet-container").first.is_visible()
    assert s.blocked == []
    assert s.problems() == []


def _strict(browser, page: Path, *, own: tuple[Path, ...], hash: str = "", size=(1280, 800)):
    """Open ``page`` with EVERY request but the ``own`` files aborted and recorded."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    tab = context.new_page()
    allowed = {p.resolve().as_uri() for p in own}
    seen: list[str] = []
    errors: list[str] = []

    def route(r) -> None:
        url = r.request.url.split("#")[0].split("?")[0]  # link options (?panel=0) are no fetch
        if url in allowed:
            r.continue_()
        else:
            seen.append(url[:80])
            r.abort()

    context.route("**/*", route)
    tab.on(
        "request",
        lambda q: None if q.url.split("#")[0].split("?")[0] in allowed else seen.append(q.url[:80]),
    )
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(page.resolve().as_uri() + hash)
    return tab, seen, errors


@needs_chromium
@pytest.mark.browser
def test_strict_zero_requests_even_to_local_files(offline, browser):
    page = offline / "lz_yihe_liangji_sidai.html"
    tab, seen, errors = _strict(browser, page, own=(page,), hash="#concept=lz_yihe_xinqu")
    tab.wait_for_selector("body[data-atlas-ready]", state="attached", timeout=20_000)
    tab.wait_for_selector("#atlas-panel:not([hidden])", timeout=10_000)
    assert read_catalog().get("lz_yihe_xinqu").quotes[0].text in tab.inner_text("#atlas-panel")
    assert_drawn(tab)
    tab.wait_for_timeout(300)  # anything lazily fetched after ready would be recorded here
    assert seen == []
    assert errors == []
    tab.context.close()


@needs_chromium
@pytest.mark.browser
def test_strict_recorder_catches_a_local_asset(tmp_path, browser):
    """Control: the recorder does see a page that still loads a file next to it."""
    (tmp_path / "x.js").write_text("document.body.dataset.atlasReady = 1;", encoding="utf-8")
    page = tmp_path / "p.html"
    page.write_text('<!doctype html><body><script src="x.js"></script>', encoding="utf-8")
    tab, seen, _ = _strict(browser, page, own=(page,))
    tab.wait_for_load_state("load")
    assert any(u.endswith("/x.js") for u in seen)
    tab.context.close()


@needs_chromium
@pytest.mark.browser
def test_offline_page_works_inside_an_iframe(offline, browser, tmp_path):
    page = tmp_path / "sipingyilang.html"  # a copy: the single file is all a host needs
    page.write_bytes((offline / page.name).read_bytes())
    host = tmp_path / "embed.html"
    host.write_text(
        '<!doctype html><meta charset="utf-8"><iframe src="sipingyilang.html" width="900" '
        'height="600"></iframe>',
        encoding="utf-8",
    )
    tab, seen, errors = _strict(browser, host, own=(host, page))
    frame = tab.frame_locator("iframe")
    frame.locator("body[data-atlas-ready]").wait_for(state="attached", timeout=20_000)
    assert_drawn(frame)
    assert frame.locator(".leaflet-container").first.is_visible()
    assert seen == []
    assert errors == []
    tab.context.close()


@needs_chromium
@pytest.mark.browser
def test_offline_presenter_steps_and_exports_with_zero_requests(offline, browser, tmp_path):
    """Issue 17: the presenter scripts are inlined too; stepping, the texts inflated from the
    page itself and the PNG export fetch nothing (the PNG is drawn from the page's SVG)."""
    page = offline / "sipingyilang.html"
    tab, seen, errors = _strict(browser, page, own=(page,))
    tab.wait_for_selector("body[data-atlas-ready]", state="attached", timeout=20_000)
    tab.keyboard.press("ArrowRight")
    assert tab.get_attribute("body", "data-step") == "xbxgj_sipingyilang"
    assert "四屏一廊" in tab.inner_text("#atlas-caption")
    tab.fill("#atlas-q", "四屏一廊")  # search reads the inflated plan texts
    # provisions are found in the inflated texts and named by their document (issue 16)
    found = tab.inner_text("#atlas-results")
    assert "条文" in found and "《新时代甘肃融入“一带一路”建设打造生态制高点实施方案》" in found
    tab.click(".atlas-tool-panel")  # the panel folds away
    assert not tab.locator("#atlas-side").is_visible()
    with tab.expect_download() as info:
        tab.click(".atlas-tool-png")
    info.value.save_as(tmp_path / "v.png")
    assert (tmp_path / "v.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tab.wait_for_timeout(300)
    assert not [u for u in seen if not u.startswith(("blob:", "data:"))]
    assert errors == []
    tab.context.close()


@needs_chromium
@pytest.mark.browser
def test_offline_comparison_fetches_only_its_two_pages(offline, browser):
    host = offline / "compare.html"
    own = (host, offline / "xb13_sanda.html", offline / "scopes_2021.html")
    tab, seen, errors = _strict(browser, host, own=own, hash="#xb13_sanda,scopes_2021")
    tab.wait_for_selector("body[data-compare-ready]", state="attached", timeout=30_000)
    left, right = tab.frames[1], tab.frames[2]
    left.evaluate("atlasPage.map.setView([37.0, 102.0], 8, {animate: false})")
    tab.wait_for_timeout(300)
    assert right.evaluate("atlasPage.map.getZoom()") == 8
    tab.wait_for_timeout(300)
    assert seen == []
    assert errors == []
    tab.context.close()
