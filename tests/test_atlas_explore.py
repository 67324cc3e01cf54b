"""Issue 16 in Chromium: maps a planner can read at a glance and explore without getting stuck.

Labels measured for overlap at three zoom levels, every county reachable by click, the search
cases, the combined atlas's first view, the same colour on every page, reader-facing text, the
legend beside the map and the phone layout. One browser for the module; one atlas build.
"""

from __future__ import annotations

import re

import pytest

from geo._atlas_html import read_page_model
from geo.atlas import ATLAS_PAGE, write_atlas
from tests.browser import needs_chromium, open_browser, open_page

pytestmark = [needs_chromium, pytest.mark.browser]

LZ = "lz_yihe_liangji_sidai.html"
HX = "hx_yizhou_siquan_duodian.html"

_MAP = "Object.values(window).find(v => v instanceof L.Map)"

#: Boxes of the labels shown (not hidden by the placement), in page pixels.
_LABEL_BOXES = """() => [...document.querySelectorAll('.atlas-label')]
  .filter(n => !n.hasAttribute('data-hidden') && n.offsetParent !== null)
  .map(n => { const r = n.getBoundingClientRect();
              return [n.textContent, r.left, r.top, r.right, r.bottom]; })"""

#: Centre of a county's seat in page pixels after the map shows the whole province.
_SEAT_XY = (
    "adcode => { const map = "
    + _MAP
    + """;
  const r = map.getContainer().getBoundingClientRect();
  const m = JSON.parse(document.getElementById("atlas-data").textContent);
  const u = m.units.county.find(u => u.adcode === adcode);
  const p = map.latLngToContainerPoint([u.seat[1] / m.scale, u.seat[0] / m.scale]);
  return [r.left + p.x, r.top + p.y]; }"""
)


def _data(html: str) -> dict:
    return read_page_model(html)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas16")
    files = write_atlas(out, basemap="none", env={})
    pages = sorted(  # the map pages (not the index or the comparison page)
        p
        for p in files
        if p.suffix == ".html" and p.parent == out and "atlas-data" in p.read_text(encoding="utf-8")
    )
    return out, pages


@pytest.fixture(scope="module")
def browser():
    with open_browser() as b:
        yield b


def _overlaps(boxes: list) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[1] < b[3] - 1 and b[1] < a[3] - 1 and a[2] < b[4] - 1 and b[2] < a[4] - 1:
                out.append((a[0], b[0]))
    return out


def _wait_labels(page) -> None:
    """Wait for the placement pass after the last change (it runs on the next animation frame:
    two frames later it has run)."""
    page.wait_for_selector("body[data-labels-placed]", state="attached")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


# --- labels --------------------------------------------------------------------------------------


def test_labels_never_overlap_at_three_zoom_levels_on_every_page(built, browser):
    _, pages = built
    for path in pages:
        s = open_page(browser, path, viewport=(1440, 900))
        for dz in (0, 1, 2):
            s.page.evaluate(
                f"() => {{ const m = {_MAP}; m.setZoom(m.getZoom() + {dz}, {{animate: false}}); }}"
            )
            _wait_labels(s.page)
            boxes = s.page.evaluate(_LABEL_BOXES)
            assert boxes or dz, path.name  # zoomed in, the view may hold no seat at all
            assert _overlaps(boxes) == [], (path.name, dz)
        s.page.context.close()


def test_labels_name_their_place_and_gansu_keeps_its_prefectures(built, browser):
    out, _ = built
    s = open_page(browser, out / HX, viewport=(1440, 900))
    _wait_labels(s.page)
    shown = [b[0] for b in s.page.evaluate(_LABEL_BOXES)]
    assert "多点 · 玉门市" in shown and "多点" not in shown
    assert "嘉峪关市" in shown and "酒泉市" in shown  # separate, never "嘉峪酒泉市"
    s.page.context.close()
    s = open_page(browser, out / LZ, viewport=(1440, 900))
    _wait_labels(s.page)
    shown = [b[0] for b in s.page.evaluate(_LABEL_BOXES)]
    belts = [t for t in shown if t.endswith("示意")]
    assert len(belts) == len(set(belts)) == 4  # one label per belt
    for name in ("兰州市", "白银市", "定西市", "临夏回族自治州"):
        assert name in shown, name
    # no line label covers an arrowhead: the line ends are free of label boxes
    ends = s.page.evaluate(
        "() => { const map = " + _MAP + "; const r = map.getContainer().getBoundingClientRect();"
        " return [...document.querySelectorAll('path.atlas-directed')].map(p => {"
        " const l = p.getTotalLength(), q = p.getPointAtLength(l);"
        " const m = p.getScreenCTM(); return [q.x * m.a + m.e, q.y * m.d + m.f]; }); }"
    )
    boxes = [b for b in s.page.evaluate(_LABEL_BOXES) if b[0].endswith("示意")]
    for x, y in ends:
        assert not any(b[1] <= x <= b[3] and b[2] <= y <= b[4] for b in boxes), (x, y)
    s.page.context.close()


def test_phone_labels_leave_the_map_readable(built, browser):
    out, _ = built
    s = open_page(browser, out / LZ, viewport=(390, 844))
    _wait_labels(s.page)
    boxes = s.page.evaluate(_LABEL_BOXES)
    assert _overlaps(boxes) == []
    shown = [b[0] for b in boxes]
    assert "天水市" in shown or "陇南市" in shown or "定西市" in shown  # Gansu's names stay
    area = s.page.evaluate(
        "() => { const r = "
        + _MAP
        + ".getContainer().getBoundingClientRect(); return r.width * r.height; }"
    )
    covered = sum((b[3] - b[1]) * (b[4] - b[2]) for b in boxes)
    assert covered < 0.2 * area
    s.page.context.close()


# --- clicks --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_name", [LZ, HX, ATLAS_PAGE])
def test_every_county_is_reachable_by_click(built, browser, page_name):
    """A real click on each county's seat opens the county, or (under a zone, a point or a
    line) the thing on top with the county in its "here:" list."""
    out, _ = built
    s = open_page(browser, out / page_name, viewport=(1440, 900))
    model = _data((out / page_name).read_text(encoding="utf-8"))
    counties = [u["adcode"] for u in model["units"]["county"] if u.get("seat")]
    s.page.click("#atlas-legend-box > summary")  # fold the legend: it lies over the map
    centre = (
        "a => { const m = "
        + _MAP
        + "; m.stop(); history.replaceState(null, '', location.pathname);"
        " document.getElementById('atlas-panel').hidden = true;"
        " const d = JSON.parse(document.getElementById('atlas-data').textContent);"
        " const u = d.units.county.find(u => u.adcode === a);"
        " m.setView([u.seat[1] / d.scale, u.seat[0] / d.scale], 7, {animate: false}); }"
    )
    # the panel flies the map to what it opens; here it jumps, so that the next click is not
    # overtaken by the last flight
    s.page.evaluate(
        "() => { L.Map.prototype.flyToBounds = function (b, o) {"
        " return this.fitBounds(b, Object.assign({}, o, {animate: false})); }; }"
    )
    unreached = []
    for adcode in counties:
        s.page.evaluate(centre, adcode)  # the seat in the middle of the map, at zoom 7
        x, y = s.page.evaluate(_SEAT_XY, adcode)
        s.page.mouse.click(x, y)
        try:
            s.page.wait_for_selector("#atlas-panel:not([hidden])", timeout=3000)
        except Exception:  # nothing opened: the county is not reachable here
            unreached.append((adcode, x, y))
            continue
        here = s.page.evaluate(
            "() => [location.hash].concat([...document.querySelectorAll('.atlas-here a')]"
            ".map(a => a.getAttribute('href')))"
        )
        if f"#unit={adcode}" not in here:
            unreached.append(adcode)
    assert unreached == []
    assert [p for p in s.problems() if "tile" not in p] == []
    s.page.context.close()


def test_hover_names_what_lies_under_the_pointer_and_a_point_opens_its_member(built, browser):
    out, _ = built
    s = open_page(browser, out / HX, viewport=(1440, 900))
    x, y = s.page.evaluate(_SEAT_XY, "620981")  # 玉门市, a point of 多点
    s.page.mouse.move(x, y)
    s.page.wait_for_selector(".atlas-tip")
    tip = s.page.inner_text(".atlas-tip")
    assert "多点 · 玉门市" in tip and "玉门市 县区" in tip
    s.page.mouse.click(x, y)
    s.page.wait_for_selector(".atlas-member-here")
    assert s.page.evaluate("location.hash") == "#concept=hx_duodian%40620981"
    assert s.page.inner_text(".atlas-member-here td") == "玉门市"
    here = s.page.locator(".atlas-here a").all_inner_texts()
    assert "玉门市 县区" in here and "酒泉市 市州" in here
    assert any("圈" in h for h in here)  # the circle under the point
    s.page.locator(".atlas-here a", has_text="玉门市 县区").click()
    s.page.wait_for_function("document.querySelector('#atlas-panel h2').textContent === '玉门市'")
    s.page.context.close()


# --- search --------------------------------------------------------------------------------------


def _search(s, query: str) -> dict:
    s.page.fill("#atlas-q", query)
    return s.page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('#atlas-results ul')].map(u =>"
        " [u.dataset.group, [...u.querySelectorAll('a.atlas-result')].map(a =>"
        " [a.textContent, a.getAttribute('href'), a.parentNode.textContent])]))"
    )


def test_search_cases_on_every_page(built, browser):
    _, pages = built
    for path in pages:
        s = open_page(browser, path)
        # a layout's slogan, with 两 for the caption's 二, from every page
        for q in ("一核两极四带", "一核二极四带"):
            lays = _search(s, q).get("layouts", [])
            assert any("lz_yihe_liangji_sidai.html" in h or h == "#" for _, h, _ in lays), (
                path.name,
                q,
            )
        # several words, all required
        provs = _search(s, "定西 通渭").get("provisions", [])
        assert provs and all("定西" in t and "通渭" in t for _, _, t in provs)
        # pinyin for places
        places = _search(s, "Tianshui").get("places", [])
        assert "天水市" in [p[0] for p in places]
        # named by titles, never by internal ids
        res = _search(s, "兰州新区")
        labels = [label for rows in res.values() for label, _, _ in rows]
        assert labels and not any(re.search(r"\b[a-z]+\d*-[\d.]+-[a-z]+\d+\b", x) for x in labels)
        assert all(not re.fullmatch(r"[a-z0-9_]+", x) for x in labels)
        s.page.context.close()


def test_search_lists_have_more_and_open_elsewhere(built, browser):
    out, _ = built
    s = open_page(browser, out / LZ)
    rows = _search(s, "发展")["provisions"]
    total = int(
        re.search(r"\((\d+)\)", s.page.inner_text("#atlas-results h4:last-of-type")).group(1)
    )
    assert total > len(rows) == 20
    s.page.locator('ul[data-group="provisions"] .atlas-more').click()
    assert s.page.locator('ul[data-group="provisions"] a.atlas-result').count() == min(40, total)
    # a concept of another page opens on its page
    concepts = _search(s, "多点")["concepts"]
    href = next(h for label, h, _ in concepts if label == "多点")
    assert href == HX + "#concept=hx_duodian"
    s.page.locator('ul[data-group="concepts"] a.atlas-result', has_text="多点").first.click()
    s.page.wait_for_url(re.compile(re.escape(HX)))
    s.page.wait_for_selector("body[data-atlas-ready]")
    s.page.wait_for_function(
        "(document.querySelector('#atlas-panel h2') || {}).textContent === '多点'"
    )
    s.page.context.close()


# --- the combined atlas --------------------------------------------------------------------------


def test_combined_atlas_draws_every_ticked_layer(built, browser):
    out, _ = built
    s = open_page(browser, out / ATLAS_PAGE)
    check = """() => { const drawn = new Set([...document.querySelectorAll('path[data-id]')]
        .map(p => p.getAttribute('data-id')));
      return [...document.querySelectorAll('.atlas-tree-item')].map(it => {
        const box = it.querySelector(':scope > label input');
        const id = it.querySelector(':scope > label a').getAttribute('href').slice(9);
        return [id, box.checked, box.indeterminate, drawn.has(id)]; }); }"""
    model = _data((out / ATLAS_PAGE).read_text(encoding="utf-8"))
    leaves = {
        i
        for i, e in model["elements"].items()
        if not [p for p in e["parts"] if p in model["elements"]]
    }
    for row in s.page.evaluate(check):
        if row[0] in leaves:
            assert row[1] == row[3], row  # ticked <=> drawn (河西 circles under two parents too)
    assert s.page.input_value("#atlas-layout-select") == "0"  # the chooser names what is shown
    s.page.select_option("#atlas-layout-select", "*")
    s.page.wait_for_timeout(200)
    for row in s.page.evaluate(check):
        if row[0] in leaves:
            assert row[1] and row[3], row
    hx = next(i for i, lay in enumerate(model["layouts"]) if lay["id"] == HX[:-5])
    s.page.select_option("#atlas-layout-select", str(hx))
    s.page.wait_for_timeout(200)
    drawn = {r[0] for r in s.page.evaluate(check) if r[3]}
    assert drawn and all(d.startswith("hx_") for d in drawn)
    s.page.context.close()


def test_one_colour_per_element_on_every_page(built, browser):
    out, pages = built
    colours: dict[str, set[str]] = {}
    for path in pages:
        looks = _data(path.read_text(encoding="utf-8"))["looks"]
        for i, look in looks.items():
            colours.setdefault(i, set()).add(look["colour"])
    assert colours and all(len(c) == 1 for c in colours.values())
    # and the pages draw them so: the fill of each element's areas is its colour
    drawn = {}
    for name in (LZ, ATLAS_PAGE, "scopes_2021.html"):
        s = open_page(browser, out / name)
        s.page.evaluate(
            "() => { const sel = document.getElementById('atlas-layout-select');"
            " if (sel) { sel.value = '*'; sel.dispatchEvent(new Event('change')); } }"
        )
        s.page.wait_for_timeout(200)
        rows = s.page.evaluate(
            "() => [...document.querySelectorAll('path[data-id][data-part=whole]')]"
            ".map(p => [p.getAttribute('data-id'), p.getAttribute('stroke'),"
            " p.getAttribute('fill')])"
        )
        for i, stroke, fill in rows:
            c = next(iter(colours[i])).lower()
            assert c in (stroke.lower(), (fill or "").lower()), (name, i, stroke, fill)
            drawn.setdefault(i, set()).add(name)
        s.page.context.close()
    assert any(len(v) > 1 for v in drawn.values())


# --- panels, text, legend, phone -----------------------------------------------------------------


def test_reader_text_has_no_internals(built, browser):
    out, pages = built
    for path in pages:
        s = open_page(browser, path, viewport=(1440, 900))
        text = s.page.inner_text("body")
        for bad in ("$", "TIANDITU", "layers/", ".txt", "opt-in", "flag", "文件 0"):
            assert bad not in text, (path.name, bad)
        scale = s.page.inner_text(".leaflet-control-scale")
        assert "km" in scale or " m" in scale
        assert "mi" not in scale and "ft" not in scale
        fits = s.page.evaluate(
            "() => { const q = document.getElementById('atlas-q');"
            " const c = document.createElement('canvas').getContext('2d');"
            " const st = getComputedStyle(q); c.font = st.fontSize + ' ' + st.fontFamily;"
            " return c.measureText(q.placeholder).width <= q.clientWidth - 18; }"
        )
        assert fits, path.name
        s.page.context.close()
    s = open_page(browser, out / LZ, hash="#provision=lz-3-p1")
    s.page.wait_for_selector("#atlas-panel:not([hidden])")
    src = s.page.inner_text(".atlas-source-lines")
    assert re.search(r"《.+》（甘政办发〔2021〕93号） 第[\d–、]+行", src), src
    panel = s.page.inner_text("#atlas-panel")
    assert "layers/" not in panel and "文件 003" not in panel
    s.page.context.close()


def test_unit_panel_grouped_by_plan_layout_and_document(built, browser):
    out, _ = built
    model = _data((out / ATLAS_PAGE).read_text(encoding="utf-8"))
    tianshui = next(u["adcode"] for u in model["units"]["prefecture"] if u["name"] == "天水市")
    s = open_page(browser, out / ATLAS_PAGE, hash=f"#unit={tianshui}")
    s.page.wait_for_selector(".atlas-group-plan")
    plans = s.page.locator(".atlas-group-plan h4").all_inner_texts()
    assert plans and all(p.startswith("《") for p in plans)
    links = s.page.locator("a.atlas-layout-link").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    assert links and all(re.fullmatch(r"[a-z0-9_]+\.html#unit=\d+", h) for h in links)
    docs = s.page.locator(".atlas-doc-group > summary").all_inner_texts()
    assert docs and all(d.startswith("《") for d in docs)
    before = s.page.locator(".atlas-doc-group li.atlas-prov:not([hidden])").count()
    s.page.fill(".atlas-prov-filter", "旅游")
    after = s.page.locator(".atlas-doc-group li.atlas-prov:not([hidden])").all_inner_texts()
    assert 0 < len(after) < before and all("旅游" in t for t in after)
    s.page.context.close()


def test_legend_beside_the_map_always_visible(built, browser):
    _, pages = built
    for path in pages[:4]:
        s = open_page(browser, path, viewport=(1440, 900))
        box = s.page.locator("#atlas-legend-box").bounding_box()
        side = s.page.locator("#atlas-side").bounding_box()
        assert box["x"] + box["width"] <= side["x"]  # over the map, not in the side panel
        assert box["y"] >= 0 and box["y"] + box["height"] <= 900
        kinds = s.page.locator(".atlas-legend-kinds > li").evaluate_all(
            "ls => ls.map(l => l.dataset.kind)"
        )
        model = _data(path.read_text(encoding="utf-8"))
        assert kinds == [k["kind"] for k in model["legend"]]
        s.page.context.close()


def test_phone_panel_shows_enough_and_touch_targets(built, browser):
    out, _ = built
    s = open_page(browser, out / LZ, viewport=(390, 844))
    sizes = s.page.locator("#atlas-side input[type=checkbox]").evaluate_all(
        "bs => bs.filter(b => b.offsetParent)"
        ".map(b => [b.getBoundingClientRect().width, b.getBoundingClientRect().height])"
    )
    assert sizes and min(min(w, h) for w, h in sizes) >= 24
    x, y = s.page.evaluate(_SEAT_XY, "621102")  # 安定区
    s.page.mouse.click(x, y)
    s.page.wait_for_selector("#atlas-panel:not([hidden])")
    s.page.wait_for_timeout(400)
    seen = s.page.evaluate(
        "() => { const p = document.getElementById('atlas-panel').getBoundingClientRect();"
        " return Math.min(p.bottom, innerHeight) - Math.max(p.top, 0); }"
    )
    assert seen >= 0.5 * 844
    s.page.click("#atlas-sheet-toggle")
    s.page.wait_for_timeout(300)
    assert s.page.locator("#atlas-side").bounding_box()["height"] >= 0.85 * 844
    s.page.context.close()
