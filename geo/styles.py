"""The look of the map, from the ontology: one source for the atlas pages and the figures.

``layers/concepts/kinds.toml`` says how each kind, basis and part is drawn (``colour``,
``style``, ``weight``, ``dash``, ``radius``, ``fill_opacity``) and what it is called (``zh``).
This module turns that into plain data, with no renderer in it (no folium, no matplotlib):

- :func:`style` — the :class:`Style` of one drawn thing: a kind × basis × part;
- :func:`basis_style` — the look of a basis alone (as the legend's key shows it);
- :func:`element_colours` — ONE colour per element, computed from the whole catalog, so an
  element has the same colour on every page: its kind's hue, shaded by its place among the
  elements of the same kind and plan (catalog order);
- :func:`element_basis` and :func:`weakest` — the basis an element's lines and points are drawn
  with (the weakest among its members: a guess is never drawn as a certainty);
- :func:`element_looks` — for each element, its colour and the :func:`style_key` of each of its
  members and feature parts (the page script only looks these up);
- :func:`page_styles` and :func:`legend` — the styles and the legend entries of a set of
  elements (the kind × basis/part combinations actually drawn);
- :func:`look` — a kind × basis × part for a GIS style (the exports' QML, SLD and KML): the
  kind's colour, the :func:`style` the pages draw, and a label.

Sizes are CSS pixels; a renderer in points (matplotlib) multiplies by :data:`PT_PER_PX`.

Examples
--------
>>> from geo.catalog import read_catalog
>>> cat = read_catalog()
>>> style(cat, kind="zone", basis="implied").dash
(6.0, 4.0)
>>> legend(cat, ["lz_yihe_xinqu"])[0]["looks"][0]["zh"]
'部分 · 隐含'
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "PT_PER_PX",
    "Look",
    "Style",
    "basis_style",
    "element_basis",
    "element_colours",
    "element_looks",
    "legend",
    "look",
    "page_styles",
    "style",
    "style_key",
    "weakest",
]

#: Points per CSS pixel (96 px = 72 pt), for renderers that measure in points.
PT_PER_PX = 0.75

#: Shades of a kind's hue for its 1st, 2nd … element in a plan: (lightness shift, hue shift in
#: degrees). A positive shift mixes towards white, a negative one towards black. Neighbours in
#: the list differ in lightness and in hue; hue stays within 30° of the kind's (no other kind's
#: colour) and lightness short of white or black (every fill stays visible).
SHADES: tuple[tuple[float, float], ...] = (
    (0.0, 0),
    (0.4, 12),
    (-0.3, -12),
    (0.6, 24),
    (-0.45, -24),
    (0.2, -30),
    (-0.15, 30),
    (0.5, -6),
    (-0.55, 6),
    (0.3, 0),
)


@dataclass(frozen=True)
class Style:
    """The look of one drawn thing, for any renderer (sizes in CSS px).

    Attributes
    ----------
    geometry
        ``area``, ``line`` or ``point``.
    weight
        Width of the outline, the line or the marker's rim.
    dash
        Dash pattern (``()``: solid).
    fill
        Whether the area or marker is filled with the element's colour.
    fill_opacity
        Opacity of that fill.
    opacity
        Opacity of the outline or line.
    hatch
        Hatched in the element's colour instead of filled (a partial unit: never filled).
    arrow
        A directed line: an arrow head at its end.
    radius
        Marker radius (points).
    rim
        Colour of the outline when it is not the element's colour (``""``: the element's).
    """

    geometry: str
    weight: float
    dash: tuple[float, ...] = ()
    fill: bool = False
    fill_opacity: float = 0.0
    opacity: float = 0.9
    hatch: bool = False
    arrow: bool = False
    radius: float = 0.0
    rim: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (``dash`` as a list)."""
        out = asdict(self)
        out["dash"] = list(self.dash)
        return out


@dataclass(frozen=True)
class Look:
    """A kind × basis × part as a GIS style draws it (one rule of a QML, SLD or KML style).

    Attributes
    ----------
    colour
        The kind's colour (``#rrggbb``): a rule is per kind, not per element.
    style
        The :class:`Style` the pages draw it with (:func:`style`).
    label
        Legend text: kind (zh, en), basis (zh) and, unless ``whole``, the part (zh).
    """

    colour: str
    style: Style
    label: str


def look(catalog: Any, *, kind: str, basis: str = "stated", part: str = "whole") -> Look:
    """The look of a kind × basis × part for the exports' styles, from the same
    :func:`style` as the pages (so a partial unit is hatched, never filled, and a guess is
    dashed or dotted in every format)."""
    k, b = catalog.kinds[kind], catalog.bases[basis]
    p = catalog.parts.get(part)
    label = f"{k.zh} {k.en} · {b.zh}"
    if part != "whole":
        label += f" · {p.zh if p is not None else part}"
    return Look(k.colour.lower(), style(catalog, kind=kind, basis=basis, part=part), label)


def style_key(kind: str, basis: str, part: str) -> str:
    """The name of a style in :func:`page_styles`: ``"KIND|BASIS|PART"``."""
    return f"{kind}|{basis}|{part}"


def style(catalog: Any, *, kind: str, basis: str = "stated", part: str = "whole") -> Style:
    """The look of ``part`` of an element of ``kind`` whose member(s) have ``basis``.

    Areas: ``fill`` kinds are filled with the basis's ``fill_opacity`` and outlined with its
    dash; ``outline`` kinds (a plan's area) are a dashed outline only; partial units are
    hatched, never filled. Lines: the kind's weight, the basis's dash, an arrow for
    ``directed-line``. Points (and the named sites of any kind): a marker of the kind's (or the
    part's) radius, filled in proportion to the basis's strength (stated: full).
    """
    k, b = catalog.kinds[kind], catalog.bases[basis]
    p = catalog.parts.get(part)
    strength = b.fill_opacity / max(catalog.bases["stated"].fill_opacity, 1e-9)
    if part == "site" or k.geometry == "point":
        radius = (p.radius if p is not None and p.radius else 0.0) or k.radius or 5.0
        site = part == "site"
        return Style(
            geometry="point",
            weight=2.0 if site else k.weight,
            dash=b.dash,
            fill=True,
            fill_opacity=round(min(1.0, strength), 3),
            opacity=1.0,
            radius=radius,
            rim="" if site else "#ffffff",
        )
    if k.geometry == "line":
        return Style(
            geometry="line", weight=k.weight, dash=b.dash, arrow=k.style == "directed-line"
        )
    if k.style == "outline":
        return Style(geometry="area", weight=k.weight, dash=k.dash)
    if part == "partial":
        return Style(geometry="area", weight=k.weight, dash=b.dash or (4.0, 3.0), hatch=True)
    return Style(
        geometry="area", weight=k.weight, dash=b.dash, fill=True, fill_opacity=b.fill_opacity
    )


def basis_style(catalog: Any, basis: str) -> Style:
    """The look of ``basis`` on a filled area (the legend's key for that basis)."""
    b = catalog.bases[basis]
    return Style(geometry="area", weight=1.2, dash=b.dash, fill=True, fill_opacity=b.fill_opacity)


def _shade(hex_colour: str, lightness: float, hue: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, lum, sat = colorsys.rgb_to_hls(r, g, b)
    r, g, b = colorsys.hls_to_rgb((h + hue / 360) % 1.0, lum, sat)
    if lightness > 0:
        r, g, b = (v + (1 - v) * lightness for v in (r, g, b))
    else:
        r, g, b = (v * (1 + lightness) for v in (r, g, b))
    return "#" + "".join(f"{round(min(max(v, 0.0), 1.0) * 255):02x}" for v in (r, g, b))


def element_colours(catalog: Any) -> dict[str, str]:
    """One colour per element of the catalog, the same on every page (``#rrggbb``).

    An element drawn itself takes its kind's colour shaded by :data:`SHADES` at its place among
    the drawn elements of the same kind and plan, in catalog order; an element made of parts
    only (drawn through them) takes its kind's colour, one with members of its own besides its
    parts' (drawn itself too, e.g. a region listing its 市州) a shade like any drawn element.
    Deterministic: the catalog alone decides.
    """
    seen: dict[tuple[str, str], int] = {}
    out: dict[str, str] = {}
    for e in catalog.elements:
        colour = catalog.kinds[e.kind].colour
        if e.parts and all(m.via for m in e.members):
            out[e.id] = colour.lower()
            continue
        n = seen.get((e.kind, e.plan), 0)
        seen[(e.kind, e.plan)] = n + 1
        out[e.id] = _shade(colour, *SHADES[n % len(SHADES)])
    return out


def weakest(catalog: Any, bases: Iterable[str]) -> str:
    """The weakest of ``bases`` (the last in the order of ``[basis.*]``); ``stated`` if none."""
    rank = {b: i for i, b in enumerate(catalog.bases)}
    return max(bases, key=rank.__getitem__, default="stated")


def element_basis(catalog: Any, element: Any) -> str:
    """The weakest basis among the element's members: its lines and points are drawn so."""
    return weakest(catalog, (m.basis for m in element.members))


def _element(catalog: Any, id: str) -> Any:
    return catalog.get(id)


def element_looks(catalog: Any, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """For each element: ``colour``, ``members`` (the style key of each member, in order, for
    area elements) and ``parts`` (``{part: style key}`` of its lines, points and sites)."""
    colours = element_colours(catalog)
    out: dict[str, dict[str, Any]] = {}
    for id in dict.fromkeys(ids):
        e = _element(catalog, id)
        geometry = catalog.kinds[e.kind].geometry
        basis = element_basis(catalog, e)
        members = []
        if geometry == "area":
            members = [
                style_key(e.kind, m.basis, "partial" if m.partial else "whole") for m in e.members
            ]
        sites = [m.basis for m in e.members if m.site is not None]
        parts = {}
        if geometry != "area":
            parts["whole"] = style_key(e.kind, basis, "whole")
        if sites:
            parts["site"] = style_key(e.kind, weakest(catalog, sites), "site")
        out[id] = {"colour": colours[id], "members": members, "parts": parts}
    return out


def page_styles(catalog: Any, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The styles the elements ``ids`` are drawn with: ``{style key: Style.to_dict()}``."""
    keys = sorted(_keys(element_looks(catalog, ids)))
    return {key: style(catalog, **_parse(key)).to_dict() for key in keys}


def _keys(looks: Mapping[str, Mapping[str, Any]]) -> set[str]:
    return {k for look in looks.values() for k in [*look["members"], *look["parts"].values()]}


def _parse(key: str) -> dict[str, str]:
    kind, basis, part = key.split("|")
    return {"kind": kind, "basis": basis, "part": part}


def legend(catalog: Any, element_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The legend of the elements ``element_ids``: one entry per kind present, in the
    ontology's order, each with the looks actually drawn (kind × basis/part).

    Each entry: ``kind, zh, en, geometry, colour`` (the kind's), ``style`` (the key of its
    first look) and ``looks``: ``[{style, basis, part, zh, en}]``, ordered by basis then part
    as ``kinds.toml`` lists them; ``zh`` is the basis's word (明确, 隐含 …), prefixed with the
    part's (部分 · 明确) for partial units and sites.
    """
    ids = [i for i in dict.fromkeys(element_ids) if not _element(catalog, i).parts]
    keys = _keys(element_looks(catalog, ids))
    basis_rank = {b: i for i, b in enumerate(catalog.bases)}
    part_rank = {p: i for i, p in enumerate(catalog.parts)}
    out = []
    for k in sorted(catalog.kinds.values(), key=lambda k: (k.order, k.id)):
        mine = sorted(
            (_parse(key) for key in keys if key.startswith(k.id + "|")),
            key=lambda x: (part_rank.get(x["part"], 0), basis_rank[x["basis"]]),
        )
        if not mine:
            continue
        looks = []
        for x in mine:
            b, part = catalog.bases[x["basis"]], catalog.parts.get(x["part"])
            words_zh, words_en = b.zh, b.id
            if x["part"] != "whole" and part is not None:
                words_zh, words_en = f"{part.zh} · {b.zh}", f"{part.id} · {b.id}"
            looks.append(
                {
                    "style": style_key(k.id, x["basis"], x["part"]),
                    "basis": x["basis"],
                    "part": x["part"],
                    "zh": words_zh,
                    "en": words_en,
                }
            )
        out.append(
            {
                "kind": k.id,
                "zh": k.zh,
                "en": k.en,
                "geometry": k.geometry,
                "colour": k.colour,
                "style": looks[0]["style"],
                "looks": looks,
            }
        )
    return out
