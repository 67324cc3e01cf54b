"""Styles of the exported layers, from ``kinds.toml`` like the maps: QML, SLD and KML styles.

Every rule takes its look from :func:`geo.styles.look` (the kind's colour and the
:func:`geo.styles.style` the atlas pages draw), so the exports and the pages agree. A concept
feature is drawn by its ``kind``, its ``part`` (a ``partial`` outline is hatched, never filled)
and its ``weakest`` basis (dashed or dotted, and a lighter fill, for anything short of stated),
so a guess never looks like a certainty. Sizes: the pages' CSS pixels (QML in millimetres).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from geo.styles import Look, Style, look

#: Admin layers: outline colour, width (px) and fill opacity; context units are filled grey.
_ADMIN = {
    "province": ("#34495e", 3.0, 0.0),
    "prefectures": ("#566573", 2.0, 0.0),
    "counties": ("#99a3a4", 1.0, 0.0),
    "context": ("#b3b6b7", 1.0, 0.24),
}
_MM_PER_PX = 25.4 / 96
_GEOMETRY = {"concept_areas": "fill", "concept_lines": "line", "concept_points": "marker"}
_SLD = "http://www.opengis.net/sld"
_OGC = "http://www.opengis.net/ogc"
ET.register_namespace("", _SLD)
ET.register_namespace("ogc", _OGC)


def _admin_look(layer: str) -> Look:
    colour, weight, fill = _ADMIN.get(layer, ("#7f8c8d", 1.0, 0.0))
    drawn = Style(geometry="area", weight=weight, fill=fill > 0, fill_opacity=fill, opacity=1.0)
    return Look(colour, drawn, layer)


def _looks(layer: str, frame: Any, catalog: Any) -> list[tuple[str, str, str, Look]]:
    """``(kind, weakest basis, part, look)`` of every combination present in a concept
    layer, sorted."""
    if layer not in _GEOMETRY:
        return []
    keys = sorted(set(zip(frame["kind"], frame["weakest"], frame["part"], strict=True)))
    return [(k, b, p, look(catalog, kind=k, basis=b, part=p)) for k, b, p in keys]


def _rgb(colour: str, opacity: float = 1.0) -> str:
    h = colour.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + f",{round(opacity * 255)}"


def _mm(px: float) -> str:
    return f"{px * _MM_PER_PX:.2f}"


def _pen(dash: tuple[float, ...]) -> str:
    """QGIS's named pen for a dash pattern (fills have no custom dash)."""
    if not dash:
        return "solid"
    return "dot" if dash[0] <= 2 else "dash"


def _dash(dash: tuple[float, ...]) -> str:
    return " ".join(f"{d:g}" for d in dash)


# --- QML (QGIS) -----------------------------------------------------------------------------


def _option_map(parent: ET.Element, values: dict[str, str]) -> None:
    opts = ET.SubElement(parent, "Option", type="Map")
    for key in sorted(values):
        ET.SubElement(opts, "Option", name=key, type="QString", value=values[key])


def _qml_symbol(parent: ET.Element, name: str, kind: str, values: dict[str, str]) -> None:
    cls = {"fill": "SimpleFill", "line": "SimpleLine", "marker": "SimpleMarker"}[kind]
    sym = ET.SubElement(parent, "symbol", type=kind, name=name, alpha="1", clip_to_extent="1")
    layer = ET.SubElement(sym, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    _option_map(layer, values)


def _qml_values(symbol: str, lk: Look) -> dict[str, str]:
    st = lk.style
    if symbol == "line":
        out = {
            "line_color": _rgb(lk.colour, st.opacity),
            "line_width": _mm(st.weight),
            "line_width_unit": "MM",
            "line_style": _pen(st.dash),
        }
        if st.dash:
            out |= {"use_custom_dash": "1", "customdash": _dash(st.dash).replace(" ", ";")}
            out["customdash_unit"] = "Pixel"
        return out
    if symbol == "marker":
        return {
            "color": _rgb(lk.colour, st.fill_opacity if st.fill else 0.0),
            "name": "circle",
            "size": _mm(2 * (st.radius or 5.0)),
            "outline_color": _rgb(st.rim or lk.colour, st.opacity),
            "outline_style": _pen(st.dash),
            "outline_width": _mm(st.weight),
        }
    fill = "solid" if st.fill else ("b_diagonal" if st.hatch else "no")
    return {
        "color": _rgb(lk.colour, st.fill_opacity if st.fill else st.opacity),
        "style": fill,
        "outline_color": _rgb(lk.colour, st.opacity),
        "outline_style": _pen(st.dash),
        "outline_width": _mm(st.weight),
        "outline_width_unit": "MM",
    }


def qml(layer: str, frame: Any, catalog: Any) -> str:
    """A QGIS style (``.qml``) for an exported layer: rule-based for the concept layers (kind,
    weakest basis, part), a plain outline for the admin layers."""
    root = ET.Element("qgis", version="3.28.0", styleCategories="Symbology")
    if layer in _GEOMETRY:
        symbol = _GEOMETRY[layer]
        renderer = ET.SubElement(root, "renderer-v2", type="RuleRenderer", symbollevels="0")
        rules = ET.SubElement(renderer, "rules", key="root")
        symbols = ET.SubElement(renderer, "symbols")
        for i, (kind, basis, part, lk) in enumerate(_looks(layer, frame, catalog)):
            expr = f"\"kind\" = '{kind}' AND \"weakest\" = '{basis}' AND \"part\" = '{part}'"
            ET.SubElement(rules, "rule", key=f"r{i}", filter=expr, symbol=str(i), label=lk.label)
            _qml_symbol(symbols, str(i), symbol, _qml_values(symbol, lk))
    else:
        renderer = ET.SubElement(root, "renderer-v2", type="singleSymbol", symbollevels="0")
        symbols = ET.SubElement(renderer, "symbols")
        _qml_symbol(symbols, "0", "fill", _qml_values("fill", _admin_look(layer)))
    ET.indent(root)
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        + ET.tostring(root, encoding="unicode")
        + "\n"
    )


# --- SLD (GeoServer, QGIS, ArcGIS Pro) ---------------------------------------------------------


def _sld(tag: str) -> str:
    return f"{{{_SLD}}}{tag}"


def _param(parent: ET.Element, tag: str, name: str, value: str) -> None:
    ET.SubElement(parent, _sld(tag), name=name).text = value


def _sld_filter(rule: ET.Element, pairs: Iterable[tuple[str, str]]) -> None:
    filt = ET.SubElement(rule, f"{{{_OGC}}}Filter")
    parent = ET.SubElement(filt, f"{{{_OGC}}}And")
    for field, value in pairs:
        eq = ET.SubElement(parent, f"{{{_OGC}}}PropertyIsEqualTo")
        ET.SubElement(eq, f"{{{_OGC}}}PropertyName").text = field
        ET.SubElement(eq, f"{{{_OGC}}}Literal").text = value


def _stroke(parent: ET.Element, colour: str, st: Style) -> None:
    stroke = ET.SubElement(parent, _sld("Stroke"))
    _param(stroke, "CssParameter", "stroke", st.rim or colour)
    _param(stroke, "CssParameter", "stroke-width", f"{st.weight:g}")
    _param(stroke, "CssParameter", "stroke-opacity", f"{st.opacity:g}")
    if st.dash:
        _param(stroke, "CssParameter", "stroke-dasharray", _dash(st.dash))


def _fill(parent: ET.Element, colour: str, opacity: float) -> None:
    fill = ET.SubElement(parent, _sld("Fill"))
    _param(fill, "CssParameter", "fill", colour)
    _param(fill, "CssParameter", "fill-opacity", f"{opacity:g}")


def _sld_symbolizer(rule: ET.Element, symbol: str, lk: Look) -> None:
    st = lk.style
    if symbol == "line":
        _stroke(ET.SubElement(rule, _sld("LineSymbolizer")), lk.colour, st)
        return
    if symbol == "marker":
        graphic = ET.SubElement(ET.SubElement(rule, _sld("PointSymbolizer")), _sld("Graphic"))
        mark = ET.SubElement(graphic, _sld("Mark"))
        ET.SubElement(mark, _sld("WellKnownName")).text = "circle"
        _fill(mark, lk.colour, st.fill_opacity if st.fill else 0.0)
        _stroke(mark, lk.colour, st)
        ET.SubElement(graphic, _sld("Size")).text = f"{2 * (st.radius or 5.0):g}"
        return
    poly = ET.SubElement(rule, _sld("PolygonSymbolizer"))
    if st.fill:
        _fill(poly, lk.colour, st.fill_opacity)
    _stroke(poly, lk.colour, st)


def sld(layer: str, frame: Any, catalog: Any) -> str:
    """An OGC SLD 1.0 style for an exported layer (same rules as :func:`qml`)."""
    root = ET.Element(_sld("StyledLayerDescriptor"), version="1.0.0")
    named = ET.SubElement(root, _sld("NamedLayer"))
    ET.SubElement(named, _sld("Name")).text = layer
    user = ET.SubElement(named, _sld("UserStyle"))
    ET.SubElement(user, _sld("Title")).text = f"{layer} (gansu-atlas, kinds.toml)"
    fts = ET.SubElement(user, _sld("FeatureTypeStyle"))
    if layer in _GEOMETRY:
        for kind, basis, part, lk in _looks(layer, frame, catalog):
            rule = ET.SubElement(fts, _sld("Rule"))
            ET.SubElement(rule, _sld("Name")).text = f"{kind} {basis} {part}"
            ET.SubElement(rule, _sld("Title")).text = lk.label
            _sld_filter(rule, [("kind", kind), ("weakest", basis), ("part", part)])
            _sld_symbolizer(rule, _GEOMETRY[layer], lk)
    else:
        rule = ET.SubElement(fts, _sld("Rule"))
        ET.SubElement(rule, _sld("Name")).text = layer
        _sld_symbolizer(rule, "fill", _admin_look(layer))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- KML ---------------------------------------------------------------------------------------


def _kml_colour(colour: str, opacity: float) -> str:
    h = colour.lstrip("#")
    return f"{round(opacity * 255):02x}{h[4:6]}{h[2:4]}{h[0:2]}"


def kml_style_id(layer: str, row: Any) -> str:
    """The id of the KML ``<Style>`` of a feature: ``kind.basis.part``, or the admin layer."""
    if layer in _GEOMETRY:
        return f"{row['kind']}.{row['weakest']}.{row['part']}"
    return layer


def kml_styles(layer: str, frame: Any, catalog: Any) -> list[ET.Element]:
    """The ``<Style>`` elements a KML layer uses (one per kind, basis and part). KML has no
    dashes: a weaker basis shows as a lighter fill and a thinner line."""
    if layer in _GEOMETRY:
        looks = [(f"{k}.{b}.{p}", lk) for k, b, p, lk in _looks(layer, frame, catalog)]
    else:
        looks = [(layer, _admin_look(layer))]
    out = []
    for sid, lk in looks:
        st = lk.style
        style = ET.Element("Style", id=sid)
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_colour(lk.colour, st.opacity)
        ET.SubElement(line, "width").text = f"{st.weight * (0.6 if st.dash else 1.0):g}"
        poly = ET.SubElement(style, "PolyStyle")
        ET.SubElement(poly, "color").text = _kml_colour(lk.colour, st.fill_opacity)
        ET.SubElement(poly, "fill").text = "1" if st.fill else "0"
        icon = ET.SubElement(style, "IconStyle")
        ET.SubElement(icon, "color").text = _kml_colour(lk.colour, 1.0)
        ET.SubElement(icon, "scale").text = f"{(st.radius or 5.0) / 6:.2f}"
        out.append(style)
    return out
