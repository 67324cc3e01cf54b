"""The atlas: interactive map pages of the plans' layouts, with their provisions.

One page model, one renderer:

- :func:`read_atlas_inputs` reads (or takes) those records: the simplified coverage with its
  context, the catalog, corpus, gazetteer, links and the features of the catalog;
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
``page`` (``id, kind`` = ``layout``/``atlas``, ``title, title_en, plan, caption, figure, notes,
home, atlas, variant, sources``), ``datum`` (``wgs84``/``gcj02``), ``basemaps`` (see
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
page's concepts of each unit by :func:`geo.catalog.tag_units`' rule), ``plans``, ``docs``,
``provisions`` (every provision: ``{id: {plan, doc, h, kind, text, lines}}``, ``h`` indexing
``headings``), ``mentions`` (``{provision: [[start, end, "unit"|"concept", id]]}``),
``unit_refs`` (``{adcode: [provision ids]}``), ``unit_aliases`` (``{adcode: [short and former
names]}``, search terms) and ``layouts``
(combined atlas only: ``[{id, name, elements}]``, to show one layout's layers at a time).

Safety: all data reaches the page as JSON (``<``, ``>``, ``&``, U+2028/9 escaped) and the page
script builds its DOM with ``textContent``. Determinism: folium's random element ids are
replaced by a counter, JSON keys are sorted; two builds are byte-identical.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import _atlas_model as am
from geo._atlas_html import leaflet_dir, page_html, render_template, static_text
from geo._atlas_topo import encode_arcs, encode_lods, unit_topology
from geo._atlas_search import directory
from geo.basemaps import basemap_notes, basemap_records, datum_of
from geo.errors import OutputError
from geo.styles import element_looks, legend, page_styles

__all__ = ["ATLAS_PAGE", "build_page_model", "read_atlas_inputs", "render_page", "write_atlas"]

#: File name of the combined atlas (every layer).
ATLAS_PAGE = "atlas.html"

_TITLE = "甘肃区域规划图集"
_TITLE_EN = "Gansu regional plans atlas"
_SOURCES = "行政区划边界、规划原文、概念目录 (boundaries, plan texts, concept catalog; 来源见 README)"


# --- shared pieces (once per build and datum) ----------------------------------------------------


def _read_links(corpus: Any, gazetteer: Any, catalog: Any) -> Any:
    try:
        from geo.links import build_links, concept_names
    except ImportError:  # geo.links not available: fall back to full unit names
        return None
    return build_links(corpus, gazetteer, concepts=concept_names(catalog))


def _shared(
    *,
    catalog: Any,
    corpus: Any,
    units: gpd.GeoDataFrame,
    context: gpd.GeoDataFrame | None,
    geometry: gpd.GeoDataFrame | None,
    links: Any,
    datum: str,
    gazetteer: Any = None,
) -> dict[str, Any]:
    from geo.catalog import build_geometry

    shift = None
    if datum == "gcj02":
        from geo.datum import wgs84_to_gcj02

        shift = wgs84_to_gcj02
    elif datum != "wgs84":
        raise OutputError(f"unknown datum {datum!r}; use 'wgs84' or 'gcj02'")
    if geometry is None:
        geometry = build_geometry(catalog, units, context=context, areas=False)
    shifted, shifted_context = am._shift(units, shift), am._shift(context, shift)
    topology = unit_topology(shifted, scale=am.SCALE, context=shifted_context)
    unit_recs = am.unit_records(shifted, context=shifted_context, topology=topology)
    names = {
        str(a): str(n)
        for a, n in zip(
            pd.concat([units, context]).adcode if context is not None else units.adcode,
            pd.concat([units, context]).name if context is not None else units.name,
            strict=True,
        )
    }
    gansu = {str(a): str(n) for a, n in zip(units.adcode, units.name, strict=True)}
    by_unit = None
    if links is None:
        mentions = am.fallback_mentions(corpus, gansu)
        by_concept: Mapping[str, Sequence[str]] = {}
    else:
        mentions = am.links_mentions(links)
        by_concept = getattr(links, "by_concept", {}) or {}
        by_unit = getattr(links, "by_unit", None)
    mentions = {pid: am.drop_overlaps(spans) for pid, spans in mentions.items()}
    unit_refs: dict[str, list[str]] = {}
    concept_refs: dict[str, set[str]] = {}
    order = {p.id: i for i, p in enumerate(corpus.provisions)}
    for pid, spans in mentions.items():
        for _, _, kind, target in spans:
            if kind == "unit" and by_unit is None:
                for adcode in target.split(","):
                    unit_refs.setdefault(adcode, []).append(pid)
            elif kind == "concept":
                concept_refs.setdefault(target, set()).add(pid)
    if by_unit is not None:
        unit_refs = {str(a): [str(p) for p in pids] for a, pids in by_unit.items()}
    for cid, pids in by_concept.items():
        concept_refs.setdefault(str(cid), set()).update(
            str(p) if isinstance(p, str) else str(getattr(p, "provision", p)) for p in pids
        )
    provisions, headings = am.provision_records(corpus)
    elements = {}
    for e in catalog.elements:
        refs = set(concept_refs.get(e.id, ())) | set(e.provisions)
        refs |= {q.provision for q in e.quotes}
        ordered = sorted((p for p in refs if p in order), key=order.__getitem__)
        elements[e.id] = am.element_record(e, catalog, names=names, refs=ordered)
    aliases: dict[str, list[str]] = {}
    if gazetteer is not None:
        for adcode, name in sorted(gansu.items()):
            other = [n for n in gazetteer.names_of(adcode) if n != name]
            if other:
                aliases[adcode] = other
    return {
        "unit_concepts": _unit_concepts(catalog, units),
        "datum": datum,
        "units": unit_recs,
        "arcs": encode_arcs(topology.arcs),
        "arc_rank": topology.rank,
        "arc_lods": encode_lods(topology.lods),
        "unit_aliases": aliases,
        "geometry": am._shift(geometry, shift),
        "elements": elements,
        "provisions": provisions,
        "headings": headings,
        "mentions": {pid: [list(s) for s in spans] for pid, spans in sorted(mentions.items())},
        "unit_refs": {a: list(dict.fromkeys(p)) for a, p in sorted(unit_refs.items())},
        "plans": {p.id: {"title": p.title, "doc": p.document} for p in corpus.plans},
        "plan_order": [p.id for p in corpus.plans],
        "docs": {
            d.id: {"title": d.title, "file": d.file, "number": getattr(d, "number", "")}
            for d in corpus.documents
        },
        "catalog": catalog,
        "directory": directory(catalog, units=unit_recs),
    }


# >>> helper B (issue 18): the unit panel's concepts, by geo.catalog.tag_units' rule. Helper A
# adds the same key in the pipeline; at merge keep whichever copy is there and drop this one.
def _unit_concepts(catalog: Any, units: gpd.GeoDataFrame) -> dict[str, list[dict[str, Any]]]:
    """``{adcode: [{id, role, role_zh, basis, basis_zh, partial, via}]}`` (a prefecture's
    entries first where it shares its adcode with a county, as 嘉峪关市 does)."""
    from geo.catalog import tag_units

    tagged = tag_units(catalog, units[units.level.isin(["prefecture", "county"])])
    out: dict[str, list[dict[str, Any]]] = {}
    for level in ("prefecture", "county"):
        rows = tagged[tagged.level == level]
        for adcode, concepts in zip(rows.adcode, rows.concepts, strict=True):
            mine = out.setdefault(str(adcode), [])
            for c in json.loads(concepts):
                if all(x["id"] != c["id"] for x in mine):
                    mine.append(
                        {
                            "id": c["id"],
                            "role": c["role"],
                            "role_zh": catalog.roles[c["role"]].zh,
                            "basis": c["basis"],
                            "basis_zh": catalog.bases[c["basis"]].zh,
                            "partial": c["partial"],
                            "via": c["via"],
                        }
                    )
    return {a: cs for a, cs in sorted(out.items()) if cs}


# <<< helper B


def _page(
    shared: Mapping[str, Any],
    *,
    layout: Any,
    basemap: str,
    env: Mapping[str, str] | None,
    home: str,
    atlas: str,
    variant: Mapping[str, str] | None,
    offline: bool = False,
) -> dict[str, Any]:
    catalog = shared["catalog"]
    if layout is None:
        ids = [e.id for e in catalog.elements]
        first = catalog.layouts[0].elements if catalog.layouts else ids
        visible = [i for i in first if i in ids]
        page: dict[str, Any] = {
            "id": "atlas",
            "kind": "atlas",
            "title": f"{_TITLE}：总图",
            "title_en": f"{_TITLE_EN}: every layer",
            "plan": None,
            "caption": None,
            "figure": None,
            "notes": [
                "所有图层 every layer of every plan; 勾选图层树以显示 tick the tree to show more"
            ],
        }
    else:
        ids = list(dict.fromkeys(layout.elements))
        visible = ids
        page = {
            "id": layout.id,
            "kind": "layout",
            "title": layout.name,
            "title_en": layout.name_en,
            "plan": layout.plan,
            "caption": layout.caption,
            "figure": layout.figure,
            "notes": list(layout.notes),
        }
    page.update({"home": home, "atlas": atlas, "variant": variant, "sources": _SOURCES})
    records = {i: shared["elements"][i] for i in ids}
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
    basemaps = basemap_records(datum=shared["datum"], env=env)
    notes = basemap_notes(datum=shared["datum"], env=env)
    if offline:  # a single-file page for presenters fetches no tiles
        basemaps = [b for b in basemaps if b["id"] == "none"]
        notes = ["离线版: 无底图，仅矢量 (offline page: vector only, no tile basemap)"]
    if basemap not in {b["id"] for b in basemaps}:
        raise OutputError(
            f"basemap {basemap!r} is not offered on {shared['datum']} pages "
            f"(offered: {', '.join(b['id'] for b in basemaps)}); 天地图 needs $TIANDITU_KEY, "
            "高德 needs the gcj02 variant"
        )
    return {
        "version": 1,
        "page": page,
        "datum": shared["datum"],
        "basemaps": basemaps,
        "basemap": basemap,
        "basemap_notes": notes,
        "scale": am.SCALE,
        "units": shared["units"],
        "arcs": shared["arcs"],
        "arc_rank": shared["arc_rank"],
        "arc_lods": shared["arc_lods"],
        "elements": records,
        "order": ids,
        "visible": visible,
        "features": am.feature_records(shared["geometry"], ids),
        "tree": tree,
        # the look, from the ontology (geo/styles.py): the legend of what this page draws, the
        # styles it uses and, per element, its colour (the same on every page) and style keys
        "legend": legend(catalog, ids),
        "styles": page_styles(catalog, ids),
        "looks": element_looks(catalog, ids),
        "unit_concepts": {  # helper B (issue 18): the concepts of this page, per unit
            a: [c for c in cs if c["id"] in records]
            for a, cs in shared["unit_concepts"].items()
            if any(c["id"] in records for c in cs)
        },
        "plans": shared["plans"],
        "docs": shared["docs"],
        "provisions": shared["provisions"],
        "headings": shared["headings"],
        "mentions": shared["mentions"],
        "unit_refs": shared["unit_refs"],
        "unit_aliases": shared["unit_aliases"],
        "directory": shared["directory"],  # issue 16: search everything from every page
        "layouts": [
            {"id": lay.id, "name": lay.name, "elements": list(dict.fromkeys(lay.elements))}
            for lay in catalog.layouts
        ]
        if layout is None
        else [],
    }


# --- public --------------------------------------------------------------------------------------


def read_atlas_inputs(
    *,
    root: str | os.PathLike[str] | None = None,
    units: gpd.GeoDataFrame | None = None,
    catalog: Any = None,
    corpus: Any = None,
    gazetteer: Any = None,
    links: Any = None,
) -> dict[str, Any]:
    """Read everything the atlas pages are built from, as :func:`write_atlas` uses it.

    The admin units and the grey context are the simplified coverage
    (:func:`geo.coverage.simplified_units`: read and simplified once per data root, then
    cached; the context shares its border with Gansu exactly); the features are
    :func:`geo.catalog.build_geometry` with ``areas=False`` (lines, points and sites: the pages
    draw areas from their member units).

    Parameters
    ----------
    root
        Data root (default :func:`geo._paths.data_root`).
    units, catalog, corpus, gazetteer, links
        Records to use instead of reading them from ``root``; ``units`` defaults to
        :func:`geo.coverage.simplified_units` (all levels).

    Returns
    -------
    dict
        The keyword arguments of :func:`build_page_model` that describe the data:
        ``catalog, corpus, units, context, geometry, links, gazetteer``.
    """
    from geo.catalog import build_geometry, read_catalog
    from geo.corpus import read_corpus
    from geo.coverage import simplified_units
    from geo.gazetteer import read_gazetteer

    corpus = read_corpus(root=root) if corpus is None else corpus
    units = simplified_units(root=root, level=None) if units is None else units
    context = simplified_units(root=root, level="context")
    catalog = read_catalog(root=root, corpus=corpus) if catalog is None else catalog
    gazetteer = read_gazetteer(root=root) if gazetteer is None else gazetteer
    if links is None:
        links = _read_links(corpus, gazetteer, catalog)
    geometry = build_geometry(catalog, units, context=context, areas=False)
    return {
        "catalog": catalog,
        "corpus": corpus,
        "units": units,
        "context": context,
        "geometry": geometry,
        "links": links,
        "gazetteer": gazetteer,
    }


def build_page_model(
    *,
    catalog: Any,
    corpus: Any,
    units: gpd.GeoDataFrame,
    context: gpd.GeoDataFrame | None = None,
    geometry: gpd.GeoDataFrame | None = None,
    links: Any = None,
    gazetteer: Any = None,
    layout: Any = None,
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
        :func:`geo.coverage.simplified_units` (``level=None``).
    context
        Neighbouring units, drawn grey as given; optional. The pages of :func:`write_atlas`
        take the simplified context :func:`geo.coverage.simplified_units` (``level="context"``),
        which shares its border with the simplified Gansu units.
    geometry
        :func:`geo.catalog.build_geometry` of ``catalog`` on ``units`` (computed if omitted,
        with ``areas=False``: the page draws areas from their member units).
    links
        A :class:`geo.links.Links`; without it, place names are found by the units' full
        official names only.
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
    """
    datum = "gcj02" if datum_of(basemap) == "gcj02" else "wgs84"
    if isinstance(layout, str):
        layout = catalog.layout(layout)
    shared = _shared(
        catalog=catalog,
        corpus=corpus,
        units=units,
        context=context,
        geometry=geometry,
        links=links,
        datum=datum,
        gazetteer=gazetteer,
    )
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


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def write_atlas(
    out: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    basemap: str = "osm",
    amap: bool = True,
    offline: bool = False,
    units: gpd.GeoDataFrame | None = None,
    catalog: Any = None,
    corpus: Any = None,
    links: Any = None,
    env: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the atlas pages into the folder ``out``.

    Writes ``index.html``, one ``<layout id>.html`` per layout of ``layouts.toml``,
    ``atlas.html`` (every layer), ``static/leaflet/`` (copied from the installed
    ``django-js-lib-leaflet``), and with ``amap`` the same map pages under ``gcj02/`` with the
    overlays shifted to GCJ-02 and 高德 as basemap.

    Parameters
    ----------
    out
        Output folder (created if missing; files of the same names are replaced).
    root
        Data root (default :func:`geo._paths.data_root`).
    basemap
        Initial basemap of the WGS84 pages: ``none``, ``osm``, ``esri`` or ``tianditu``
        (needs ``$TIANDITU_KEY``).
    amap
        Also write the GCJ-02 variant with the 高德 basemap.
    offline
        Make every page self-contained (delegated to :mod:`geo.offline`).
    units, catalog, corpus, links
        Inputs to use instead of reading them from ``root`` (see :func:`read_atlas_inputs`);
        ``units`` defaults to the simplified coverage :func:`geo.coverage.simplified_units`
        (all levels), the grey context is always its ``level="context"``.
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
    inputs = read_atlas_inputs(root=root, units=units, catalog=catalog, corpus=corpus, links=links)
    catalog, corpus = inputs["catalog"], inputs["corpus"]

    written: list[Path] = []
    try:
        written += _copy_leaflet(out)
        variants = [("wgs84", "", basemap)] + ([("gcj02", "gcj02/", "amap")] if amap else [])
        for datum, sub, bm in variants:
            shared = _shared(**inputs, datum=datum)
            up = "../" * sub.count("/")
            pages = [(lay.id, lay) for lay in catalog.layouts] + [("atlas", None)]
            for pid, lay in pages:
                name = f"{pid}.html" if lay is not None else ATLAS_PAGE
                if amap:
                    other = f"../{name}" if sub else f"gcj02/{name}"
                    label = "WGS84 版 (OSM/Esri)" if sub else "高德底图版 Amap (GCJ-02)"
                    variant = {"href": other, "label": label}
                else:
                    variant = None
                model = _page(
                    shared,
                    layout=lay,
                    basemap=bm,
                    env=env,
                    home=f"{up}index.html",
                    atlas=ATLAS_PAGE,
                    variant=variant,
                    offline=offline,
                )
                html = render_page(
                    model,
                    leaflet_js=f"{up}static/leaflet/leaflet.js",
                    leaflet_css=f"{up}static/leaflet/leaflet.css",
                )
                written.append(_write(out / sub / name, html))
        written.append(_write(out / "index.html", _index_html(catalog, corpus, amap=amap)))
    except OSError as exc:
        raise OutputError(f"cannot write the atlas into {out}: {exc}; check the folder") from None
    if offline:
        from geo.offline import make_offline

        written = make_offline(out, written)
    return sorted(written)


def _index_html(catalog: Any, corpus: Any, *, amap: bool) -> str:
    plans = {p.id: p for p in corpus.plans}
    groups: list[dict[str, Any]] = []
    for lay in catalog.layouts:
        plan = plans.get(lay.plan)
        title = plan.title if plan else lay.plan
        doc = f"文件 {plan.document}" if plan else ""
        if not groups or groups[-1]["plan"] != lay.plan:
            groups.append({"plan": lay.plan, "title": title, "doc": doc, "layouts": []})
        groups[-1]["layouts"].append(
            {
                "href": f"{lay.id}.html",
                "variant": f"gcj02/{lay.id}.html" if amap else None,
                "name": lay.name,
                "name_en": lay.name_en,
                "caption": lay.caption,
                "figure": lay.figure,
                "notes": list(lay.notes),
            }
        )
    return render_template(
        "index.html",
        title=_TITLE,
        title_en=_TITLE_EN,
        css=static_text("atlas.css"),
        atlas={
            "href": ATLAS_PAGE,
            "count": len(catalog.elements),
            "variant": f"gcj02/{ATLAS_PAGE}" if amap else None,
        },
        groups=groups,
        foot=f"数据 data: {_SOURCES} · 线状要素为示意 lines are schematic",
    )
