"""Offline pages: one file each, no network request at all, in a real Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import needs_chromium, open_browser, open_page

from geo.build import build
from geo.catalog import read_catalog
from geo.errors import OutputError
from geo.offline import inline_page


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("offline") / "atlas"
    build(out=out, offline=True)
    return out


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
        assert "L.map" in html or page.name == "index.html"


def test_missing_asset_is_one_clear_error(tmp_path):
    with pytest.raises(OutputError, match=r"leaflet.js is missing.*pip install"):
        inline_page('<script src="leaflet.js"></script>', base=tmp_path)


def test_css_images_become_data_uris(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(b"\x89PNG")
    (tmp_path / "s.css").write_text(".x{background:url(images/a.png)}", encoding="utf-8")
    html = inline_page('<link rel="stylesheet" href="s.css"/>', base=tmp_path)
    assert html == '<style>.x{background:url("data:image/png;base64,iVBORw==")}</style>'


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
    assert s.page.locator("path.leaflet-interactive").count() > 50
    assert s.page.locator("#map, .leaflet-container").first.is_visible()
    assert s.blocked == []
    assert s.problems() == []


@needs_chromium
@pytest.mark.browser
def test_offline_page_works_inside_an_iframe(offline, browser):
    host = offline / "embed.html"
    host.write_text(
        '<!doctype html><meta charset="utf-8"><iframe src="sipingyilang.html" width="900" '
        'height="600"></iframe>',
        encoding="utf-8",
    )
    s = open_page(browser, host, wait="iframe")
    frame = s.page.frame_locator("iframe")
    frame.locator("body[data-atlas-ready]").wait_for(state="attached", timeout=20_000)
    assert frame.locator("path.leaflet-interactive").count() > 50
    assert s.blocked == []
    assert s.problems() == []
