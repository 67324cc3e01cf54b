"""KML of the exports: styled placemarks with an HTML description (see :mod:`geo.export`).

GDAL's KML driver writes one style for everything and no description; this writer puts one
``<Style>`` per kind, basis and part (:mod:`geo._export_styles`), a ``<description>`` in HTML
holding the element, its basis, its members and the defining provision text, and every
attribute in ``ExtendedData`` with a ``<Schema>`` (so GDAL reads the fields back typed). All
text is escaped twice where it must be: once as HTML (``html.escape``), once as XML (ElementTree).
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo._export_styles import kml_style_id, kml_styles

_KML = "http://www.opengis.net/kml/2.2"
_TYPES = {"b": "bool", "i": "int", "u": "int", "f": "double"}
#: Attributes renamed in KML: GDAL's LIBKML driver reads ``id`` as the placemark's XML id.
KML_FIELDS = {"id": "element_id"}


def _num(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def _coords(ring: Any, decimals: int) -> str:
    xy = shapely.get_coordinates(ring)
    return " ".join(f"{_num(x, decimals)},{_num(y, decimals)}" for x, y in xy)


def _geometry(parent: ET.Element, geom: Any, decimals: int) -> None:
    kind = geom.geom_type
    if kind.startswith("Multi") or kind == "GeometryCollection":
        multi = ET.SubElement(parent, "MultiGeometry")
        for g in geom.geoms:
            _geometry(multi, g, decimals)
    elif kind == "Polygon":
        poly = ET.SubElement(parent, "Polygon")
        for tag, ring in [("outerBoundaryIs", geom.exterior)] + [
            ("innerBoundaryIs", r) for r in geom.interiors
        ]:
            lr = ET.SubElement(ET.SubElement(poly, tag), "LinearRing")
            ET.SubElement(lr, "coordinates").text = _coords(ring, decimals)
    elif kind == "LineString":
        ET.SubElement(ET.SubElement(parent, "LineString"), "coordinates").text = _coords(
            geom, decimals
        )
    else:
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coords(geom, decimals)


def _basis_zh(value: str, catalog: Any) -> str:
    counts = json.loads(value) if value else {}
    return "、".join(
        f"{catalog.bases[b].zh if b in catalog.bases else b} {n}" for b, n in counts.items()
    )


def description(layer: str, row: Any, catalog: Any) -> str:
    """The HTML of a placemark's ``<description>`` (every value HTML-escaped)."""
    esc = html.escape
    if "kind" in row and "quote" in row:
        items = [
            ("类型 kind", f"{row['kind_zh']} {row['kind']}"),
            ("规划 plan", row["plan"]),
            ("部分 part", row["part"]),
            ("依据 basis", _basis_zh(row["basis"], catalog)),
            ("成员 members", row.get("member_names", "")),
            ("条款 provisions", row["provision_ids"]),
        ]
        quote = f"<blockquote>{esc(str(row['quote']))}</blockquote>" if row["quote"] else ""
    else:
        items = [("名称 names", row.get("names", "")), ("代码 adcode", row.get("adcode", ""))]
        quote = ""
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>" for k, v in items if v)
    members = ""
    if row.get("concepts_zh"):
        lis = "".join(f"<li>{esc(x)}</li>" for x in str(row["concepts_zh"]).split("；"))
        members = f"<p>规划要素 plan elements:</p><ul>{lis}</ul>"
    return f"<h3>{esc(str(row['name']))}</h3><table>{rows}</table>{quote}{members}"


def _kml_type(series: pd.Series) -> str:
    return _TYPES.get(series.dtype.kind, "string")


def write_kml(
    frame: Any,
    path: Path,
    *,
    layer: str,
    name: str,
    title: str,
    about: str,
    catalog: Any,
    decimals: int,
) -> None:
    """Write the product layer ``layer`` as a KML document (its id ``name``) titled ``title``,
    described by ``about``."""
    root = ET.Element("kml", xmlns=_KML)
    doc = ET.SubElement(root, "Document", id=name)
    ET.SubElement(doc, "name").text = title
    ET.SubElement(doc, "description").text = about
    doc.extend(kml_styles(layer, frame, catalog))
    fields = [c for c in frame.columns if c not in ("geometry", "name")]
    schema = ET.SubElement(doc, "Schema", name=name, id=f"{name}_fields")
    for col in fields:
        name_ = KML_FIELDS.get(col, col)
        ET.SubElement(schema, "SimpleField", name=name_, type=_kml_type(frame[col]))
    folder = ET.SubElement(doc, "Folder")
    ET.SubElement(folder, "name").text = name
    for rec in frame.to_dict("records"):
        mark = ET.SubElement(folder, "Placemark")
        ET.SubElement(mark, "name").text = str(rec["name"])
        ET.SubElement(mark, "description").text = description(layer, rec, catalog)
        ET.SubElement(mark, "styleUrl").text = f"#{kml_style_id(layer, rec)}"
        data = ET.SubElement(ET.SubElement(mark, "ExtendedData"), "SchemaData")
        data.set("schemaUrl", f"#{name}_fields")
        for col in fields:
            value = rec[col]
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            text = str(int(value)) if isinstance(value, (bool, np.bool_)) else str(value)
            ET.SubElement(data, "SimpleData", name=KML_FIELDS.get(col, col)).text = text
        _geometry(mark, rec["geometry"], decimals)
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", encoding="utf-8")
