"""The atlas: interactive map pages of the plans' layouts, with their provisions.

One page model, one renderer:

- :func:`page_inputs` takes the records the pages are drawn from out of a
  :class:`geo.inputs.Inputs`: the simplified coverage with its context, the catalog, corpus,
  gazetteer, links and the features of the catalog;
- :func:`build_page_model` turns the finished records (catalog, corpus, units, links) into a
  plain ``dict`` (the *page model*, below);
- :func:`render_page` renders a page model to HTML: a folium/Leaflet map with stable ids, our
  own template, CSS and script, and the model as JSON in ``<script type="application/json">``
  (the map's part first, the plan texts after the map's script: the map is drawn before the
  browser has parsed them);
- :func:`write_atlas` writes ``index.html``, one page per layout, the combined ``atlas.html``,
  Leaflet from its installed package (``static/leaflet/``) and, for the 高德 basemap, the
  same pages with the overlays in GCJ-02 under ``gcj02/``.

Page model
----------
``page`` (``id, kind`` = ``layout``/``atlas``, ``title, title_en, plan, caption,
caption_label, figure, notes, home, atlas, variant, sources``; a layout page also ``figures``,
its static figures found in the atlas folder, and ``figure_command``, how to make one),
``datum`` (``wgs84``/``gcj02``), ``basemaps`` (see
:func:`geo.basemaps.basemap_records`), ``basemap``, ``basemap_notes`` (what is not offered,
and why), ``scale`` (coordinates are integers of ``1/scale`` degree, delta-encoded per
ring/line: :func:`geo._atlas_model.encode_geometry`),
``units`` (``{province, prefecture, county, context: [{adcode, name, level, parent, area_km2,
seat, g | a}]}``: Gansu's units as rings of shared arcs ``a``, see :mod:`geo._atlas_topo`),
``arcs`` (every border once, delta-encoded, the context's too), ``arc_rank`` (per arc: 0
county, 1 prefecture, 2 province border, 3 between neighbours only) and ``arc_lods`` (coarser
arcs for small scales: ``[{tolerance_m, keep}]``), ``elements`` (``{id: {name, name_en,
aliases, plan, kind, kind_zh, kind_en, geometry, schematic, members, quotes, provisions, refs,
parts, parents, notes, paths}}``),
``order`` and ``visible`` (element ids), ``features`` (lines, points and sites:
``[{id, part, g}]``; areas are drawn from their member units, so no polygon is embedded twice),
``tree`` (``[{plan, title, elements}]``), ``legend`` (the kinds on the page with the looks
drawn: :func:`geo.styles.legend`), ``styles`` (``{style key: style}``:
:func:`geo.styles.page_styles`), ``looks`` (``{id: {colour, members, parts}}``: each element's
colour, the same on every page, and style keys, :func:`geo.styles.element_looks`),
``unit_concepts`` (``{adcode: [{id, role, role_zh, basis, basis_zh, partial, via}]}``: the
page's elements each unit belongs to, by the very rules of the exported ``concepts`` column,
:func:`geo.catalog.unit_tags`), ``plans``, ``docs``, ``provisions`` (every provision: ``{id:
{plan, doc, h, kind, text, lines}}``, ``h`` indexing ``headings``), ``mentions``
(``{provision: [[start, end, "unit"|"concept", id]]}``), ``unit_refs`` (``{adcode: [provision
ids]}``), ``unit_aliases`` (``{adcode: [short and former names]}``, search terms) and
``layouts`` (combined atlas only: ``[{id, name, elements}]``, to show one layout's layers at a
time).

Safety: all data reaches the page as JSON (``<``, ``>``, ``&``, U+2028/9 escaped) and the page
script builds its DOM with ``textContent``. Determinism: folium's random element ids are
replaced by a counter, JSON keys are sorted; two builds are byte-identical.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import _atlas_model as am
from geo._atlas_html import leaflet_dir, page_html
from geo._atlas_search import directory, layout_caption
from geo._atlas_topo import encode_arcs, encode_lods, unit_topology
from geo._io import write_text
from geo.basemaps import basemap_notes, basemap_records, datum_of
from geo.catalog import Catalog, Layout, build_geometry, element_record, unit_tags
from geo.corpus import Corpus, citation
from geo.datum import wgs84_to_gcj02
from geo.errors import OutputError
from geo.gallery import (
    compare_html,
    figure_command,
    figure_files,
    index_html,
    read_comparisons,
    thumbnails,
)
from geo.gazetteer import Gazetteer
from geo.inputs import Inputs, read_inputs
from geo.links import Links
from geo.offline import make_offline
from geo.styles import element_looks, legend, page_styles

__all__ = ["ATLAS_PAGE", "build_page_model", "page_inputs", "render_page", "write_atlas"]

#: File name of the combined atlas (every layer).
ATLAS_PAGE = "atlas.html"

_TITLE = "甘肃区域规划图集"
_TITLE_EN = "Gansu regional plans atlas"
_SOURCES = (
    "行政区划边界、规划原文、概念目录 (boundaries, plan texts, concept catalog; 来源见 README)"
)


# --- shared pieces: the records once per build, the drawing once per datum -----------------------


def _records(
    *,
    catalog: Catalog,
    corpus: Corpus,
    units: gpd.GeoDataFrame,
    context: gpd.GeoDataFrame | None,
    links: Links,
    gazetteer: Gazetteer | None,
) -> dict[str, Any]:
    """The datum-free part of every page: elements, provisions, mentions, references."""
    frame = units if context is None else pd.concat([units, context], ignore_index=True)
    names = {
        (str(a), str(lv)): str(n)
        for a, lv, n in zip(frame["adcode"], frame["level"], frame["name"], strict=True)
    }
    mentions = {pid: am.drop_overlaps(spans) for pid, spans in am.links_mentions(links).items()}
    order = {p.id: i for i, p in enumerate(corpus.provisions)}
    provisions, headings = am.provision_records(corpus)
    elements = {}
    for e in catalog.elements:
        refs = set(links.by_concept.get(e.id, ())) | set(e.provisions)
        refs |= {q.provision for q in e.quotes}
        record = element_record(e, catalog, names=names)
        record["refs"] = sorted((p for p in refs if p in order), key=order.__getitem__)
        elements[e.id] = record
    return {
        "unit_aliases": am.unit_aliases(units, gazetteer),
        "unit_concepts": am.unit_concepts(unit_tags(catalog, units), catalog),
        "elements": elements,
        "provisions": provisions,
        "headings": headings,
        "mentions": {pid: [list(s) for s in spans] for pid, spans in sorted(mentions.items())},
        "unit_refs": {str(a): list(dict.fromkeys(p)) for a, p in sorted(links.by_unit.items())},
        # a plan is cited by its title and number: a data root's file names are never shown
        "plans": {
            p.id: {"title": p.title, "doc": p.document, "cite": citation(corpus, p.id)}
            for p in corpus.plans
        },
        "plan_order": [p.id for p in corpus.plans],
        "docs": {
            d.id: {"title": d.title, "number": getattr(d, "number", "")} for d in corpus.documents
        },
        "catalog": catalog,
        "directory": directory(catalog, places=[(a, n) for (a, _lv), n in sorted(names.items())]),
    }


def _drawn(
    *,
    units: gpd.GeoDataFrame,
    context: gpd.GeoDataFrame | None,
    geometry: gpd.GeoDataFrame,
    datum: str,
) -> dict[str, Any]:
    """The part of every page drawn in ``datum``: units as shared arcs, and the features."""
    if datum == "gcj02":
        shift = wgs84_to_gcj02
    elif datum == "wgs84":
        shift = None
    else:
        raise OutputError(f"unknown datum {datum!r}; use 'wgs84' or 'gcj02'")
    shifted, shifted_context = am._shift(units, shift), am._shift(context, shift)
    topology = unit_topology(shifted, scale=am.SCALE, context=shifted_context)
    return {
        "datum": datum,
        "units": am.unit_records(shifted, context=shifted_context, topology=topology),
        "arcs": encode_arcs(topology.arcs),
        "arc_rank": topology.rank,
        "arc_lods": encode_lods(topology.lods),
        "geometry": am._shift(geometry, shift),
    }


def _page_head(
    layout: Layout | None, catalog: Catalog
) -> tuple[dict[str, Any], list[str], list[str]]:
    """The ``page`` record of a layout (``None``: the combined atlas), its element ids and the
    ids shown at first."""
    if layout is None:
        ids = [e.id for e in catalog.elements]
        first = catalog.layouts[0].elements if catalog.layouts else ids
        page: dict[str, Any] = {
            "id": "atlas",
            "kind": "atlas",
            "title": f"{_TITLE}：总图",
            "title_en": f"{_TITLE_EN}: every layer",
            "plan": None,
            "caption": None,
            "caption_label": None,
            "figure": None,
            "notes": [
                "所有图层 every layer of every plan; 勾选图层树以显示 tick the tree to show more"
            ],
        }
        return page, ids, [i for i in first if i in ids]
    ids = list(dict.fromkeys(layout.elements))
    caption = layout_caption(layout, catalog)
    page = {
        "id": layout.id,
        "kind": "layout",
        "title": layout.name,
        "title_en": layout.name_en,
        "plan": layout.plan,
        "caption": caption["text"],
        "caption_label": caption["label"],
        "figure": layout.figure,
        "notes": caption["notes"],
    }
    return page, ids, ids


def _tree(
    shared: Mapping[str, Any], records: Mapping[str, dict[str, Any]], ids: Sequence[str]
) -> list[dict[str, Any]]:
    """The layer tree: per plan, its top elements (those not part of another on the page)."""
    tree: list[dict[str, Any]] = []
    for plan in [*shared["plan_order"], *sorted({r["plan"] for r in records.values()})]:
        top = [
            i
            for i in ids
            if records[i]["plan"] == plan and not any(p in records for p in records[i]["parents"])
        ]
        if top and all(t["plan"] != plan for t in tree):
            title = shared["plans"].get(plan, {}).get("title", plan)
            tree.append({"plan": plan, "title": title, "elements": top})
    return tree


def _basemaps(
    datum: str, *, basemap: str, env: Mapping[str, str] | None, offline: bool
) -> tuple[list[dict[str, Any]], list[str]]:
    """The basemaps a page offers and the notes on those it does not; ``basemap`` must be one."""
    basemaps = basemap_records(datum=datum, env=env)
    notes = basemap_notes(datum=datum, env=env)
    if offline:  # a single-file page for presenters fetches no tiles
        basemaps = [b for b in basemaps if b["id"] == "none"]
        notes = ["离线版: 无底图，仅矢量 (offline page: vector only, no tile basemap)"]
    if basemap not in {b["id"] for b in basemaps}:
        raise OutputError(
            f"basemap {basemap!r} is not offered on {datum} pages "
            f"(offered: {', '.join(b['id'] for b in basemaps)}); 天地图 needs $TIANDITU_KEY, "
            "高德 needs the gcj02 variant"
        )
    return basemaps, notes


def _page(
    shared: Mapping[str, Any],
    *,
    layout: Layout | None,
    basemap: str,
    env: Mapping[str, str] | None,
    home: str,
    atlas: str,
    variant: Mapping[str, str] | None,
    offline: bool = False,
    figures: Sequence[str] = (),
) -> dict[str, Any]:
    catalog = shared["catalog"]
    page, ids, visible = _page_head(layout, catalog)
    page.update({"home": home, "atlas": atlas, "variant": variant, "sources": _SOURCES})
    if layout is not None:  # its static figures that exist (relative links), else how to make one
        page.update({"figures": list(figures), "figure_command": figure_command(layout.id)})
    records = {i: shared["elements"][i] for i in ids}
    basemaps, notes = _basemaps(shared["datum"], basemap=basemap, env=env, offline=offline)
    copied = (
        "units", "arcs", "arc_rank", "arc_lods", "plans", "docs", "provisions", "headings",
        "mentions", "unit_refs", "unit_aliases", "directory",
    )  # fmt: skip
    return {
        "version": 1,
        "page": page,
        "datum": shared["datum"],
        "basemaps": basemaps,
        "basemap": basemap,
        "basemap_notes": notes,
        "scale": am.SCALE,
        **{key: shared[key] for key in copied},
        "elements": records,
        "order": ids,
        "visible": visible,
        "features": am.feature_records(shared["geometry"], ids),
        "tree": _tree(shared, records, ids),
        # the look, from the ontology (geo/styles.py): the legend of what this page draws, the
        # styles it uses and, per element, its colour (the same on every page) and style keys
        "legend": legend(catalog, ids),
        "styles": page_styles(catalog, ids),
        "looks": element_looks(catalog, ids),
        "unit_concepts": {  # the elements of this page, per unit
            a: [c for c in cs if c["id"] in records]
            for a, cs in shared["unit_concepts"].items()
            if any(c["id"] in records for c in cs)
        },
        "layouts": [
            {"id": lay.id, "name": lay.name, "elements": list(dict.fromkeys(lay.elements))}
            for lay in catalog.layouts
        ]
        if layout is None
        else [],
    }


# --- public --------------------------------------------------------------------------------------


def page_inputs(inputs: Inputs) -> dict[str, Any]:
    """The records the atlas pages are drawn from, as keyword arguments of
    :func:`build_page_model`.

    The admin units and the grey context are the simplified coverage
    (:attr:`geo.inputs.Inputs.simplified_units`, :attr:`~geo.inputs.Inputs.simplified_context`:
    the context shares its border with Gansu exactly); the features are
    :attr:`~geo.inputs.Inputs.page_geometry` (lines, points and sites: the pages draw areas
    from their member units).

    Returns
    -------
    dict
        ``catalog, corpus, units, context, geometry, links, gazetteer``.
    """
    return {
        "catalog": inputs.catalog,
        "corpus": inputs.corpus,
        "units": inputs.simplified_units,
        "context": inputs.simplified_context,
        "geometry": inputs.page_geometry,
        "links": inputs.links,
        "gazetteer": inputs.gazetteer,
    }


def build_page_model(
    *,
    catalog: Catalog,
    corpus: Corpus,
    units: gpd.GeoDataFrame,
    links: Links,
    context: gpd.GeoDataFrame | None = None,
    geometry: gpd.GeoDataFrame | None = None,
    gazetteer: Gazetteer | None = None,
    layout: Layout | str | None = None,
    basemap: str = "none",
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build the page model of one map page (see the module docstring for its keys).

    Parameters
    ----------
    catalog
        A :class:`geo.catalog.Catalog`.
    corpus
        A :class:`geo.corpus.Corpus` (every provision is included, for the panel and search).
    units
        Province, prefecture and county units with the schema of
        :func:`geo.boundaries.read_units`, e.g. the simplified coverage
        :attr:`geo.inputs.Inputs.simplified_units`.
    links
        A :class:`geo.links.Links` of ``corpus`` (:attr:`geo.inputs.Inputs.links`): the
        highlighted names and the ranked provisions of every unit and element.
    context
        Neighbouring units, drawn grey as given; optional. The pages of :func:`write_atlas`
        take the simplified context :attr:`geo.inputs.Inputs.simplified_context`, which shares
        its border with the simplified Gansu units.
    geometry
        :func:`geo.catalog.build_geometry` of ``catalog`` on ``units`` (computed if omitted,
        with ``areas=False``: the page draws areas from their member units).
    gazetteer
        A :class:`geo.gazetteer.Gazetteer`: short and former names of the units become
        search terms (optional).
    layout
        A :class:`geo.catalog.Layout` or its id; ``None`` for the combined atlas.
    basemap
        Initial basemap id (:mod:`geo.basemaps`); ``amap`` makes a GCJ-02 page.
    env
        Environment for ``$TIANDITU_KEY`` (default ``os.environ``).

    Returns
    -------
    dict
        Plain JSON-ready data.

    Examples
    --------
    >>> from geo.inputs import read_inputs
    >>> model = build_page_model(**page_inputs(read_inputs()), layout="lz_yihe_liangji_sidai")
    >>> model["page"]["kind"], model["datum"]
    ('layout', 'wgs84')
    """
    datum = "gcj02" if datum_of(basemap) == "gcj02" else "wgs84"
    if isinstance(layout, str):
        layout = catalog.layout(layout)
    if geometry is None:
        geometry = build_geometry(catalog, units, context=context, areas=False)
    shared = {
        **_records(
            catalog=catalog,
            corpus=corpus,
            units=units,
            context=context,
            links=links,
            gazetteer=gazetteer,
        ),
        **_drawn(units=units, context=context, geometry=geometry, datum=datum),
    }
    return _page(
        shared,
        layout=layout,
        basemap=basemap,
        env=env,
        home="index.html",
        atlas=ATLAS_PAGE,
        variant=None,
    )


def render_page(
    model: Mapping[str, Any],
    *,
    leaflet_js: str = "static/leaflet/leaflet.js",
    leaflet_css: str = "static/leaflet/leaflet.css",
) -> str:
    """Render a page model to one HTML page (deterministic).

    Parameters
    ----------
    model
        From :func:`build_page_model`.
    leaflet_js, leaflet_css
        Where the page loads Leaflet from (relative URLs; :func:`write_atlas` copies Leaflet
        from its installed package to ``static/leaflet/``).

    Returns
    -------
    str
        The HTML text.
    """
    title = str(model["page"]["title"])
    return page_html(
        dict(model),
        title=title,
        leaflet_js=leaflet_js,
        leaflet_css=leaflet_css,
        center=(36.5, 101.0),
        zoom=6,
    )


def _copy_leaflet(out: Path) -> list[Path]:
    src = leaflet_dir()
    dest = out / "static" / "leaflet"
    (dest / "images").mkdir(parents=True, exist_ok=True)
    written = []
    for rel in [
        "leaflet.js",
        "leaflet.css",
        *sorted(f"images/{p.name}" for p in (src / "images").glob("*.png")),
    ]:
        shutil.copyfile(src / rel, dest / rel)
        written.append(dest / rel)
    return written


def _variant_pages(
    shared: Mapping[str, Any],
    out: Path,
    *,
    sub: str,
    basemap: str,
    amap: bool,
    offline: bool,
    env: Mapping[str, str],
    figures: Mapping[str, Sequence[str]],
) -> list[Path]:
    """Write every map page of one datum variant (``sub`` = ``""`` or ``"gcj02/"``);
    ``figures`` are the static figures found (:func:`geo.gallery.figure_files`)."""
    catalog = shared["catalog"]
    up = "../" * sub.count("/")
    written = []
    pages = [(lay.id, lay) for lay in catalog.layouts] + [("atlas", None)]
    for pid, lay in pages:
        name = f"{pid}.html" if lay is not None else ATLAS_PAGE
        variant = None
        if amap:
            other = f"../{name}" if sub else f"gcj02/{name}"
            label = "WGS84 版 (OSM/Esri)" if sub else "高德底图版 Amap (GCJ-02)"
            variant = {"href": other, "label": label}
        model = _page(
            shared,
            layout=lay,
            basemap=basemap,
            env=env,
            home=f"{up}index.html",
            atlas=ATLAS_PAGE,
            variant=variant,
            offline=offline,
            figures=[f"{up}{f}" for f in figures.get(pid, ())],
        )
        html = render_page(
            model,
            leaflet_js=f"{up}static/leaflet/leaflet.js",
            leaflet_css=f"{up}static/leaflet/leaflet.css",
        )
        written.append(write_text(out / sub / name, html))
    return written


def write_atlas(
    out: str | os.PathLike[str],
    *,
    inputs: Inputs | None = None,
    root: str | os.PathLike[str] | None = None,
    basemap: str = "osm",
    amap: bool = True,
    offline: bool = False,
    env: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the atlas pages into the folder ``out``.

    Writes ``index.html``, one ``<layout id>.html`` per layout of ``layouts.toml``,
    ``atlas.html`` (every layer), ``static/leaflet/`` (copied from the installed
    ``django-js-lib-leaflet``), and with ``amap`` the same map pages under ``gcj02/`` with the
    overlays shifted to GCJ-02 and 高德 as basemap. The static figures already in ``out/figures/``
    (``gansu-atlas figure``; :func:`geo.gallery.figure_files`) are linked from their pages and
    the index; the others are named by the command that makes them.

    Parameters
    ----------
    out
        Output folder (created if missing; files of the same names are replaced).
    inputs
        What the pages are drawn from (:func:`page_inputs`); default
        :func:`geo.inputs.read_inputs` of ``root``.
    root
        Data root (default :func:`geo._paths.data_root`), when ``inputs`` is not given.
    basemap
        Initial basemap of the WGS84 pages: ``none``, ``osm``, ``esri`` or ``tianditu``
        (needs ``$TIANDITU_KEY``).
    amap
        Also write the GCJ-02 variant with the 高德 basemap.
    offline
        Make every page self-contained (delegated to :mod:`geo.offline`).
    env
        Environment to read ``$TIANDITU_KEY`` from. Default: none, so that no key is ever
        written into the pages unless asked for (``gansu-atlas build --tianditu`` passes
        ``os.environ``); a browser key in a page is public to whoever gets the page.

    Returns
    -------
    list of Path
        The files written, sorted.

    Raises
    ------
    OutputError
        ``out`` cannot be written, or an unknown/unavailable basemap.
    """
    env = {} if env is None else env
    if offline:  # single files for presenters: vector only, no tiles, no 高德 variant
        basemap, amap = "none", False
    if datum_of(basemap) == "gcj02":
        raise OutputError("basemap 'amap' is written as the gcj02/ variant: pass amap=True instead")
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {out}: {exc.strerror}; choose another --out"
        ) from None
    source = read_inputs(root) if inputs is None else inputs
    given = page_inputs(source)
    catalog, corpus = given["catalog"], given["corpus"]
    records = _records(
        catalog=catalog,
        corpus=corpus,
        units=given["units"],
        context=given["context"],
        links=given["links"],
        gazetteer=given["gazetteer"],
    )
    figures = figure_files(out, catalog)  # made by `gansu-atlas figure`, linked if there
    written: list[Path] = []
    try:
        written += _copy_leaflet(out)
        variants = [("wgs84", "", basemap)] + ([("gcj02", "gcj02/", "amap")] if amap else [])
        for datum, sub, bm in variants:
            drawn = _drawn(
                units=given["units"], context=given["context"], geometry=given["geometry"],
                datum=datum,
            )  # fmt: skip
            written += _variant_pages(
                {**records, **drawn},
                out,
                sub=sub,
                basemap=bm,
                amap=amap,
                offline=offline,
                env=env,
                figures=figures,
            )
        # the gallery index (thumbnails from the same records) and the comparisons
        comparisons = read_comparisons(catalog, root=source.root)
        index = index_html(
            catalog,
            corpus,
            atlas_page=ATLAS_PAGE,
            amap=amap,
            thumbs=thumbnails(catalog, given["units"], given["geometry"]),
            comparisons=comparisons,
            title=_TITLE,
            title_en=_TITLE_EN,
            foot=f"数据 data: {_SOURCES} · 线状要素为示意 lines are schematic",
            figures=figures,
        )
        written.append(write_text(out / "index.html", index))
        page = compare_html(catalog, comparisons=comparisons, title=_TITLE)
        written.append(write_text(out / "compare.html", page))
    except OSError as exc:
        raise OutputError(f"cannot write the atlas into {out}: {exc}; check the folder") from None
    if offline:
        written = make_offline(out, written)
    return sorted(written)
