"""The gallery index and the comparison page of the atlas (issue 17).

- :func:`thumbnails` draws a small SVG of each layout from the same records as the figures and
  the pages (the simplified coverage, the catalog's members and features): Gansu's prefectures
  once, as a ``<symbol>`` every thumbnail uses, and per layout its areas (the union of the
  whole member units), lines and points in the colours of their kinds. Cheap (a union per
  element) and deterministic (coordinates rounded to 0.1 px).
- :func:`index_html` renders ``index.html``: the layouts grouped by period and plan, a
  thumbnail and the caption of each, links to each page, its comparison, its static figure
  (``gansu-atlas figure``) and to the data downloads.
- :func:`read_comparisons` reads the comparisons of ``layers/concepts/layouts.toml``
  (``[[comparison]]``: ``id, left, right, title``); :func:`compare_html` renders
  ``compare.html``: two layout pages side by side whose maps move together (deep link
  ``compare.html#left,right``).

All text reaches HTML through autoescaped templates or :func:`geo._atlas_html.script_json`.
"""

from __future__ import annotations

import html
import math
import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from geo._atlas_html import render_template, script_json, static_text
from geo._atlas_search import layout_caption
from geo._paths import data_root
from geo.errors import CatalogError
from geo.figure import FORMATS as FIGURE_FORMATS

__all__ = [
    "DOWNLOADS",
    "FIGURES",
    "compare_html",
    "figure_command",
    "figure_files",
    "index_html",
    "read_comparisons",
    "thumbnails",
]

#: The data files :func:`geo.build.build` writes next to the pages, linked from the index.
DOWNLOADS = (
    ("data/provisions.csv", "条文 Provisions (CSV)"),
    ("data/provisions.json", "条文 Provisions (JSON)"),
    ("data/links.json", "条文—地名/概念链接 Provision links (JSON)"),
)
#: The folder of the atlas where the pages and the index look for the static figures
#: (``gansu-atlas figure``, made on demand: 20-30 s each, so the build does not make them).
FIGURES = "figures"
#: Thumbnail size in CSS pixels; the tolerance of its outlines in degrees (about a pixel).
WIDTH, HEIGHT = 240, 170
_TOLERANCE = 0.04
#: SVG styles of the thumbnails' shapes, by the colour of their kind.
_FILL = 'fill="{c}" fill-opacity="0.55" stroke="{c}" stroke-width="0.8"'
_OUTLINE = 'fill="none" stroke="{c}" stroke-width="1.6" stroke-dasharray="4 2"'
_LINE = 'fill="none" stroke="{c}" stroke-width="2" stroke-linecap="round"'
_POINT = 'r="2.6" fill="{c}" stroke="#fff" stroke-width="0.8"'


class _Frame:
    """Longitude/latitude to thumbnail pixels (equirectangular at the middle latitude)."""

    def __init__(self, bounds: Sequence[float]) -> None:
        west, south, east, north = bounds
        self.west, self.north = west, north
        self.kx = math.cos(math.radians((south + north) / 2))
        pad = 6
        self.k = min(
            (WIDTH - 2 * pad) / ((east - west) * self.kx), (HEIGHT - 2 * pad) / (north - south)
        )
        self.dx = (WIDTH - (east - west) * self.kx * self.k) / 2
        self.dy = (HEIGHT - (north - south) * self.k) / 2

    def xy(self, lon: float, lat: float) -> str:
        x = self.dx + (lon - self.west) * self.kx * self.k
        y = self.dy + (self.north - lat) * self.k
        return f"{x:.1f},{y:.1f}"

    def path(self, geom: Any) -> str:
        """SVG path data of a (multi)polygon, (multi)line or point geometry."""
        out: list[str] = []
        for part in getattr(geom, "geoms", [geom]):
            if isinstance(part, shapely.Polygon):
                for ring in [part.exterior, *part.interiors]:
                    pts = [self.xy(x, y) for x, y in ring.coords[:-1]]
                    out.append("M" + "L".join(pts) + "Z")
            elif isinstance(part, shapely.LineString):
                out.append("M" + "L".join(self.xy(x, y) for x, y in part.coords))
            elif isinstance(part, shapely.GeometryCollection | shapely.MultiPolygon):
                out.append(self.path(part))
        return "".join(out)


def _union(shapes: list[Any]) -> Any:
    """Union of member units: as a coverage (fast) unless members overlap (a prefecture and
    one of its counties), then by overlay."""
    try:
        return shapely.coverage_union_all(shapes)
    except shapely.errors.GEOSException:
        return shapely.union_all(shapes)


def _unit_geometry(units: gpd.GeoDataFrame) -> dict[tuple[str, str], Any]:
    return {
        (str(a), str(lv)): g
        for a, lv, g in zip(units["adcode"], units["level"], units.geometry.values, strict=True)
    }


def thumbnails(
    catalog: Any, units: gpd.GeoDataFrame, geometry: gpd.GeoDataFrame
) -> tuple[str, dict[str, str]]:
    """SVG thumbnails of every layout.

    Parameters
    ----------
    catalog
        A :class:`geo.catalog.Catalog`.
    units
        The admin units (``adcode, level, geometry``), e.g. the simplified coverage.
    geometry
        :func:`geo.catalog.build_geometry` of the catalog (lines, points and sites are used).

    Returns
    -------
    (str, dict)
        The shared ``<symbol id="atlas-base">`` (Gansu's prefectures and outline) and, per
        layout id, the inner SVG markup of its thumbnail (paths only, no text).
    """
    province = units[units["level"] == "province"]
    frame = _Frame(province.total_bounds)
    by_unit = _unit_geometry(units)
    prefectures = units[units["level"] == "prefecture"].simplify(_TOLERANCE)
    base = (
        '<symbol id="atlas-base" viewBox="0 0 {w} {h}">'
        '<path d="{p}" fill="#f3f3f0" stroke="#aaa" stroke-width="0.6"/>'
        '<path d="{o}" fill="none" stroke="#333" stroke-width="1.2"/></symbol>'
    ).format(
        w=WIDTH,
        h=HEIGHT,
        p="".join(frame.path(g) for g in prefectures),
        o="".join(frame.path(g) for g in province.simplify(_TOLERANCE)),
    )
    drawn = geometry["geometry_type"].isin(["line", "point"]) | (geometry["part"] == "site")
    feats: dict[str, list[Any]] = {}
    for fid, g in zip(geometry["id"][drawn], geometry.geometry[drawn], strict=True):
        feats.setdefault(str(fid), []).append(g)
    unions: dict[tuple[Any, ...], str] = {}  # elements shared by layouts are drawn once
    out: dict[str, str] = {}
    for layout in catalog.layouts:
        ids = list(dict.fromkeys(layout.elements))
        leaves = [i for i in ids if not any(p in ids for p in catalog.get(i).parts)]
        parts: list[str] = []
        for eid in leaves:
            e = catalog.get(eid)
            kind = catalog.kinds.get(e.kind)
            colour = html.escape(kind.colour if kind else "#555555", quote=True)
            if kind is not None and kind.geometry == "area":
                whole = [
                    by_unit.get((a, m.level)) or by_unit.get((a, "prefecture"))
                    for m in e.members
                    if not m.partial
                    for a in m.adcodes
                ]
                whole = [g for g in whole if g is not None]
                key = tuple(id(g) for g in whole)
                if whole and key not in unions:
                    unions[key] = frame.path(
                        shapely.simplify(_union(whole), _TOLERANCE, preserve_topology=False)
                    )
                if whole:
                    d = unions[key]
                    # a plan's area: a dashed outline
                    style = _OUTLINE if kind.style == "outline" else _FILL
                    parts.append(f'<path d="{d}" {style.format(c=colour)}/>')
            for g in feats.get(eid, []):
                if g.geom_type in ("Point", "MultiPoint"):
                    for p in getattr(g, "geoms", [g]):
                        x, y = frame.xy(p.x, p.y).split(",")
                        parts.append(f'<circle cx="{x}" cy="{y}" {_POINT.format(c=colour)}/>')
                else:
                    d = frame.path(g.simplify(_TOLERANCE / 2))
                    parts.append(f'<path d="{d}" {_LINE.format(c=colour)}/>')
        out[layout.id] = "".join(parts)
    return base, out


def read_comparisons(
    catalog: Any, *, root: str | os.PathLike[str] | None = None
) -> list[dict[str, str]]:
    """The ``[[comparison]]`` entries of ``layers/concepts/layouts.toml``.

    Each is ``{id, left, right, title}``, ``left`` and ``right`` being layout ids.

    Raises
    ------
    CatalogError
        An entry misses a key or names a layout the catalog does not have.
    """
    path = data_root(root) / "concepts" / "layouts.toml"
    if not path.is_file():
        return []
    with open(path, "rb") as fh:
        raw = tomllib.load(fh).get("comparison", [])
    known = {lay.id for lay in catalog.layouts}
    out = []
    for i, entry in enumerate(raw):
        cid = str(entry.get("id", f"#{i + 1}"))
        for key in ("id", "left", "right", "title"):
            if not entry.get(key):
                raise CatalogError([f"{path.name}: comparison {cid} has no {key}; add {key} = …"])
        for side in ("left", "right"):
            if entry[side] not in known:
                raise CatalogError(
                    [
                        f"{path.name}: comparison {cid} names the unknown layout "
                        f"'{entry[side]}' as {side}; use one of the [[layout]] ids"
                    ]
                )
        out.append({k: str(entry[k]) for k in ("id", "left", "right", "title")})
    return out


#: The index section of the machine drafts (``gansu-atlas draft``), after every period.
_DRAFTS = ("~drafts", "草案 Drafts（机器草拟，待审核 machine drafts awaiting review）")


def figure_files(out: str | os.PathLike[str], catalog: Any) -> dict[str, list[str]]:
    """The static figures of each layout found in the atlas folder ``out``: ``{layout id:
    ["figures/ID.png", "figures/ID.pdf"]}`` (paths relative to ``out``; layouts without one are
    left out). The pages and the index link only these, so no link is dead.
    """
    found: dict[str, list[str]] = {}
    for lay in catalog.layouts:
        files = [f"{FIGURES}/{lay.id}.{fmt}" for fmt in FIGURE_FORMATS]
        files = [f for f in files if (Path(out) / f).is_file()]
        if files:
            found[lay.id] = files
    return found


def figure_command(layout_id: str) -> str:
    """The command that makes a layout's figure where the pages look for it (run in the atlas
    folder).

    Examples
    --------
    >>> figure_command("lz_yihe_liangji_sidai")
    'gansu-atlas figure lz_yihe_liangji_sidai --out figures/lz_yihe_liangji_sidai.png'
    """
    return f"gansu-atlas figure {layout_id} --out {FIGURES}/{layout_id}.png"


def _period(plan: Any) -> tuple[str, str]:
    """(sort key, label) of a plan's period: its date and the period as the text words it."""
    if plan is None:
        return ("9999", "其他 Other")
    label = plan.period or (plan.date[:4] + "年" if plan.date else "")
    return (plan.date or "9999", label or "未注明时期 Period not stated")


def index_html(
    catalog: Any,
    corpus: Any,
    *,
    atlas_page: str,
    amap: bool,
    thumbs: tuple[str, Mapping[str, str]],
    comparisons: Sequence[Mapping[str, str]],
    title: str,
    title_en: str,
    foot: str,
    figures: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The gallery index: one card per layout (thumbnail, caption, links), grouped by period
    and plan; the comparisons; the data downloads and how to make the figures and exports.
    ``figures`` (:func:`figure_files`) are the static figures that exist: only those are
    linked; the others are named by the command that makes them."""
    figures = {} if figures is None else figures
    plans = {p.id: p for p in corpus.plans}
    compared: dict[str, str] = {}
    for c in comparisons:
        for side in ("left", "right"):
            compared.setdefault(c[side], f"compare.html#{c['left']},{c['right']}")
    periods: dict[tuple[str, str], dict[str, Any]] = {}
    for lay in catalog.layouts:
        plan = plans.get(lay.plan)
        key = _DRAFTS if getattr(lay, "draft", False) else _period(plan)
        period = periods.setdefault(key, {"label": key[1], "plans": {}, "draft": key == _DRAFTS})
        group = period["plans"].setdefault(
            lay.plan,
            {
                "title": plan.title if plan else lay.plan,
                "doc": f"文件 {plan.document}" if plan else "",
                "layouts": [],
            },
        )
        caption = layout_caption(lay, catalog)
        group["layouts"].append(
            {
                "id": lay.id,
                "href": f"{lay.id}.html",
                "variant": f"gcj02/{lay.id}.html" if amap else None,
                "name": lay.name,
                "name_en": lay.name_en,
                "caption": caption["text"],
                "caption_label": caption["label"],
                "figure": lay.figure,
                "figures": list(figures.get(lay.id, ())),
                "notes": caption["notes"],
                "compare": compared.get(lay.id),
                "thumb": thumbs[1].get(lay.id, ""),
            }
        )
    groups = [
        {"label": v["label"], "plans": list(v["plans"].values()), "draft": v["draft"]}
        for _, v in sorted(periods.items(), key=lambda kv: kv[0][0])
    ]
    return render_template(
        "index.html",
        title=title,
        title_en=title_en,
        css=static_text("atlas.css") + "\n" + static_text("gallery.css"),
        atlas={
            "href": atlas_page,
            "count": len(catalog.elements),
            "variant": f"gcj02/{atlas_page}" if amap else None,
        },
        base=thumbs[0],
        size={"w": WIDTH, "h": HEIGHT},
        periods=groups,
        comparisons=comparisons,
        downloads=[{"href": h, "label": label} for h, label in DOWNLOADS],
        foot=foot,
    )


def compare_html(catalog: Any, *, comparisons: Sequence[Mapping[str, str]], title: str) -> str:
    """The comparison page: two layout pages side by side (frames, panels hidden), their maps
    kept in step; ``compare.html#A,B`` opens layouts A and B."""
    data = {
        "layouts": [{"id": lay.id, "name": lay.name} for lay in catalog.layouts],
        "comparisons": list(comparisons),
    }
    return render_template(
        "compare.html",
        title=f"{title}：对比 Compare",
        css=static_text("gallery.css"),
        js=static_text("js/compare_page.js"),
        data=script_json(data),
    )
