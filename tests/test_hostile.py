"""Hostile text never runs and always shows as text: property tests on the HTML, then Chromium.

1. Without a browser, hypothesis feeds generated hostile strings into every text field of a page
   model and renders it with :func:`geo.atlas.render_page`: the HTML keeps exactly the elements
   and attributes of a benign render (no markup comes from data), the JSON data block parses
   back to the same model, and the title reads back as the same text.
2. In headless Chromium, a data root carrying :data:`hostile.HOSTILE` in unit names, provision
   text, concept names, aliases, notes, quotes and a layout (tests/hostile.py) is built with
   ``gansu-atlas build``; the pages are opened, panels, search and deep links are driven with
   the hostile strings, and no dialog opens, no ``window.__pwned`` is set, no element carries an
   event-handler attribute, and every string reads back as text.
"""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from browser import needs_chromium, open_browser, open_page
from hostile import HOSTILE, HOSTILE_IDS, LONG_ZH, PWNED, hostile_root
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.cli import main

# --- the page model, without a browser ---------------------------------------------------------


class _Parsed(HTMLParser):
    """Start tags (name and sorted attribute names) and the text of ``h1#atlas-title``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.title: list[str] = []
        self.data_blocks: list[str] = []
        self._in_title = False
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(a for a, _ in attrs))))
        self._in_title = tag == "h1" and ("id", "atlas-title") in attrs
        self._in_data = tag == "script" and (
            ("type", "application/json") in attrs or ("id", "atlas-texts-gz") in attrs
        )
        if self._in_data:
            self.data_blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        if self._in_data:
            self.data_blocks[-1] += data


def parse(html: str) -> _Parsed:
    p = _Parsed()
    p.feed(html)
    p.close()
    return p


def page_model(parsed: _Parsed) -> dict:
    """The page model from its two data blocks: the map's JSON, then the plan texts (JSON,
    gzip, base64)."""
    from geo._atlas_html import join_model, unpack_texts

    first, texts = parsed.data_blocks  # exactly two
    return join_model(json.loads(first), unpack_texts(texts))


@pytest.fixture(scope="module")
def small_model(inputs) -> dict[str, Any]:
    """A real page model (first layout), cut down to a few units, elements and provisions."""
    from geo.atlas import build_page_model, page_inputs

    model = build_page_model(**page_inputs(inputs), layout=inputs.catalog.layouts[0])
    model = json.loads(json.dumps(model))  # plain JSON data, as the page reads it
    keep = model["order"][:3]
    model["order"] = keep
    model["visible"] = [i for i in model["visible"] if i in keep]
    model["elements"] = {i: model["elements"][i] for i in keep}
    model["features"] = [f for f in model["features"] if f["id"] in keep]
    model["tree"] = [
        {**g, "elements": [i for i in g["elements"] if i in keep]} for g in model["tree"]
    ]
    # two units per level; of the context, the two smallest (not two whole provinces)
    context = sorted(
        model["units"]["context"], key=lambda r: len(json.dumps(r.get("a") or r.get("g")))
    )
    model["units"] = {lv: recs[:2] for lv, recs in model["units"].items()}
    model["units"]["context"] = context[:2]
    pids = sorted({q["provision"] for e in model["elements"].values() for q in e["quotes"]})
    model["provisions"] = {p: model["provisions"][p] for p in pids}
    model["mentions"] = {p: s for p, s in model["mentions"].items() if p in pids}
    model["unit_refs"] = {}
    from geo.atlas import render_page

    html = render_page(inject(model, "甲乙"))
    return {"model": model, "tags": parse(html).tags, "scripts": _scripts(html)}


def _scripts(html: str) -> int:
    return len(re.findall(r"<script", html, re.I))


def inject(model: dict[str, Any], text: str) -> dict[str, Any]:
    """A copy of ``model`` with ``text`` in every field that holds words for a reader."""
    m = copy.deepcopy(model)
    page = m["page"]
    for key in ("title", "title_en", "caption", "figure"):
        page[key] = text
    page["notes"] = [text, text]
    for e in m["elements"].values():
        e["name"] = e["name_en"] = text
        e["aliases"] = [text]
        e["notes"] = [text]
        for q in e["quotes"]:
            q["text"] = text
        for mem in e["members"]:
            mem["name"] = text
            mem["units"] = [text for _ in mem["units"]]
    for recs in m["units"].values():
        for u in recs:
            u["name"] = text
    for p in m["provisions"].values():
        p["text"] = text
        p["heading"] = [text]
    for g in m["tree"]:
        g["title"] = text
    for plan in m["plans"].values():
        plan["title"] = text
    for doc in m["docs"].values():
        doc["title"] = text
    for k in m["legend"]:
        k["zh"] = k["en"] = text
        for look in k.get("looks", []):
            look["zh"] = look["en"] = text
    return m


#: Pieces of markup, template syntax, quoting and script that generated strings are built from.
TOKENS = [
    "<",
    ">",
    "/",
    "</",
    "<script>",
    "</script>",
    "<SCRIPT>",
    "</script ",
    "<img src=x onerror=",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "{{",
    "}}",
    "{%",
    "%}",
    "${",
    "`",
    "'",
    '"',
    "“",
    "”",
    "‘",
    "’",
    "「",
    "」",
    "\\",
    "\\u003c",
    "&",
    "&lt;",
    "&#60;",
    "=",
    ";",
    " ",
    "\n",
    "\t",
    "\u2028",
    "\u2029",
    "alert(1)",
    f"window.{PWNED}=1",
    "javascript:",
    "甘州区",
    "一核两极",
    "。",
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map("".join),
    st.text(min_size=1, max_size=30).filter(lambda s: "\r" not in s and "\x00" not in s),
).filter(lambda s: s.strip() != "")


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=hostile_text)
def test_render_page_keeps_data_as_data(small_model, text):
    from geo.atlas import render_page

    model = inject(small_model["model"], text)
    html = render_page(model)
    parsed = parse(html)
    # no element or attribute comes from data, and no "<script" is added anywhere
    assert parsed.tags == small_model["tags"]
    assert _scripts(html) == small_model["scripts"]
    # the data block reads back as the same model, the title as the same text
    assert page_model(parsed) == model
    assert "".join(parsed.title) == text


def test_index_page_keeps_data_as_data(tmp_path):
    """The index page (layout names, captions, notes) through its own template."""
    from geo._atlas_html import render_template

    def index(text: str) -> str:
        return render_template(
            "index.html",
            title=text,
            title_en=text,
            css="",
            atlas={"href": "atlas.html", "count": 1, "variant": None},
            base="",
            size={"w": 240, "h": 170},
            periods=[
                {
                    "label": text,
                    "plans": [
                        {
                            "title": text,
                            "doc": text,
                            "layouts": [
                                {
                                    "id": "x",
                                    "href": "x.html",
                                    "variant": None,
                                    "name": text,
                                    "name_en": text,
                                    "caption": text,
                                    "caption_label": text,
                                    "figure": text,
                                    "figures": ["figures/x.png"],
                                    "notes": [text],
                                    "compare": "compare.html#x,y",
                                    "thumb": "",
                                }
                            ],
                        }
                    ],
                }
            ],
            comparisons=[{"left": "x", "right": "y", "title": text}],
            downloads=[{"href": "data/provisions.csv", "label": text}],
            foot=text,
        )

    base = parse(index("甲乙")).tags
    for text in HOSTILE:
        html = index(text)
        assert parse(html).tags == base, text
        assert "<script" not in html.lower()


# --- in Chromium -------------------------------------------------------------------------------

#: Strings the browser types into the search box (the long paragraph is checked in the panel).
SEARCHED = [s for s in HOSTILE if s is not LONG_ZH]

_NO_HANDLERS = """() => [...document.querySelectorAll('*')]
  .filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on')))
  .map(e => e.outerHTML.slice(0, 120))"""


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """Build the atlas from the hostile data root once, through the command line."""
    base = tmp_path_factory.mktemp("hostile")
    h = hostile_root(base)
    out = base / "atlas"
    assert main(["build", "--root", str(h.root), "--out", str(out)]) == 0
    return h, out


@pytest.fixture(scope="module")
def browser():
    with open_browser() as b:
        yield b


def assert_clean(session) -> None:
    """Nothing ran: no dialog, no page error, no ``window.__pwned``, no handler attribute."""
    page = session.page
    assert page.evaluate(f"typeof window.{PWNED}") == "undefined"
    assert session.dialogs == []
    assert session.errors == []
    assert page.evaluate(_NO_HANDLERS) == []
    assert page.evaluate("document.querySelectorAll('img[src=x], svg[onload]').length") == 0


def panel_text(session) -> str:
    page = session.page
    page.wait_for_selector("#atlas-panel:not([hidden])", timeout=10_000)
    return page.eval_on_selector("#atlas-panel", "e => e.textContent")


def goto_hash(session, value: str) -> None:
    session.page.evaluate("h => { location.hash = h; }", value)


@pytest.mark.browser
@needs_chromium
def test_hostile_build_keeps_every_string(hostile_build):
    """The data survives the build: each string is in the page data, none is dropped."""
    h, out = hostile_build
    html = (out / f"{h.layout}.html").read_text(encoding="utf-8")
    model = page_model(parse(html))
    assert model["page"]["title"] == h.layout_name
    for eid, s in h.elements.items():
        assert model["elements"][eid]["name"] == s
    for pid, kept in h.provisions.items():
        assert kept in model["provisions"][pid]["text"]
    county = {u["adcode"]: u["name"] for u in model["units"]["county"]}
    for code, name in h.units.items():
        assert county[code] == name


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("variant", ["", "gcj02/"], ids=["wgs84", "gcj02"])
def test_layout_page_shows_names_as_text(hostile_build, browser, variant):
    h, out = hostile_build
    path = out / variant / f"{h.layout}.html"
    if not path.exists():
        pytest.skip(f"no {variant} variant in this build")
    s = open_page(browser, path)
    page = s.page
    assert page.eval_on_selector("#atlas-title", "e => e.textContent") == h.layout_name
    assert page.title() == h.layout_name
    tree = page.eval_on_selector_all(".atlas-tree-name", "es => es.map(e => e.textContent)")
    for name in h.elements.values():
        assert name in tree
    assert_clean(s)


@pytest.mark.browser
@needs_chromium
def test_concept_panels_show_text(hostile_build, browser):
    h, out = hostile_build
    s = open_page(browser, out / f"{h.layout}.html")
    for (eid, name), kept in zip(h.elements.items(), h.provisions.values(), strict=True):
        goto_hash(s, "#concept=" + eid)
        s.page.wait_for_function(
            "n => document.querySelector('#atlas-panel h2') && "
            "document.querySelector('#atlas-panel').textContent.includes(n)",
            arg=name[:40],
            timeout=10_000,
        )
        text = panel_text(s)
        assert name in text  # name and notes
        assert kept in text  # the quote, as the provision keeps it
    assert_clean(s)


@pytest.mark.browser
@needs_chromium
def test_unit_and_provision_panels_show_text(hostile_build, browser):
    h, out = hostile_build
    s = open_page(browser, out / "atlas.html")
    for code, name in h.units.items():
        goto_hash(s, "#unit=" + code)
        s.page.wait_for_function(
            "n => document.querySelector('#atlas-panel').textContent.includes(n)",
            arg=name,
            timeout=10_000,
        )
    # the map labels of the counties, shown once zoomed in on one
    s.page.wait_for_function(
        "names => { const t = [...document.querySelectorAll('.atlas-label-county')]"
        ".map(e => e.textContent); return names.every(n => t.includes(n)); }",
        arg=list(h.units.values()),
        timeout=10_000,
    )
    for pid, kept in h.provisions.items():
        goto_hash(s, "#provision=" + pid)
        s.page.wait_for_function(
            "n => document.querySelector('#atlas-panel').textContent.includes(n)",
            arg=kept[:60],
            timeout=10_000,
        )
        assert kept in panel_text(s)
    assert_clean(s)


@pytest.mark.browser
@needs_chromium
def test_places_in_provision_text_are_buttons_with_text(hostile_build, browser):
    """Hostile unit names inside a provision are highlighted as places: the button text is the
    name as written, and clicking one flies to the unit without running anything."""
    h, out = hostile_build
    s = open_page(browser, out / f"{h.layout}.html", hash="#provision=" + h.places)
    panel_text(s)
    sel = "#atlas-panel button.atlas-place-unit"
    s.page.wait_for_selector(sel, timeout=10_000)
    buttons = s.page.eval_on_selector_all(sel, "es => es.map(e => e.textContent)")
    named = [n for n in h.units.values() if n in h.places_text]
    assert len(named) >= 5  # most of the 7 names survive the corpus (bare tags are dropped)
    for name in named:
        assert name in buttons, name
    for i in range(len(buttons)):
        s.page.locator(sel).nth(i).click()
    assert_clean(s)


@pytest.mark.browser
@needs_chromium
def test_search_box_takes_hostile_queries(hostile_build, browser):
    h, out = hostile_build
    s = open_page(browser, out / f"{h.layout}.html")
    box = s.page.locator("#atlas-q")
    for text in SEARCHED:
        box.fill(text)
        s.page.wait_for_selector("#atlas-results:not([hidden])", timeout=10_000)
        results = s.page.eval_on_selector("#atlas-results", "e => e.textContent")
        assert text in results, text  # the element named by the query is found, as text
    box.fill(LONG_ZH[:200])
    assert_clean(s)


#: Hash values typed into the address bar: percent-encoded, raw, and broken encodings.
TYPED = SEARCHED
HASHES = [
    *(
        f"#{kind}={quote(v, safe='')}"
        for kind in ("concept", "unit", "provision")
        for v in SEARCHED
    ),
    f"#concept=<img src=x onerror=window.{PWNED}=1>",
    "#unit=<script>alert(1)</script>",
    f"#provision=\"'><svg onload=window.{PWNED}=1>",
    "#concept=%E0%A4%A",  # malformed percent-encoding
    "#concept=" + quote(LONG_ZH, safe=""),
]


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("start", [True, False], ids=["on-load", "hashchange"])
def test_hash_values_are_ids_not_markup(hostile_build, browser, start):
    h, out = hostile_build
    path = out / f"{h.layout}.html"
    if start:
        for value in HASHES[-5:-1]:  # raw markup and a broken encoding, before the page starts
            s = open_page(browser, path, hash=value)
            panel_text(s)
            assert_clean(s)
            s.page.context.close()
        return
    s = open_page(browser, path)
    for value in HASHES:
        goto_hash(s, value)
        text = panel_text(s)
        assert "Traceback" not in text
    assert_clean(s)


@pytest.mark.browser
@needs_chromium
def test_index_page_shows_layout_name_as_text(hostile_build, browser):
    h, out = hostile_build
    s = open_page(browser, out / "index.html", wait="body")
    links = s.page.eval_on_selector_all("a", "es => es.map(e => e.textContent)")
    assert h.layout_name in links
    assert_clean(s)


def test_hostile_root_is_consistent(tmp_path):
    """The helper itself: every string lands in one provision, element and (first ones) unit."""
    h = hostile_root(tmp_path)
    assert len(h.elements) == len(h.provisions) == len(HOSTILE) == len(HOSTILE_IDS)
    assert set(h.elements.values()) == set(HOSTILE)
    assert Path(h.root, "concepts", "zz_hostile.toml").is_file()


# --- offline pages and figures of the hostile build -------------------------------------------


def _have_offline() -> bool:
    import importlib.util

    from geo.cli import _parser

    sub = next(a for a in _parser()._actions if a.dest == "command")
    build = sub.choices["build"]
    options = {o for a in build._actions for o in a.option_strings}
    return "--offline" in options and importlib.util.find_spec("geo.offline") is not None


needs_offline = pytest.mark.skipif(
    not _have_offline(), reason="`gansu-atlas build --offline` is not there yet"
)


@pytest.fixture(scope="module")
def hostile_offline(tmp_path_factory):
    """The hostile data root built with ``--offline``."""
    base = tmp_path_factory.mktemp("hostile_offline")
    h = hostile_root(base)
    out = base / "atlas"
    assert main(["build", "--offline", "--root", str(h.root), "--out", str(out)]) == 0
    return h, out


@pytest.mark.browser
@needs_chromium
@needs_offline
@pytest.mark.parametrize("page", ["layout", "atlas.html", "index.html"])
def test_offline_page_makes_no_request(hostile_offline, browser, page):
    """With the network off, an offline page asks for nothing: no request beyond its own file
    (and data:/blob: URLs), and the hostile text still runs nothing."""
    h, out = hostile_offline
    path = out / (f"{h.layout}.html" if page == "layout" else page)
    wait = "body" if page == "index.html" else "body[data-atlas-ready]"
    s = open_page(browser, path, wait=wait, hash="")
    requests: list[str] = []
    s.page.on("request", lambda r: requests.append(r.url))
    s.page.reload()
    s.page.wait_for_selector(wait, state="attached", timeout=20_000)
    if page != "index.html":
        goto_hash(s, f"#concept={next(iter(h.elements))}")
        panel_text(s)
        s.page.locator("#atlas-q").fill(HOSTILE[0])
        s.page.wait_for_timeout(300)
    own = path.resolve().as_uri()
    others = [
        u for u in requests if u.split("#")[0] != own and not u.startswith(("data:", "blob:"))
    ]
    assert others == []
    assert s.blocked == []
    assert s.problems() == []
    assert_clean(s)


def test_figure_of_the_hostile_layout(tmp_path, capsys):
    """Mathtext ($…$, one malformed), markup and quotes in names: the figure still renders."""
    h = hostile_root(tmp_path)
    out = tmp_path / "hostile.png"
    code = main(["figure", h.layout, "--root", str(h.root), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.browser
@needs_chromium
def test_a_huge_hash_is_cut_before_it_reaches_the_panel(hostile_build, browser):
    """A 100 KB hash (a link pasted whole, or an attack) is not echoed into the panel."""
    h, out = hostile_build
    s = open_page(browser, out / f"{h.layout}.html")
    goto_hash(s, "#concept=" + "甘" * 100_000)
    text = panel_text(s)
    assert "甘" * 50 in text  # the unknown id is still named (its first 512 encoded characters)
    assert len(text) < 5_000
    assert_clean(s)
