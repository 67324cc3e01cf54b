"""Styles of the exported layers, from ``kinds.toml`` like the maps: QML, SLD and KML styles.

One function, :func:`style_of`, reads the look of a kind and basis from the catalog; every
writer here goes through it (to be replaced by ``geo.styles`` when that module exists).
A concept feature is drawn by its ``kind``, its ``part`` (a ``partial`` outline is hatched,
never filled) and its ``weakest`` basis (solid for stated, dashed for implied, dotted for
inferred and external), so a guess never looks like a certainty.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Admin layers: outline colour and width (mm) by layer; context units are filled light grey.
_ADMIN = {
    "province": ("#34495e", 0.8),
    "prefectures": ("#566573", 0.5),
    "counties": ("#99a3a4", 0.25),
    "context": ("#b3b6b7", 0.25),
}
_FILL_ALPHA = {"solid": 150, "dashed": 110, "dotted": 70}
_PEN = {"solid": "solid", "dashed": "dash", "dotted": "dot"}
_SLD_DASH = {"solid": None, "dashed": "6 3", "dotted": "1.5 3"}
_GEOMETRY = {"concept_areas": "fill", "concept_lines": "line", "concept_points": "marker"}
_SLD = "http://www.opengis.net/sld"
_OGC = "http://www.opengis.net/ogc"
ET.register_namespace("", _SLD)
ET.register_namespace("ogc", _OGC)


@dataclass(frozen=True)
class Look:
    """How one kind and basis is drawn: colour ``#rrggbb``, the kind's style (``fill``,
    ``outline``, ``directed-line``, ``marker``) and the basis' line style (``solid``,
    ``dashed``, ``dotted``)."""

    colour: str
    style: str
    line: str
    label: str


def style_of(catalog: Any, kind: str, basis: str) -> Look:
    """The look of a feature of ``kind`` whose weakest member basis is ``basis``."""
    k = catalog.kinds[kind]
    b = catalog.bases.get(basis)
    line = b.style if b is not None and b.style else "dotted"
    label = f"{k.zh} {k.en} · {b.zh if b is not None else basis}"
    return Look(k.colour, k.style, line, label)


def _rgb(colour: str, alpha: int = 255) -> str:
    h = colour.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + f",{alpha}"


def _rules(layer: str, frame: Any) -> list[tuple[str, str, str]]:
    """The (kind, weakest basis, part) combinations present in a concept layer, sorted."""
    if layer not in _GEOMETRY:
        return []
    keys = zip(frame["kind"], frame["weakest"], frame["part"], strict=True)
    return sorted(set(keys))


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


def _qml_values(symbol: str, look: Look, part: str, width: float = 0.6) -> dict[str, str]:
    pen = _PEN[look.line]
    if symbol == "line":
        return {"line_color": _rgb(look.colour), "line_width": "0.8", "line_style": pen}
    if symbol == "marker":
        return {
            "color": _rgb(look.colour),
            "name": "circle",
            "size": "2.6",
            "outline_color": "255,255,255,255",
            "outline_width": "0.3",
        }
    filled = look.style == "fill" and part == "whole"
    return {
        "color": _rgb(look.colour, _FILL_ALPHA[look.line]),
        "style": "solid" if filled else ("b_diagonal" if part == "partial" else "no"),
        "outline_color": _rgb(look.colour),
        "outline_style": pen,
        "outline_width": f"{width}",
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
        for i, (kind, basis, part) in enumerate(_rules(layer, frame)):
            look = style_of(catalog, kind, basis)
            expr = f"\"kind\" = '{kind}' AND \"weakest\" = '{basis}' AND \"part\" = '{part}'"
            label = f"{look.label} · {catalog.parts[part].zh if part in catalog.parts else part}"
            ET.SubElement(rules, "rule", key=f"r{i}", filter=expr, symbol=str(i), label=label)
            _qml_symbol(symbols, str(i), symbol, _qml_values(symbol, look, part))
    else:
        colour, width = _ADMIN.get(layer, ("#7f8c8d", 0.3))
        renderer = ET.SubElement(root, "renderer-v2", type="singleSymbol", symbollevels="0")
        symbols = ET.SubElement(renderer, "symbols")
        fill = {
            "color": _rgb(colour, 60 if layer == "context" else 0),
            "style": "solid" if layer == "context" else "no",
            "outline_color": _rgb(colour),
            "outline_style": "solid",
            "outline_width": f"{width}",
        }
        _qml_symbol(symbols, "0", "fill", fill)
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


def _stroke(parent: ET.Element, colour: str, width: float, line: str = "solid") -> None:
    stroke = ET.SubElement(parent, _sld("Stroke"))
    _param(stroke, "CssParameter", "stroke", colour)
    _param(stroke, "CssParameter", "stroke-width", f"{width}")
    if _SLD_DASH[line]:
        _param(stroke, "CssParameter", "stroke-dasharray", _SLD_DASH[line])


def _sld_symbolizer(rule: ET.Element, symbol: str, look: Look, part: str) -> None:
    if symbol == "line":
        _stroke(ET.SubElement(rule, _sld("LineSymbolizer")), look.colour, 2.5, look.line)
        return
    if symbol == "marker":
        graphic = ET.SubElement(ET.SubElement(rule, _sld("PointSymbolizer")), _sld("Graphic"))
        mark = ET.SubElement(graphic, _sld("Mark"))
        ET.SubElement(mark, _sld("WellKnownName")).text = "circle"
        fill = ET.SubElement(mark, _sld("Fill"))
        _param(fill, "CssParameter", "fill", look.colour)
        ET.SubElement(graphic, _sld("Size")).text = "8"
        return
    poly = ET.SubElement(rule, _sld("PolygonSymbolizer"))
    if look.style == "fill" and part == "whole":
        fill = ET.SubElement(poly, _sld("Fill"))
        _param(fill, "CssParameter", "fill", look.colour)
        _param(fill, "CssParameter", "fill-opacity", f"{_FILL_ALPHA[look.line] / 255:.2f}")
    _stroke(poly, look.colour, 1.5, "dashed" if part == "partial" else look.line)


def sld(layer: str, frame: Any, catalog: Any) -> str:
    """An OGC SLD 1.0 style for an exported layer (same rules as :func:`qml`)."""
    root = ET.Element(_sld("StyledLayerDescriptor"), version="1.0.0")
    named = ET.SubElement(root, _sld("NamedLayer"))
    ET.SubElement(named, _sld("Name")).text = layer
    user = ET.SubElement(named, _sld("UserStyle"))
    ET.SubElement(user, _sld("Title")).text = f"{layer} (gansu-atlas, kinds.toml)"
    fts = ET.SubElement(user, _sld("FeatureTypeStyle"))
    if layer in _GEOMETRY:
        for kind, basis, part in _rules(layer, frame):
            look = style_of(catalog, kind, basis)
            rule = ET.SubElement(fts, _sld("Rule"))
            ET.SubElement(rule, _sld("Name")).text = f"{kind} {basis} {part}"
            ET.SubElement(rule, _sld("Title")).text = look.label
            _sld_filter(rule, [("kind", kind), ("weakest", basis), ("part", part)])
            _sld_symbolizer(rule, _GEOMETRY[layer], look, part)
    else:
        colour, width = _ADMIN.get(layer, ("#7f8c8d", 0.3))
        rule = ET.SubElement(fts, _sld("Rule"))
        ET.SubElement(rule, _sld("Name")).text = layer
        _stroke(ET.SubElement(rule, _sld("PolygonSymbolizer")), colour, width * 4)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- KML ---------------------------------------------------------------------------------------


def _kml_colour(colour: str, alpha: int) -> str:
    h = colour.lstrip("#")
    return f"{alpha:02x}{h[4:6]}{h[2:4]}{h[0:2]}"


def kml_style_id(layer: str, row: Any) -> str:
    """The id of the KML ``<Style>`` of a feature: ``kind.basis.part``, or the admin layer."""
    if layer in _GEOMETRY:
        return f"{row['kind']}.{row['weakest']}.{row['part']}"
    return layer


def kml_styles(layer: str, frame: Any, catalog: Any) -> list[ET.Element]:
    """The ``<Style>`` elements a KML layer uses (one per kind, basis and part)."""
    out = []
    if layer in _GEOMETRY:
        looks = [(f"{k}.{b}.{p}", style_of(catalog, k, b), p) for k, b, p in _rules(layer, frame)]
    else:
        colour, width = _ADMIN.get(layer, ("#7f8c8d", 0.3))
        looks = [(layer, Look(colour, "outline", "solid", layer), "whole")]
    for sid, look, part in looks:
        style = ET.Element("Style", id=sid)
        width = {"solid": 3.0, "dashed": 2.0, "dotted": 1.2}[look.line]
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_colour(look.colour, 255)
        ET.SubElement(line, "width").text = f"{width}"
        poly = ET.SubElement(style, "PolyStyle")
        ET.SubElement(poly, "color").text = _kml_colour(look.colour, _FILL_ALPHA[look.line])
        filled = look.style == "fill" and part == "whole"
        ET.SubElement(poly, "fill").text = "1" if filled else "0"
        icon = ET.SubElement(style, "IconStyle")
        ET.SubElement(icon, "color").text = _kml_colour(look.colour, 255)
        ET.SubElement(icon, "scale").text = "0.8"
        out.append(style)
    return out
