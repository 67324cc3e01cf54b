"""Tests of geo.atlas: the page model, safe and deterministic HTML, and the pages in Chromium."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import shapely
from browser import needs_chromium, open_browser, open_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import _atlas_model as am
from geo._atlas_html import join_model, script_json, stabilize_ids, unpack_texts
from geo.atlas import ATLAS_PAGE, build_page_model, page_inputs, render_page, write_atlas
from geo.basemaps import TIANDITU_ENV, basemap_notes, basemap_records
from geo.errors import OutputError
from geo.links import build_links, concept_names
from geo.styles import element_colours

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "</script><script>window.__pwned=3</script>",
    "\"'`\\ {{ 7*7 }} {% if 1 %}x{% endif %} &amp; &lt;",
    "\u2028\u2029</SCRIPT ><!-- -->",
    "兰州新区" * 400,
]
HOSTILE_TEXT = " ".join(HOSTILE[:5])


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lz_model(inputs):
    return build_page_model(**page_inputs(inputs), layout="lz_yihe_liangji_sidai", env={})


@pytest.fixture(scope="module")
def built(pages):
    """The pages without a tile basemap (conftest: built once per session)."""
    return pages


def _decode_line(arr: list[int]) -> np.ndarray:
    pts = np.cumsum(np.asarray(arr, dtype=np.int64).reshape(-1, 2), axis=0)
    return pts / am.SCALE


class _Scripts(HTMLParser):
    """Collects <script> elements (attributes and text) and the <title> text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "title"):
            self._in = tag
            if tag == "script":
                self.scripts.append((dict(attrs), ""))

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        elif self._in == "title":
            self.title += data


def _parse(html: str) -> _Scripts:
    p = _Scripts()
    p.feed(html)
    return p


def _data(html: str) -> dict:
    """The page model: the map's part (#atlas-data) and the texts that follow, gzip+base64
    (#atlas-texts-gz)."""
    scripts = _parse(html).scripts
    first = [t for a, t in scripts if a.get("id") == "atlas-data"]
    texts = [t for a, t in scripts if a.get("id") == "atlas-texts-gz"]
    assert len(first) == 1 and len(texts) == 1
    return join_model(json.loads(first[0]), unpack_texts(texts[0]))


# --- geometry and JSON ---------------------------------------------------------------------------


def test_encode_geometry_round_trips_within_the_quantum():
    poly = shapely.Polygon(
        [(103.12345, 36.5), (104.98765, 36.51), (104.5, 37.77777), (103.12345, 36.5)],
        holes=[[(103.9, 36.8), (104.1, 36.8), (104.0, 36.9), (103.9, 36.8)]],
    )
    enc = am.encode_geometry(shapely.MultiPolygon([poly]))
    assert enc["t"] == "MultiPolygon"
    ext = _decode_line(enc["c"][0][0])
    hole = _decode_line(enc["c"][0][1])
    np.testing.assert_allclose(ext, np.asarray(poly.exterior.coords), atol=0.51 / am.SCALE)
    np.testing.assert_allclose(hole, np.asarray(poly.interiors[0].coords), atol=0.51 / am.SCALE)
    assert am.encode_geometry(shapely.Point(103.5, 36.25)) == {"t": "Point", "c": [1035000, 362500]}
    assert am.encode_geometry(shapely.Polygon()) is None


@given(st.recursive(st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c), max_leaves=8))
def test_script_json_never_closes_the_script_and_reads_back(value):
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == value


def test_stabilize_ids_replaces_uuids_by_a_counter():
    import folium

    m = folium.Map(tiles=None)
    folium.Marker([36, 104]).add_to(m)
    stabilize_ids(m.get_root())
    html = m.get_root().render()
    assert "map_0001" in html
    assert not re.search(r"[0-9a-f]{32}", html)


# --- the page model ------------------------------------------------------------------------------


def test_layout_model_holds_its_elements_and_every_provision(inputs, lz_model):
    layout = inputs.catalog.layout("lz_yihe_liangji_sidai")
    assert lz_model["order"] == list(dict.fromkeys(layout.elements))
    assert set(lz_model["elements"]) == set(layout.elements)
    assert len(lz_model["provisions"]) == len(inputs.corpus.provisions)
    # legend: the kinds drawn on the page, with the ontology's colours, in the ontology's order,
    # each with its looks; every look and every element's style key is in the page's styles
    drawn = [i for i in layout.elements if not inputs.catalog.get(i).parts]
    kinds = {lz_model["elements"][i]["kind"] for i in drawn}
    assert [k["kind"] for k in lz_model["legend"]] == [
        k.id for k in sorted(inputs.catalog.kinds.values(), key=lambda k: k.order) if k.id in kinds
    ]
    for k in lz_model["legend"]:
        assert k["colour"] == inputs.catalog.kinds[k["kind"]].colour
        assert all(look["style"] in lz_model["styles"] for look in k["looks"])
    colours = element_colours(inputs.catalog)
    assert set(lz_model["looks"]) == set(lz_model["order"])
    for i, look in lz_model["looks"].items():
        assert look["colour"] == colours[i]
        assert all(key in lz_model["styles"] for key in [*look["members"], *look["parts"].values()])
    # areas are drawn from the units: only lines, points and sites carry geometry
    geoms = {e["id"]: e["geometry"] for e in lz_model["elements"].values()}
    for f in lz_model["features"]:
        assert geoms[f["id"]] != "area" or f["part"] == "site"
    assert any(geoms[f["id"]] == "line" for f in lz_model["features"])
    # the tree groups the layout's top elements by plan; parts are reached through parents
    tops = [i for g in lz_model["tree"] for i in g["elements"]]
    assert all(not lz_model["elements"][i]["parents"] for i in tops)


def test_xinqu_is_partial_with_its_quote_and_mentions(inputs, lz_model):
    rec = lz_model["elements"]["lz_yihe_xinqu"]
    element = inputs.catalog.get("lz_yihe_xinqu")
    assert [q["text"] for q in rec["quotes"]] == [q.text for q in element.quotes]
    assert all(m["partial"] for m in rec["members"])
    # every provision quoted is among the refs, and refs are real provisions in corpus order
    assert {q.provision for q in element.quotes} <= set(rec["refs"])
    ids = [p.id for p in inputs.corpus.provisions]
    assert sorted(rec["refs"], key=ids.index) == rec["refs"]


def test_mentions_point_at_the_names_in_the_text(lz_model):
    names = {
        u["adcode"]: u["name"] for lv in ("prefecture", "county") for u in lz_model["units"][lv]
    }
    checked = 0
    for pid, spans in lz_model["mentions"].items():
        text = lz_model["provisions"][pid]["text"]
        for start, end, kind, target in spans:
            assert 0 <= start < end <= len(text)
            if kind == "unit" and "," not in target and text[start:end] == names.get(target):
                checked += 1
        # no overlapping highlights
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert checked > 100
    assert "620702" in lz_model["unit_refs"]  # 甘州区 is mentioned somewhere


def test_units_are_the_ones_passed_in(inputs):
    simplified = inputs.simplified_units
    sub = simplified[simplified.adcode.str.startswith("6201")]
    model = build_page_model(
        catalog=inputs.catalog,
        corpus=inputs.corpus,
        units=sub,
        links=inputs.links,
        geometry=inputs.geometry,
        layout="lz_yihe_liangji_sidai",
        env={},
    )
    got = {u["adcode"] for lv in ("province", "prefecture", "county") for u in model["units"][lv]}
    assert got == set(sub.adcode)
    gcj = build_page_model(
        catalog=inputs.catalog,
        corpus=inputs.corpus,
        units=sub,
        links=inputs.links,
        geometry=inputs.geometry,
        layout="lz_yihe_liangji_sidai",
        basemap="amap",
        env={},
    )
    assert gcj["units"]["context"] == [] and len(gcj["units"]["county"]) == len(
        model["units"]["county"]
    )


def test_gcj02_variant_shifts_every_coordinate(inputs, lz_model):
    from geo.datum import wgs84_to_gcj02

    gcj = build_page_model(
        **page_inputs(inputs),
        layout="lz_yihe_liangji_sidai",
        basemap="amap",
        env={},
    )
    assert gcj["datum"] == "gcj02" and [b["id"] for b in gcj["basemaps"]] == ["none", "amap"]
    w = next(u for u in lz_model["units"]["county"] if u["adcode"] == "620102")
    g = next(u for u in gcj["units"]["county"] if u["adcode"] == "620102")
    lon, lat = wgs84_to_gcj02(w["seat"][0] / am.SCALE, w["seat"][1] / am.SCALE)
    assert abs(g["seat"][0] - lon * am.SCALE) <= 1 and abs(g["seat"][1] - lat * am.SCALE) <= 1
    assert g["seat"] != w["seat"]  # hundreds of metres apart
    wl = [f for f in lz_model["features"] if f["id"] == "lz_sidai_lanbai"]
    gl = [f for f in gcj["features"] if f["id"] == "lz_sidai_lanbai"]
    assert wl and gl and wl[0]["g"] != gl[0]["g"]


# --- basemaps ------------------------------------------------------------------------------------


def test_tianditu_only_with_its_key_and_the_key_only_then():
    assert "tianditu" not in [b["id"] for b in basemap_records(env={})]
    # issue 16: the page names no environment variable or flag (that is the README's business)
    assert not any("$" in n or "flag" in n for n in basemap_notes(env={}))
    recs = basemap_records(env={TIANDITU_ENV: "k3y-from-env"})
    tdt = next(b for b in recs if b["id"] == "tianditu")
    assert all(layer["url"].endswith("tk=k3y-from-env") for layer in tdt["layers"])
    amap = basemap_records(datum="gcj02", env={})[1]["layers"][0]
    assert amap["attribution"] == "© Gaode.com"  # plain text: the page escapes it
    with pytest.raises(OutputError, match="unknown datum"):
        basemap_records(datum="bd09", env={})


def test_unavailable_basemaps_are_refused(inputs, tmp_path):
    with pytest.raises(OutputError, match="TIANDITU_KEY"):
        build_page_model(**page_inputs(inputs), basemap="tianditu", env={})
    with pytest.raises(OutputError, match="unknown basemap"):
        write_atlas(tmp_path / "x", basemap="google")
    with pytest.raises(OutputError, match="amap=True"):
        write_atlas(tmp_path / "x", basemap="amap")


def test_unwritable_output_is_one_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot create the output folder"):
        write_atlas(blocker / "atlas", basemap="none")


# --- HTML: safe and deterministic ---------------------------------------------------------


def _tiny_model(text: str) -> dict:
    return {
        "page": {
            "id": "t",
            "kind": "layout",
            "title": text,
            "title_en": text,
            "caption": text,
            "caption_label": text,
            "figure": text,
            "notes": [text],
            "home": "index.html",
            "atlas": ATLAS_PAGE,
            "variant": None,
            "sources": text,
        },
        "datum": "wgs84",
        "provisions": {"x-0-p1": {"text": text, "h": [0]}},
        "headings": [text],
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HOSTILE) | st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_stays_data_in_the_html(text):
    html = render_page(_tiny_model(text))
    parsed = _parse(html)
    # always the same scripts: Leaflet, folium's flags, the map's JSON data, the map and our
    # script ending with the start (no script of its own: issue 17), then the texts' JSON
    kinds = [(a.get("type"), a.get("id"), a.get("src")) for a, _ in parsed.scripts]
    assert kinds == [
        (None, None, "static/leaflet/leaflet.js"),
        (None, None, None),
        ("application/json", "atlas-data", None),
        (None, None, None),
        ("application/octet-stream", "atlas-texts-gz", None),
    ]
    assert parsed.scripts[3][1].rstrip().endswith('window.atlasStart("map_0001");')
    assert _data(html) == _tiny_model(text)
    norm = " ".join(text.replace("\r", "\n").split())
    assert " ".join(parsed.title.split()) == norm


def test_render_is_deterministic_and_has_no_random_ids(lz_model):
    a = render_page(lz_model)
    b = render_page(lz_model)
    assert a == b
    assert "map_0001" in a and not re.search(r"[0-9a-f]{32}", a)
    assert _data(a) == json.loads(json.dumps(lz_model))


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_writes_every_layout_and_variant(inputs, built):
    out, files = built
    names = {p.relative_to(out).as_posix() for p in files}
    for lay in inputs.catalog.layouts:
        assert f"{lay.id}.html" in names and f"gcj02/{lay.id}.html" in names
    assert {"index.html", ATLAS_PAGE, f"gcj02/{ATLAS_PAGE}", "static/leaflet/leaflet.js"} <= names
    index = (out / "index.html").read_text(encoding="utf-8")
    for lay in inputs.catalog.layouts:
        assert f'href="{lay.id}.html"' in index
    # no key, no tile URL of 天地图 anywhere; Leaflet is local, not from a CDN
    for p in files:
        if p.suffix == ".html":
            text = p.read_text(encoding="utf-8")
            assert "tianditu" not in text and "tk=" not in text
            assert "cdn.jsdelivr" not in text and "unpkg" not in text


# --- hostile data through the whole page ------------------------------------------------


@pytest.fixture(scope="module")
def hostile_page(inputs, pages, tmp_path_factory):
    cat = inputs.catalog
    xinqu = cat.get("lz_yihe_xinqu")
    q = xinqu.quotes[0]
    bad = dataclasses.replace(
        xinqu,
        name=HOSTILE[0],
        name_en=HOSTILE[1],
        aliases=(HOSTILE[3],),
        notes=(HOSTILE[4], HOSTILE[5]),
        quotes=(dataclasses.replace(q, text=HOSTILE_TEXT),),
    )
    catalog = dataclasses.replace(
        cat, elements=tuple(bad if e.id == bad.id else e for e in cat.elements)
    )
    provs = tuple(
        dataclasses.replace(p, text=HOSTILE_TEXT + p.text) if p.id == q.provision else p
        for p in inputs.corpus.provisions
    )
    corpus = SimpleNamespace(
        provisions=provs, documents=inputs.corpus.documents, plans=inputs.corpus.plans
    )
    units = inputs.simplified_units.copy()
    units.loc[units.adcode == "620702", "name"] = HOSTILE[2]
    model = build_page_model(
        catalog=catalog,
        corpus=corpus,
        units=units,
        links=build_links(corpus, inputs.gazetteer, concepts=concept_names(catalog)),
        geometry=inputs.geometry,
        layout="lz_yihe_liangji_sidai",
        env={},
    )
    out = tmp_path_factory.mktemp("hostile")
    shutil.copytree(pages[0] / "static", out / "static")  # Leaflet and a sibling index
    shutil.copyfile(pages[0] / "index.html", out / "index.html")
    page = out / "hostile.html"
    page.write_text(render_page(model), encoding="utf-8")
    return page


def test_hostile_text_never_reaches_the_html_raw(hostile_page):
    html = hostile_page.read_text(encoding="utf-8")
    for h in HOSTILE[:3]:
        assert h not in html
    assert html.lower().count("<script") == 5  # Leaflet, flags, 2 JSON, map+atlas+start
    assert "__pwned" in html  # it is there, but only as escaped JSON data


# --- in Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with open_browser() as b:
        yield b


def _panel(session) -> str:
    session.page.wait_for_selector("#atlas-panel:not([hidden])", timeout=10_000)
    return session.page.inner_text("#atlas-panel")


@needs_chromium
@pytest.mark.browser
def test_every_page_loads_without_errors_or_requests(built, browser):
    _out, files = built
    pages = [p for p in files if p.suffix == ".html"]
    assert len(pages) > 20
    for p in pages:
        wait = {"index.html": "", "compare.html": "body[data-compare-ready]"}.get(
            p.name, "body[data-atlas-ready]"
        )
        s = open_page(browser, p, wait=wait)
        # the GCJ-02 pages open on the 高德 basemap, whose tiles cannot load here
        tiles = ("autonavi.com",) if p.parent.name == "gcj02" else ()
        assert s.problems(allow_blocked_hosts=tiles) == [], p
        assert all(any(t in u for t in tiles) for u in s.blocked), p
        s.page.context.close()


def location_hash(session) -> str:
    return session.page.evaluate("location.hash")


#: Page position (x, y) of a county's seat, or of a [lat, lng] (centred first), on the map.
_MAP_JS = """const map = Object.values(window).find(v => v instanceof L.Map);
  const r = map.getContainer().getBoundingClientRect();"""
_SEAT_XY = (
    "adcode => {"
    + _MAP_JS
    + """
  const m = JSON.parse(document.getElementById("atlas-data").textContent);
  const u = m.units.county.find(u => u.adcode === adcode);
  const p = map.latLngToContainerPoint([u.seat[1] / m.scale, u.seat[0] / m.scale]);
  return [r.left + p.x, r.top + p.y]; }"""
)
_LATLNG_XY = (
    "ll => {"
    + _MAP_JS
    + """
  map.setView(ll, map.getZoom(), { animate: false });
  const p = map.latLngToContainerPoint(ll);
  return [r.left + p.x, r.top + p.y]; }"""
)


@needs_chromium
@pytest.mark.browser
def test_clicking_xinqu_shows_its_quote(inputs, built, browser):
    out, _ = built
    s = open_page(browser, out / "lz_yihe_liangji_sidai.html")
    s.page.locator('path[data-id="lz_yihe_xinqu"][data-part="site"]').click()
    text = _panel(s)
    assert "兰州新区" in text
    assert inputs.catalog.get("lz_yihe_xinqu").quotes[0].text in text
    assert "部分 partial" in text
    assert "#concept=lz_yihe_xinqu" in s.page.input_value(".atlas-deeplink input")
    assert s.problems() == []
    s.page.context.close()


@needs_chromium
@pytest.mark.browser
def test_clicking_a_unit_opens_its_panel(built, browser):
    """Counties are hit-tested on the map (their borders are shared lines, not polygons): a real
    click on 甘州区's seat, with the zones over it switched off, opens the county."""
    out, _ = built
    s = open_page(browser, out / "hx_yizhou_siquan_duodian.html")
    for box in s.page.locator(".atlas-plan legend input[type=checkbox]").all():
        box.uncheck()
    assert s.page.locator(".leaflet-atlas-areas-pane path").count() == 0
    x, y = s.page.evaluate(_SEAT_XY, "620702")
    s.page.mouse.click(x, y)
    text = _panel(s)
    assert s.page.inner_text("#atlas-panel h2") == "甘州区"
    assert "620702" in text and "提及条文" in text
    # its concepts are the page model's unit_concepts (geo.catalog.tag_units' rule), in order
    model = _data((out / "hx_yizhou_siquan_duodian.html").read_text(encoding="utf-8"))
    concepts = model["unit_concepts"]["620702"]
    got = s.page.locator("#atlas-panel .atlas-concepts li a").all_inner_texts()
    assert got == [model["elements"][c["id"]]["name"] for c in concepts] and got
    assert ("经由" in text) == any(c["via"] for c in concepts)
    # a click outside Gansu's counties (on the neighbours) opens the neighbour, not a county
    x, y = s.page.evaluate(_LATLNG_XY, [36.0, 97.0])  # 青海, the 柴达木 basin
    s.page.mouse.click(x, y)
    s.page.wait_for_function(
        "document.querySelector('#atlas-panel h2').textContent === '青海省'", timeout=10_000
    )
    assert location_hash(s) == "#unit=630000"
    assert s.problems() == []
    s.page.context.close()


@needs_chromium
@pytest.mark.browser
def test_hiding_a_level_hands_its_borders_to_the_next_level_down(built, browser):
    """Each border is drawn once, in the style of the highest level shown: hiding the
    prefectures leaves their borders to the county lines, not a gap."""
    out, _ = built
    s = open_page(browser, out / ATLAS_PAGE)
    count = """l => { const p = document.querySelector(`path[data-borders="${l}"]`);
                      return p ? (p.getAttribute("d").match(/M/g) || []).length : 0; }"""
    before = {lv: s.page.evaluate(count, lv) for lv in ("county", "prefecture", "province")}
    assert all(before.values()), before
    s.page.locator('input[data-layer="prefecture"]').uncheck()
    after = {lv: s.page.evaluate(count, lv) for lv in ("county", "prefecture", "province")}
    assert after["prefecture"] == 0 and after["province"] == before["province"]
    assert after["county"] > before["county"]
    s.page.locator('input[data-layer="prefecture"]').check()
    assert {lv: s.page.evaluate(count, lv) for lv in before} == before
    assert s.problems() == []
    s.page.context.close()


_MASK_AT = (
    "([ll, zoom]) => {"
    + _MAP_JS
    + """
  map.setView(ll, zoom, { animate: false });
  const mask = document.querySelector("path[data-mask]"), at = map.latLngToLayerPoint(ll);
  const hit = mask.isPointInFill(new DOMPoint(at.x, at.y));  // the path is in layer pixels
  const d = mask.getAttribute("d");
  const rect = d.slice(0, d.indexOf("z")).match(/-?[0-9.]+/g).map(Number);
  const steps = p => (document.querySelector(`path[data-borders="${p}"]`).getAttribute("d")
    .match(/[lL]/g) || []).length;
  return { hit, rect: Math.max(...rect.map(Math.abs)), county: steps("county") }; }"""
)


@needs_chromium
@pytest.mark.browser
def test_grey_mask_and_borders_follow_the_view(built, browser):
    """The borders and the grey mask are drawn from the shared arcs by js/arcs.js: zoomed in,
    the borders take the finer arcs; the mask covers the neighbours and not Gansu at every
    zoom, and its world rectangle is cut around the view (the whole world at zoom 15 would be
    8 million pixels wide)."""
    out, _ = built
    s = open_page(browser, out / ATLAS_PAGE)
    start = s.page.evaluate(_MASK_AT, [[36.0, 97.0], 6])  # 青海, the 柴达木 basin
    assert start["hit"]
    lanzhou = s.page.evaluate(_MASK_AT, [[36.06, 103.83], 6])
    assert not lanzhou["hit"]
    for ll in ([36.06, 103.83], [35.99, 103.0]):  # 兰州, 临夏 (Gansu)
        assert not s.page.evaluate(_MASK_AT, [ll, 15])["hit"], ll
    near = s.page.evaluate(_MASK_AT, [[36.5, 102.4], 15])  # 青海 乐都, beside Gansu
    assert near["hit"] and near["rect"] < 2**21 + 2000, near
    far = s.page.evaluate(_MASK_AT, [[36.0, 97.0], 15])
    assert far["hit"] and far["rect"] < 2**21 + 2000, far
    assert near["county"] > start["county"]  # finer arcs at zoom 15 than at zoom 6
    assert s.problems() == []
    s.page.context.close()


@needs_chromium
@pytest.mark.browser
def test_search_finds_ganzhou_and_opens_it(built, browser):
    out, _ = built
    s = open_page(browser, out / ATLAS_PAGE)
    s.page.fill("#atlas-q", "甘州区")
    s.page.wait_for_selector("#atlas-results:not([hidden]) a.atlas-result")
    results = s.page.inner_text("#atlas-results")
    assert "地名 Places" in results and "条文 Provisions" in results
    s.page.locator('#atlas-results a[href="#unit=620702"]').click()
    assert s.page.inner_text("#atlas-panel h2") == "甘州区"
    s.page.fill("#atlas-q", "一核")
    s.page.wait_for_selector('#atlas-results a[href="#concept=lz_yihe"]')
    # the combined atlas shows one layout at a time on request
    s.page.select_option("#atlas-layout-select", label="陇东南发展分区")
    s.page.wait_for_selector('path[data-id="ldn_fenqu_tianshui"]', state="attached")
    assert s.page.locator('path[data-id="lz_yihe_xinqu"]').count() == 0
    s.page.fill("#atlas-q", "临夏州")  # a short name from the gazetteer
    s.page.wait_for_selector('#atlas-results a[href="#unit=622900"]')
    s.page.fill("#atlas-q", "<img src=x onerror=alert(1)>")
    assert "无结果" in s.page.inner_text("#atlas-results")
    assert s.problems() == []
    s.page.context.close()


@needs_chromium
@pytest.mark.browser
@pytest.mark.parametrize(
    ("hash", "expect"),
    [
        ("#concept=lz_yihe_xinqu", "兰州新区"),
        ("#unit=620702", "甘州区"),
        ("#provision=lz-3.1-p1", "兰州经济圈发展规划"),  # named by its plan, not its id
        ("#concept=hx_siquan", "四圈"),
    ],
)
def test_deep_links_open_their_panel(built, browser, hash, expect):
    out, _ = built
    s = open_page(browser, out / ATLAS_PAGE, hash=hash)
    text = _panel(s)
    assert expect in text
    assert hash in s.page.input_value(".atlas-deeplink input")
    assert s.problems() == []
    s.page.context.close()


@needs_chromium
@pytest.mark.browser
def test_a_place_in_a_provision_flies_the_map_there(inputs, built, browser):
    out, _ = built
    s = open_page(browser, out / ATLAS_PAGE, hash="#provision=lz-3.1-p1")
    text = _panel(s)
    line = inputs.corpus.get("lz-3.1-p1").lines[0][0]
    # cited by the document's title and number, and the line beside it; never the file path
    assert f"第{line}" in text and "甘政办发〔2021〕93号" in text
    assert "layers/plans" not in text and ".txt" not in text
    assert " › ".join(inputs.corpus.get("lz-3.1-p1").heading) in text
    place = s.page.locator("#atlas-panel button.atlas-place-unit").first
    assert place.count() == 1
    view = (
        "() => { const m = window[document.querySelector('.folium-map').id];"
        " const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
    )
    before = s.page.evaluate(view)
    place.click()
    s.page.wait_for_timeout(1200)  # the fly animation
    after = s.page.evaluate(view)
    assert before != after
    assert s.page.locator(".leaflet-atlas-focus-pane path").count() >= 1
    assert s.problems() == []
    s.page.context.close()


@needs_chromium
@pytest.mark.browser
def test_hostile_text_shows_as_text_and_runs_nothing(hostile_page, browser):
    s = open_page(browser, hostile_page, hash="#concept=lz_yihe_xinqu")
    text = _panel(s)
    assert HOSTILE[0] in text  # the name, shown as text
    assert "{{ 7*7 }}" in text
    s.page.fill("#atlas-q", "__pwned")
    s.page.wait_for_selector("#atlas-results:not([hidden])")
    s.page.goto(hostile_page.resolve().as_uri() + "#concept=" + HOSTILE[1])
    s.page.wait_for_selector("#atlas-panel .atlas-missing")
    assert s.page.inner_text("#atlas-panel .atlas-missing") == HOSTILE[1]
    s.page.goto(hostile_page.resolve().as_uri() + "#unit=620702")
    assert HOSTILE[2] in _panel(s)
    assert s.page.evaluate("() => window.__pwned") is None
    assert s.page.locator("#atlas-panel img, #atlas-results img").count() == 0
    assert s.problems() == [] and s.blocked == []
    s.page.context.close()


@needs_chromium
@pytest.mark.browser
def test_tile_basemap_fails_quietly_without_network(default_build, browser):
    s = open_page(browser, default_build[0] / "sipingyilang.html")
    s.page.wait_for_timeout(500)
    assert s.blocked and all("tile.openstreetmap.org" in u for u in s.blocked)
    assert s.problems(allow_blocked_hosts=("tile.openstreetmap.org",)) == []
    s.page.context.close()


@needs_chromium
@pytest.mark.browser
def test_phone_width_page_works(built, browser):
    out, _ = built
    s = open_page(browser, out / "ldn_fenqu.html", viewport=(390, 800), hash="#unit=621202")
    assert "武都区" in _panel(s)
    assert s.problems() == []
    s.page.context.close()


@needs_chromium
@pytest.mark.browser
def test_screenshot_of_every_layout(inputs, built, browser, tmp_path_factory):
    out, _ = built
    shots = tmp_path_factory.mktemp("screenshots")
    for lay in inputs.catalog.layouts:
        s = open_page(browser, out / f"{lay.id}.html")
        s.page.wait_for_timeout(300)
        path = shots / f"{lay.id}.png"
        s.page.screenshot(path=str(path))
        drawn = s.page.locator(
            ".leaflet-atlas-areas-pane path, .leaflet-atlas-partial-pane path, "
            ".leaflet-atlas-lines-pane path, .leaflet-atlas-points-pane path"
        ).count()
        assert drawn > 0, lay.id
        assert path.stat().st_size > 20_000
        s.page.context.close()
    print(f"screenshots in {shots}")


def _with_text(model: dict, text: str) -> dict:
    """A copy of a real page model with ``text`` in a concept's name and quote, a unit's name
    and a provision's text (the fields a reader sees)."""
    m = json.loads(json.dumps(model))
    xinqu = m["elements"]["lz_yihe_xinqu"]
    xinqu["name"] = text
    xinqu["quotes"][0]["text"] = text
    pid = xinqu["quotes"][0]["provision"]
    m["provisions"][pid]["text"] = text
    m["mentions"].pop(pid, None)
    for u in m["units"]["county"]:
        if u["adcode"] == "620102":
            u["name"] = text
    m["page"]["title"] = text
    return m


@needs_chromium
@pytest.mark.browser
@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.sampled_from(HOSTILE[:5]) | st.text(st.characters(codec="utf-8"), min_size=1))
def test_any_text_shows_as_text_in_chromium(lz_model, built, browser, text):
    out, _ = built
    folder = Path(tempfile.mkdtemp(prefix="atlas-hypothesis-"))
    page = folder / "page.html"
    html = render_page(
        _with_text(lz_model, text),
        leaflet_js=(out / "static/leaflet/leaflet.js").as_uri(),
        leaflet_css=(out / "static/leaflet/leaflet.css").as_uri(),
    )
    page.write_text(html, encoding="utf-8")
    s = open_page(browser, page, hash="#concept=lz_yihe_xinqu")
    s.page.wait_for_selector("#atlas-panel:not([hidden])")
    shown = s.page.evaluate("() => document.querySelector('#atlas-panel h2').textContent")
    assert shown == text
    quote = s.page.evaluate(
        "() => document.querySelector('#atlas-panel blockquote').firstChild.textContent"
    )
    assert quote == text
    s.page.goto(page.resolve().as_uri() + "#unit=620102")
    s.page.wait_for_selector("#atlas-panel:not([hidden])")
    assert s.page.evaluate("() => document.querySelector('#atlas-panel h2').textContent") == text
    assert s.page.evaluate("() => window.__pwned") is None
    assert s.problems() == [] and s.blocked == []
    s.page.context.close()
    shutil.rmtree(folder)


@pytest.mark.parametrize(
    "module", ["geo.basemaps", "geo._atlas_model", "geo._atlas_html", "geo.styles"]
)
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


def test_pages_do_not_carry_full_resolution_geometry(inputs, lz_model):
    """Gansu's units reach the page as shared arcs (each border once), far lighter than the
    full-resolution polygons of the three levels."""
    from geo.boundaries import read_units

    def vertices(g) -> int:
        c = g["c"]
        if g["t"] == "Polygon":
            return sum(len(r) // 2 for r in c)
        return sum(len(r) // 2 for p in c for r in p)

    gansu = [u for lv in ("province", "prefecture", "county") for u in lz_model["units"][lv]]
    assert len(gansu) == 102 and all("a" in u and "g" not in u for u in gansu)
    on_page = sum(len(a) // 2 for a in lz_model["arcs"]) + sum(
        vertices(u["g"]) for u in gansu if "g" in u
    )
    full = int(shapely.get_num_coordinates(read_units().geometry.values).sum())
    assert on_page < 0.15 * full
    assert len(lz_model["arc_rank"]) == len(lz_model["arcs"])
    assert set(lz_model["arc_rank"]) == {0, 1, 2, 3}  # 3: between the neighbours only


@needs_chromium
@pytest.mark.browser
def test_styles_tell_stated_inferred_and_partial_apart(built, browser):
    out, _ = built
    s = open_page(browser, out / "lz_yihe_liangji_sidai.html")

    def attrs(selector: str) -> list[dict]:
        return s.page.evaluate(
            "(sel) => Array.from(document.querySelectorAll(sel)).map(p => ({"
            "fill: p.getAttribute('fill'), opacity: p.getAttribute('fill-opacity'),"
            "dash: p.getAttribute('stroke-dasharray')}))",
            selector,
        )

    partial = attrs('path[data-id="lz_yihe_xinqu"][data-part="partial"]')
    # the legend shows the looks drawn, in kinds.toml's words
    legend = s.page.inner_text("#atlas-legend")
    assert "明确 stated" in legend and "部分 · 隐含" in legend and "原文明示" not in legend
    assert len(partial) == 2  # 永登县 and 皋兰县, hatched, never filled with colour
    assert all(p["fill"].startswith("url(#atlas-hatch-") and p["dash"] for p in partial)
    # 白银中心城区 is a city core inside 白银区: hatched too, never a whole fill
    core = attrs('path[data-id="lz_yihe_baiyin"][data-part="partial"]')
    assert core and all(p["fill"].startswith("url(#atlas-hatch-") for p in core)
    assert not attrs('path[data-id="lz_yihe_baiyin"][data-part="whole"]')
    stated = attrs('path[data-id="lz_yihe_zhongxin"][data-part="whole"]')
    assert stated and all(p["dash"] is None for p in stated)
    # belts are directed lines with an arrow head, and labelled 示意
    belt = s.page.locator('path[data-id="lz_sidai_lanbai"]').first
    assert belt.get_attribute("marker-end").startswith("url(#atlas-arrow-")
    assert "示意" in s.page.inner_text(".leaflet-atlas-labels-pane")
    s.page.context.close()
    # the 黄河 barrier: 玛曲 and 碌曲 are stated (专栏13 names them), the other 甘南 counties
    # inferred: dashed and lighter, the stated ones solid
    s = open_page(browser, out / "ldn_shengtai.html")
    barrier = 'path[data-id="ldn_liangping_huanghe"][data-part="whole"]'
    looks = {
        a: attrs(f'{barrier}[data-adcode="{a}"]')
        for a in ("623025", "623026", "623001", "623021", "623022", "623027")
    }
    assert all(looks.values())
    for a in ("623025", "623026"):  # 玛曲县, 碌曲县
        assert all(p["dash"] is None for p in looks[a]), a
    for a in ("623001", "623021", "623022", "623027"):  # 合作市, 临潭县, 卓尼县, 夏河县
        assert all(p["dash"] for p in looks[a]), a
        assert float(looks[a][0]["opacity"]) < float(stated[0]["opacity"])
    s.page.context.close()


def test_links_mentions_are_the_spans_of_the_links():
    from geo.links import Links, Mention, ProvisionLinks

    empty = ProvisionLinks("c", (), (), (), ())

    rec = ProvisionLinks(
        provision="a",
        units=("620121", "620122"),
        partial=("620121", "620122"),
        concepts=("lz_yihe_xinqu",),
        mentions=(
            Mention(0, 4, "兰州新区", "兰州新区", ("620121", "620122"), "place", True),
            Mention(0, 4, "兰州新区", "兰州新区", (), "concept", False, "lz_yihe_xinqu"),
        ),
    )
    other = ProvisionLinks("b", ("620702",), (), (), (Mention(1, 3, "甘州", "甘州", ("620702",)),))
    got = am.links_mentions(Links(by_provision={"a": rec, "b": other, "c": empty}))
    assert got["b"] == [(1, 3, "unit", "620702")]
    assert "c" not in got  # no mentions, no entry
    assert set(got["a"]) == {(0, 4, "unit", "620121,620122"), (0, 4, "concept", "lz_yihe_xinqu")}
    # one highlight per span: the place wins over the concept of the same words
    assert am.drop_overlaps(got["a"]) == [(0, 4, "unit", "620121,620122")]


@needs_chromium
@pytest.mark.browser
def test_an_element_has_one_colour_on_every_page(inputs, built, browser):
    out, _ = built
    # 张掖城市经济圈 is drawn on two layout pages and on the combined atlas; the pages differ
    # (different elements before it), its colour does not
    eid = "hx_siquan_zhangye"
    pages = [out / f"{lay.id}.html" for lay in inputs.catalog.layouts if eid in lay.elements]
    assert len(pages) == 2
    seen = []
    for page in [*pages, out / ATLAS_PAGE]:
        s = open_page(browser, page)
        s.page.goto(s.page.url.split("#")[0] + f"#concept={eid}")
        sel = f'path[data-id="{eid}"][data-part="whole"]'
        s.page.wait_for_selector(sel, state="attached")
        seen.append(
            s.page.evaluate(
                "(sel) => Array.from(document.querySelectorAll(sel))"
                ".map(p => [p.getAttribute('fill'), p.getAttribute('stroke')])",
                sel,
            )
        )
        s.page.context.close()
    colour = element_colours(inputs.catalog)[eid]
    assert colour != inputs.catalog.kinds["circle"].colour.lower()  # a shade of its kind's
    for fills in seen:
        assert fills and all(f == [colour, colour] for f in fills), seen


def test_page_script_is_put_together_from_small_parts_in_a_fixed_order():
    import importlib.resources
    import re

    from geo import _atlas_html

    folder = importlib.resources.files("geo").joinpath("static", "js")
    on_disk = sorted(p.name for p in folder.iterdir() if p.name.endswith(".js"))
    # no part forgotten, none left over: the parts of the page script, the scripts inlined
    # before it (presenter, comparison, texts) and the comparison page's own script
    others = {p.removeprefix("js/") for p in _atlas_html.PAGE_SCRIPTS} | {"compare_page.js"}
    assert sorted([*_atlas_html.JS_PARTS, *others]) == on_disk
    for name in on_disk:
        text = folder.joinpath(name).read_text(encoding="utf-8")
        assert len(text.splitlines()) < 300, name
        assert text.startswith(f"/* js/{name}:"), f"{name} must open with its contract"
    # start.js installs the parts in the order they are put together
    start = folder.joinpath("start.js").read_text(encoding="utf-8")
    parts = re.search(r"atlas\.PARTS = \[([^\]]*)\]", start).group(1)
    assert [f"{p.strip().strip(chr(34))}.js" for p in parts.split(",")] == list(
        _atlas_html.JS_PARTS[1:-1]
    )
    script = _atlas_html.atlas_script()
    _atlas_html.atlas_script.cache_clear()
    _atlas_html.static_text.cache_clear()
    assert _atlas_html.atlas_script() == script  # deterministic
    positions = [script.index(f"// --- js/{name}\n") for name in _atlas_html.JS_PARTS]
    assert positions == sorted(positions)
    assert script.count("window.atlasStart = atlas.start;") == 1


def test_unit_concepts_are_the_exported_concepts_column(lz_model, inputs):
    """The map's panel and the exported ``concepts`` column come from the same rules: each
    unit lists every element of the page its tags name, with the strongest membership of its
    levels."""
    model = lz_model["unit_concepts"]
    on_page = set(lz_model["elements"])
    tagged = inputs.tagged_units
    want: dict[str, dict[str, tuple[bool, bool]]] = {}
    for adcode, concepts in zip(tagged["adcode"], tagged["concepts"], strict=True):
        for t in json.loads(concepts):
            if t["id"] not in on_page:
                continue
            rank = (not t["partial"], t["via"] is None)
            old = want.setdefault(adcode, {}).get(t["id"])
            want[adcode][t["id"]] = max(rank, old) if old else rank
    got = {
        a: {c["id"]: (not c["partial"], c["via"] is None) for c in entries}
        for a, entries in model.items()
    }
    assert got == want
    some = model["620102"][0]  # 城关区
    assert set(some) == {"id", "role", "role_zh", "basis", "basis_zh", "partial", "via"}
    assert some["basis_zh"] == inputs.catalog.bases[some["basis"]].zh


@needs_chromium
@pytest.mark.browser
def test_a_composite_draws_its_own_members_and_not_those_of_its_parts(inputs, built, browser):
    """三大经济区 (xb13_sanda): 大兰州经济区 lists its 市州 besides its part 兰州新区, 河西 and
    陇东南 theirs besides their parts. Each draws its own members once; a member it inherits
    from a part (``via``) is drawn by that part only; 三大经济区, all of whose members come
    from its parts, draws nothing itself."""
    out, _ = built
    layout = inputs.catalog.layout("xb13_sanda")
    s = open_page(browser, out / "xb13_sanda.html")
    drawn = s.page.evaluate(
        """() => { const o = {}; document.querySelectorAll('path[data-id][data-adcode]')
        .forEach(p => (o[p.dataset.id] = o[p.dataset.id] || []).push(p.dataset.adcode));
        return o; }"""
    )
    composites = [inputs.catalog.get(i) for i in layout.elements if inputs.catalog.get(i).parts]
    own_lists = [e for e in composites if any(m.via is None for m in e.members)]
    assert {e.id for e in own_lists} >= {"xb13_dalanzhou", "xb13_hexi", "xb13_longdongnan"}
    for e in composites:
        own = sorted(a for m in e.members if m.via is None for a in m.adcodes)
        assert sorted(drawn.get(e.id, [])) == own, e.id  # each own member once, no inherited one
    assert "xb13_sanda" not in drawn
    for e in own_lists:  # the inherited members are drawn by their parts
        for m in e.members:
            if m.via is not None:
                assert set(m.adcodes) <= set(drawn[m.via]), (e.id, m.name)
    assert s.problems() == []
    s.page.context.close()


@pytest.fixture(scope="module")
def draft_page(pages, tmp_path_factory):
    """The draft layout page of plan lz (``gansu-atlas draft lz`` in a copy of layers/)."""
    from geo.cli import main
    from geo.inputs import read_inputs

    tmp = tmp_path_factory.mktemp("draft")
    root = tmp / "layers"
    shutil.copytree(Path(__file__).resolve().parent.parent / "layers", root)
    assert main(["draft", "lz", "--root", str(root)]) == 0
    inputs = read_inputs(root)
    model = build_page_model(**page_inputs(inputs), layout="lz_draft", env={})
    shutil.copytree(pages[0] / "static", tmp / "static")
    page = tmp / "lz_draft.html"
    page.write_text(render_page(model), encoding="utf-8")
    return page, inputs.catalog


@needs_chromium
@pytest.mark.browser
def test_a_draft_page_names_the_texts_slogans_not_a_figure_title(draft_page, built, browser):
    page, catalog = draft_page
    layout = catalog.layout("lz_draft")
    slogans = [catalog.get(i).name for i in layout.listed if catalog.get(i).parts]
    assert "一核牵引、两极并进、四带联动" in slogans
    s = open_page(browser, page)
    head = s.page.inner_text(".atlas-head")
    caption = s.page.inner_text(".atlas-head .atlas-caption")
    assert caption == "提法 slogan (草案 draft): " + "；".join(slogans)
    assert "图题" not in head and layout.caption in head  # what a draft is: a note
    s.page.fill("#atlas-q", "四带联动")
    s.page.wait_for_selector("#atlas-results:not([hidden]) a.atlas-result")
    results = s.page.inner_text("#atlas-results")
    assert "提法 slogan (草案 draft) " + "；".join(slogans) in results and "图题" not in results
    assert s.problems(allow_blocked_hosts=("tile.openstreetmap.org",)) == []
    # a curated layout keeps its figure title
    lz = open_page(browser, built[0] / "lz_yihe_liangji_sidai.html")
    assert lz.page.inner_text(".atlas-head .atlas-caption").startswith("图题 Caption: ")
    s.page.context.close()
    lz.page.context.close()
