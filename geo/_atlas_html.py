"""HTML of the atlas pages: the folium map, stable ids, safe JSON, our templates and assets.

Private helper of :mod:`geo.atlas`. Text reaches HTML only through the Jinja2 templates
(autoescaped) and through :func:`script_json` (JSON read by the page with ``JSON.parse``);
the page script builds its DOM with ``textContent``, never ``innerHTML`` with data.
"""

from __future__ import annotations

import base64
import functools
import gzip
import importlib.resources
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import folium
import jinja2
from branca.element import Element

#: Characters escaped inside ``<script type="application/json">`` so that no text can close
#: the script element or be read as markup (and U+2028/9, which old parsers choke on).
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}

#: Keys of the page model that only the side panel and the search read (the plan texts: most
#: of a page's bytes; a unit's concepts; the search directory and the units' other names).
#: They follow the map's script, gzip-compressed and base64-encoded in
#: ``<script type="application/octet-stream" id="atlas-texts-gz">``
#: (:func:`pack_texts`): the browser draws the map before it reaches them, tokenizes a
#: quarter of the bytes, and ``js/texts_gz.js`` inflates them (``DecompressionStream``, no
#: network) after the first paint.
TEXT_KEYS = (
    "headings", "mentions", "provisions", "unit_refs", "unit_concepts", "directory", "unit_aliases",
)  # fmt: skip

#: The key of the texts under which the page's other elements travel: the first block holds
#: only the elements shown at start (with the parts and parents they need), the rest follow
#: with the texts and ``js/elements.js`` adds them once they are inflated (issue 17: the
#: combined atlas carries all 300+ elements, 70 % of its map JSON).
LATER_ELEMENTS = "later_elements"

#: Our page scripts besides ``atlas.js`` (issue 17), inlined before it, in this order. They talk
#: to the page only through ``window.atlasPage`` (see ``js/present.js``).
PAGE_SCRIPTS = ("js/texts_gz.js", "js/compare.js", "js/present.js")


def script_json(value: Any) -> str:
    """Serialize ``value`` for a ``<script type="application/json">`` element.

    Deterministic (sorted keys, compact) and safe: ``<``, ``>``, ``&`` and U+2028/U+2029
    are written as ``\\u`` escapes, so the text can never close the script element.

    Examples
    --------
    >>> script_json({"b": "</script>", "a": "甘州区"})
    '{"a":"甘州区","b":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    for ch, esc in _JSON_ESCAPES.items():
        text = text.replace(ch, esc)
    return text


def pack_texts(value: Any) -> str:
    """The plan texts of a page as base64 of gzip of :func:`script_json` (deterministic: the
    gzip header carries no time or name).

    Examples
    --------
    >>> unpack_texts(pack_texts({"p": "</script>甘州区"}))
    {'p': '</script>甘州区'}
    """
    raw = script_json(value).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def unpack_texts(text: str) -> Any:
    """Inverse of :func:`pack_texts` (for tests and tools reading a page)."""
    return json.loads(gzip.decompress(base64.b64decode(text)).decode("utf-8"))


def split_model(model: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The page model as its two blocks: what the map needs for its first paint, and the
    texts (:data:`TEXT_KEYS` and the elements not shown at start, :data:`LATER_ELEMENTS`).

    Examples
    --------
    >>> m = {"visible": ["a"], "elements": {"a": {"parts": ["b"], "parents": []},
    ...      "b": {"parts": [], "parents": ["a"]}, "c": {"parts": [], "parents": []}},
    ...      "provisions": {}}
    >>> first, text = split_model(m)
    >>> sorted(first["elements"]), sorted(text["later_elements"]), sorted(text)
    (['a', 'b'], ['c'], ['later_elements', 'provisions'])
    >>> join_model(first, text) == m
    True
    """
    first = {k: v for k, v in model.items() if k not in TEXT_KEYS}
    text = {k: model[k] for k in TEXT_KEYS if k in model}
    elements = model.get("elements") or {}
    keep: set[str] = set()
    todo = [i for i in model.get("visible", ()) if i in elements]
    while todo:  # the shown elements, their parts and parents, and theirs
        i = todo.pop()
        if i not in keep:
            keep.add(i)
            todo.extend(
                j for j in (*elements[i]["parts"], *elements[i]["parents"]) if j in elements
            )
    later = {i: r for i, r in elements.items() if i not in keep}
    if later:
        first["elements"] = {i: r for i, r in elements.items() if i in keep}
        text[LATER_ELEMENTS] = later
    return first, text


def join_model(first: dict[str, Any], text: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`split_model`: the whole page model (for tests and tools reading a
    page; the page itself joins them in ``js/elements.js``)."""
    if set(first) & set(text):
        raise ValueError(f"page blocks share keys: {sorted(set(first) & set(text))}")
    model = {**first, **text}
    later = model.pop(LATER_ELEMENTS, {})
    if later:
        model["elements"] = dict(sorted({**first.get("elements", {}), **later}.items()))
    return model


def read_page_model(html: str) -> dict[str, Any]:
    """The whole model of a written atlas page (both of its data blocks)."""
    first = re.search(r'<script type="application/json" id="atlas-data">(.*?)</script>', html, re.S)
    texts = re.search(r'id="atlas-texts-gz"[^>]*>(.*?)</script>', html, re.S)
    if first is None or texts is None:
        raise ValueError("not an atlas page: no #atlas-data or #atlas-texts-gz block")
    return join_model(json.loads(first.group(1)), unpack_texts(texts.group(1).strip()))


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("geo", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, **context: Any) -> str:
    """Render one of ``geo/templates/`` (autoescaped)."""
    return _env().get_template(name).render(**context)


@functools.cache
def static_text(name: str) -> str:
    """Text of one of our own assets in ``geo/static/`` (``atlas.css``, ``js/units.js``)."""
    path = importlib.resources.files("geo").joinpath("static", *name.split("/"))
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"geo/static/{name} must not contain a closing script/style tag")
    return text


#: The parts of the page script (``geo/static/js/``), in the order :func:`atlas_script` puts
#: them together. ``util.js`` defines the helpers every part uses; each other part defines one
#: ``atlas.NAME = function (s) {...}`` that ``start.js`` calls with the shared page state ``s``
#: in the order of its ``atlas.PARTS`` (which names the same parts, in this order). The
#: contract of each part (what it reads from ``s``, what it adds) heads its file.
JS_PARTS = (
    "util.js",
    "arcs.js",
    "units.js",
    "labels.js",
    "looks.js",
    "elements.js",
    "focus.js",
    "text.js",
    "groups.js",
    "panel.js",
    "picker.js",
    "router.js",
    "search.js",
    "tree.js",
    "legend.js",
    "start.js",
)

_JS_HEAD = """/* Gansu plan atlas: the page script, put together by geo/_atlas_html.py from
 * geo/static/js/ ({parts}). Reads the page model from #atlas-data with JSON.parse and draws it with
 * Leaflet; data reaches the DOM only through textContent, setAttribute or Leaflet options.
 */
(function () {{
"use strict";
var atlas = {{}};
"""
_JS_TAIL = """window.atlasStart = atlas.start;
})();
"""


@functools.cache
def atlas_script() -> str:
    """The page script: the parts :data:`JS_PARTS` in their order, in one closure.

    No JS toolchain: the parts are plain ES5 files joined as they are, each headed by its
    name, so the pages (and the single-file offline pages) embed one script, the same on
    every build.
    """
    body = [f"// --- js/{name}\n{static_text('js/' + name)}" for name in JS_PARTS]
    return _JS_HEAD.format(parts=", ".join(JS_PARTS)) + "\n".join(body) + _JS_TAIL


def leaflet_dir() -> Path:
    """The folder of Leaflet's ``leaflet.js``, ``leaflet.css`` and ``images/`` (installed
    package ``django-js-lib-leaflet``; never committed)."""
    spec = importlib.util.find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        from geo.errors import OutputError

        raise OutputError(
            "Leaflet is not installed: pip install django-js-lib-leaflet (it ships leaflet.js)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet"


class _Raw(Element):
    """A branca element that renders its text verbatim.

    ``branca.element.Element(text)`` compiles its text as a Jinja2 template: plan text such as
    ``{{ 7*7 }}`` would be evaluated. Our HTML is rendered (and escaped) by our own templates
    first, and must reach the page unchanged.
    """

    def __init__(self, text: str) -> None:
        super().__init__("")
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def stabilize_ids(root: Any, *, prefix: str = "") -> None:
    """Replace the random ids of every folium/branca element under ``root`` by a counter.

    folium names each element after a uuid4; two builds would differ in every name. The
    counter follows the element tree in insertion order, so the same page gives the same ids.
    """
    counter = 0

    def walk(el: Any) -> None:
        nonlocal counter
        el._id = f"{prefix}{counter:04d}"
        counter += 1
        for child in el._children.values():
            walk(child)

    walk(root)


def page_html(
    model: dict[str, Any],
    *,
    title: str,
    leaflet_js: str,
    leaflet_css: str,
    center: tuple[float, float],
    zoom: int,
) -> str:
    """Render one map page from its model."""
    m = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        control_scale=False,  # js/start.js adds a metric-only scale bar
        zoom_snap=0.25,
    )
    # Leaflet only: no jQuery, Bootstrap or font CDNs; our own JS does the rest.
    m.default_js = [("leaflet", leaflet_js)]
    m.default_css = [("leaflet_css", leaflet_css)]
    fig: Any = m.get_root()
    css = static_text("atlas.css") + "\n" + static_text("present.css")
    fig.header.add_child(
        _Raw(render_template("atlas_head.html", title=title, css=css)),
        name="atlas_head",
    )
    first, text = split_model(model)
    fig.html.add_child(
        _Raw(render_template("atlas_body.html", model=model, data=script_json(first))),
        name="atlas_body",
    )
    stabilize_ids(fig)
    fig.script.add_child(
        Element(
            render_template(
                "atlas_script.html",
                js="\n".join([*(static_text(n) for n in PAGE_SCRIPTS), atlas_script()]),
                map_name=m.get_name(),
            )
        ),
        name="atlas_script",
    )
    html = fig.render().rstrip()
    html = html.replace("<html>", '<html lang="zh-CN">', 1)
    if not html.endswith("</html>"):  # pragma: no cover - branca's figure template
        raise RuntimeError("unexpected page template: no closing </html>")
    # folium creates the map in the last script: the atlas starts at its end (in a script of
    # its own it would wait for the parser to come back after a frame of empty map, issue 17),
    # then the texts follow
    body = html[: -len("</html>")].rstrip()
    if not body.endswith("</script>"):  # pragma: no cover - branca's figure template
        raise RuntimeError("unexpected page template: the map's script does not end the page")
    start = f"window.atlasStart({json.dumps(m.get_name())});\n"
    tail = render_template("atlas_tail.html", text=pack_texts(text))
    return body[: -len("</script>")] + start + "</script>\n" + tail + "</html>\n"
