"""Maps in Jupyter: a layout as a :class:`folium.Map` a user can add layers to (issue 17).

:func:`layout_map` draws one layout the way the atlas page does (areas from their whole member
units, partial members as dashed outlines, schematic lines and points), from the same records
(:func:`geo.atlas.page_inputs`), with the side panel's information in each element's
popup: kind, plan, members with their basis, the defining quotes with their provisions, and
how many provisions mention it. Every text is HTML-escaped, and so are the characters a
JavaScript template literal or a Jinja2 template would read (folium treats popup HTML as both).

Examples
--------
>>> m = layout_map("lz_yihe_liangji_sidai")            # doctest: +SKIP
>>> folium.Marker([36.06, 103.83], tooltip="mine").add_to(m)   # doctest: +SKIP
>>> m                                                   # doctest: +SKIP
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from typing import Any

import folium
import shapely

from geo.atlas import page_inputs
from geo.inputs import Inputs, read_inputs

__all__ = ["layout_map", "popup_html"]

#: Besides HTML's own: what a JavaScript template literal reads (folium puts popup HTML in
#: backticks) and what a Jinja2 template reads (folium renders popup HTML as a template:
#: ``{{ 7*7 }}`` in a plan text would become 49).
_UNSAFE = {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;", "%": "&#37;"}


def _esc(text: Any) -> str:
    out = html.escape(str(text), quote=True)
    for ch, ent in _UNSAFE.items():
        out = out.replace(ch, ent)
    return out


def popup_html(element: Any, catalog: Any, *, names: Mapping[str, str], refs: int = 0) -> str:
    """The popup of one element: what the atlas panel shows, escaped.

    Examples
    --------
    >>> from types import SimpleNamespace as N
    >>> e = N(name="<b>x</b>", name_en="", kind="zone", plan="p", members=[], quotes=[
    ...     N(text="`${1}`", provision="p-1")], notes=[])
    >>> cat = N(kinds={}, bases={})
    >>> "<b>x" in popup_html(e, cat, names={}), "&lt;b&gt;x" in popup_html(e, cat, names={})
    (False, True)
    >>> "`" in popup_html(e, cat, names={}) or "${" in popup_html(e, cat, names={})
    False
    """
    kind = catalog.kinds.get(element.kind)
    kind_label = f"{kind.zh} {kind.en}" if kind else element.kind
    rows = [
        f"<b>{_esc(element.name)}</b>"
        + (f" <small>{_esc(element.name_en)}</small>" if element.name_en else ""),
        f"<small>{_esc(kind_label)} · 规划 plan {_esc(element.plan)}</small>",
    ]
    for q in element.quotes:
        rows.append(
            f"<blockquote style='margin:4px 0;padding-left:6px;border-left:3px solid #c0392b'>"
            f"{_esc(q.text)} <small>— {_esc(q.provision)}</small></blockquote>"
        )
    if element.members:
        items = []
        for m in element.members:
            units = "、".join(names.get(a, a) for a in m.adcodes)
            basis = catalog.bases[m.basis].zh if m.basis in catalog.bases else m.basis
            part = " · 部分 partial" if m.partial else ""
            items.append(
                f"<li>{_esc(m.name)} ({_esc(units)}): {_esc(basis)} {_esc(m.basis)}{part}</li>"
            )
        rows.append(
            "<b>成员 Members</b><ul style='margin:2px 0;padding-left:16px'>"
            + "".join(items)
            + "</ul>"
        )
    if refs:
        rows.append(f"<small>提及条文 provisions that mention it: {int(refs)}</small>")
    for n in element.notes:
        rows.append(f"<small>{_esc(n)}</small>")
    return "<div style='max-width:360px;font-size:13px'>" + "<br>".join(rows) + "</div>"


def layout_map(
    layout_id: str,
    *,
    inputs: Mapping[str, Any] | None = None,
    root: str | os.PathLike[str] | None = None,
    tiles: str | None = "OpenStreetMap",
) -> folium.Map:
    """A layout of the atlas as a :class:`folium.Map` for Jupyter.

    Parameters
    ----------
    layout_id
        A layout id of ``layers/concepts/layouts.toml`` (e.g. ``lz_yihe_liangji_sidai``).
    inputs
        :func:`geo.inputs.read_inputs` (or its :func:`geo.atlas.page_inputs`); read from
        ``root`` when omitted (read once per data root either way).
    root
        Data root (default :func:`geo._paths.data_root`).
    tiles
        folium basemap (``None``: vector only, as the offline pages).

    Returns
    -------
    folium.Map
        One :class:`folium.FeatureGroup` per element (named after it, in the layer control),
        over Gansu's prefecture borders; add your own layers with ``.add_to(m)``.

    Raises
    ------
    geo.errors.UnknownNameError
        ``layout_id`` is not a layout of the catalog.
    """
    if inputs is None:
        inputs = read_inputs(root)
    data = page_inputs(inputs) if isinstance(inputs, Inputs) else dict(inputs)
    catalog, units, geometry = data["catalog"], data["units"], data["geometry"]
    layout = catalog.layout(layout_id)
    names = {str(a): str(n) for a, n in zip(units["adcode"], units["name"], strict=True)}
    shapes = {
        (str(a), str(lv)): g
        for a, lv, g in zip(units["adcode"], units["level"], units.geometry, strict=True)
    }
    links = data.get("links")
    by_concept = getattr(links, "by_concept", {}) or {}

    west, south, east, north = units[units["level"] == "province"].total_bounds
    m = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=6, tiles=tiles)
    folium.GeoJson(
        units[units["level"] == "prefecture"][["name", "geometry"]],
        name="市州 Prefectures",
        style_function=lambda _: {"color": "#555", "weight": 1.2, "fill": False},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(m)
    ids = list(dict.fromkeys(layout.elements))
    for eid in ids:
        e = catalog.get(eid)
        if any(p in ids for p in e.parts):
            continue  # composites are drawn through their parts
        kind = catalog.kinds.get(e.kind)
        colour = kind.colour if kind else "#555555"
        group = folium.FeatureGroup(name=e.name)
        popup = popup_html(e, catalog, names=names, refs=len(by_concept.get(e.id, ())))
        if kind is not None and kind.geometry == "area":
            for partial in (False, True):
                parts = [
                    shapes.get((a, m_.level)) or shapes.get((a, "prefecture"))
                    for m_ in e.members
                    if bool(m_.partial) == partial
                    for a in m_.adcodes
                ]
                parts = [g for g in parts if g is not None]
                if not parts:
                    continue
                style = {
                    "color": colour,
                    "fillColor": colour,
                    "weight": 2 if partial else 1.2,
                    "fillOpacity": 0.0 if partial or kind.style == "outline" else 0.4,
                    "dashArray": "6 4" if partial or kind.style == "outline" else None,
                }
                folium.GeoJson(
                    shapely.union_all(parts).__geo_interface__,
                    style_function=lambda _, s=style: s,
                    popup=folium.Popup(folium.Html(popup, script=True), max_width=380),
                    tooltip=_esc(e.name) + (" (部分 partial)" if partial else ""),
                ).add_to(group)
        for g in geometry.loc[
            (geometry["id"] == eid) & (geometry["geometry_type"] != "area")
        ].geometry:
            style = {"color": colour, "weight": 4, "opacity": 0.9}
            folium.GeoJson(
                g.__geo_interface__,
                style_function=lambda _, s=style: s,
                marker=folium.CircleMarker(
                    radius=7, color="#fff", weight=2, fill_color=colour, fill_opacity=1
                ),
                popup=folium.Popup(folium.Html(popup, script=True), max_width=380),
                tooltip=_esc(e.name)
                + (" 示意 schematic" if g.geom_type.endswith("LineString") else ""),
            ).add_to(group)
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m
