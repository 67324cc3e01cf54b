"""One writer per export format (see :mod:`geo.export` and ``docs/schema.md``).

Every writer takes a layer already in its target CRS, rounded and oriented, and a
:class:`Job` (the folder, the target, the catalog for styles, and the notes for the export's
README: whatever a format cannot hold is said there, with where the full value lives).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo._export_crs import Target
from geo._export_kml import write_kml
from geo._export_styles import qml, sld
from geo._io import defuse_table

#: Shapefile field names are at most 10 characters: the long names are mapped by this table
#: (documented in docs/schema.md); names of 10 characters or fewer are kept.
SHP_FIELDS = {
    "concepts_zh": "concept_zh",
    "seat_source": "seat_src",
    "member_adcodes": "members",
    "member_names": "mem_names",
    "provision_ids": "prov_ids",
    "geometry_type": "geom_type",
}
#: Columns left out of Shapefiles: JSON lists far longer than dBASE's 254 bytes. The same facts
#: are in the layout fields (``fields`` table) and in the ``memberships`` table (CSV beside the
#: Shapefiles).
SHP_DROPPED = ("concepts", "concepts_zh")
#: dBASE text fields hold 254 bytes; a longer value (only text of the concept layers: the admin
#: layers' fields are sized to fit) is cut at a character boundary and ends with this mark, and
#: the export's README lists every field where that happened.
SHP_CUT = "…"
_SHP_BYTES = 254
#: dBASE IV holds 255 fields (ArcGIS refuses more): the last ones beyond are left out, and the
#: README says so (the layout fields are last; ``memberships.csv`` holds every membership).
SHP_MAX_FIELDS = 255
#: Excel's limit on the characters in a cell: longer WKT is left out of the CSV.
EXCEL_CELL = 32_767
_WGS84 = "EPSG:4326"
_CSVT = {"b": "Integer(Boolean)", "i": "Integer", "u": "Integer", "f": "Real"}


class Entry(NamedTuple):
    """One layer ready to write: file/layer name, product layer name, frame, CRS (tables:
    ``None``)."""

    stem: str
    layer: str
    frame: Any
    target: Target | None


@dataclass
class Job:
    """What every writer of one export needs."""

    folder: Path
    target: Target
    catalog: Any
    layer: str = ""
    csv_geometry: str = "wkt"
    descriptions: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: the layout fields of the admin layers written (``geo._export_tables.LayoutField``)
    fields: list[Any] = field(default_factory=list)


def is_spatial(frame: Any) -> bool:
    """True for a layer with geometry (a GeoDataFrame)."""
    return isinstance(frame, gpd.GeoDataFrame)


def _lonlat(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """RFC 7946 formats hold no CRS: the values (WGS84, or GCJ-02 for Amap) go in as lon/lat."""
    return frame.set_crs(_WGS84, allow_override=True)


# --- GeoJSON, GeoJSONSeq, TopoJSON, KML (longitude/latitude only) -------------------------------


def write_geojson(frame: Any, stem: str, job: Job) -> None:
    """RFC 7946 GeoJSON, with the layer's name and description as foreign members."""
    pyogrio.write_dataframe(
        _lonlat(frame),
        job.folder / f"{stem}.geojson",
        driver="GeoJSON",
        layer=stem,
        layer_options={
            "RFC7946": "YES",
            "WRITE_NAME": "YES",
            "DESCRIPTION": job.descriptions.get(stem, ""),
        },
    )


def write_geojsonseq(frame: Any, stem: str, job: Job) -> None:
    """GeoJSON text sequence (RFC 8142, one feature per line, no RS character)."""
    pyogrio.write_dataframe(
        _lonlat(frame),
        job.folder / f"{stem}.geojsonl",
        driver="GeoJSONSeq",
        layer_options={"RS": "NO", "COORDINATE_PRECISION": str(job.target.decimals)},
    )


def write_topojson(frame: gpd.GeoDataFrame, stem: str, job: Job) -> None:
    """One Topology per layer, quantized 1e6, arcs shared between neighbours."""
    import topojson

    topo = topojson.Topology(_lonlat(frame), object_name=stem, prequantize=1e6, toposimplify=False)
    # keep the package's key order (GDAL recognises TopoJSON by "type" near the start) and
    # write Chinese as characters, not \u escapes
    data = json.loads(str(topo.to_json()))
    path = job.folder / f"{stem}.topojson"
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")


def write_kml_layer(frame: Any, stem: str, job: Job) -> None:
    """KML styled by kind and basis, with HTML descriptions (:mod:`geo._export_kml`)."""
    write_kml(
        frame,
        job.folder / f"{stem}.kml",
        layer=job.layer,
        name=stem,
        title=f"{stem} · {job.metadata.get('title', '')}".strip(" ·"),
        about=job.descriptions.get(stem, ""),
        catalog=job.catalog,
        decimals=job.target.decimals,
    )


# --- Shapefile ------------------------------------------------------------------------------------


def _cut(value: Any) -> Any:
    if not isinstance(value, str) or len(value.encode("utf-8")) <= _SHP_BYTES:
        return value
    room = _SHP_BYTES - len(SHP_CUT.encode("utf-8"))
    return value.encode("utf-8")[:room].decode("utf-8", errors="ignore") + SHP_CUT


def shp_frame(frame: gpd.GeoDataFrame, stem: str, job: Job) -> gpd.GeoDataFrame:
    """The layer as a Shapefile holds it: short names, JSON lists left out, at most
    :data:`SHP_MAX_FIELDS` fields, long text cut (every field left out and every cut noted in
    the README with where the full values are). The admin layers' layout fields are sized to
    fit whole (``geo._export_tables.layout_fields``)."""
    dropped = [c for c in SHP_DROPPED if c in frame.columns]
    if dropped:
        job.notes.append(
            f"{stem}.shp: no {', '.join(dropped)} (JSON/lists too long for dBASE's 254 bytes); "
            "the same memberships are in the layout fields (field map above, fields.csv) and in "
            "memberships.csv, one row per unit and element"
        )
    out = frame.drop(columns=dropped).rename(columns=SHP_FIELDS)
    attributes = [c for c in out.columns if c != "geometry"]
    if len(attributes) > SHP_MAX_FIELDS:
        extra = attributes[SHP_MAX_FIELDS:]
        job.notes.append(
            f"{stem}.shp: fields {extra[0]} … {extra[-1]} ({len(extra)}) left out: dBASE holds "
            f"{SHP_MAX_FIELDS} fields; they are in the same layer of the GeoPackage, FlatGeobuf, "
            "GeoParquet or CSV exports, and memberships.csv has every membership"
        )
        out = out.drop(columns=extra)
    for col in out.columns:
        if col == "geometry" or pd.api.types.is_numeric_dtype(out[col]):
            continue
        cut = [_cut(v) for v in out[col]]
        n = sum(a != b for a, b in zip(cut, out[col], strict=True))
        if n:
            job.notes.append(
                f"{stem}.shp: field {col}: {n} of {len(out)} values cut at 254 bytes (ending "
                f"in {SHP_CUT}); the full values are in the same layer of the GeoPackage, "
                "FlatGeobuf, GeoParquet or CSV exports"
            )
        out[col] = cut
    return out


def _fix_dbf_date(path: Path) -> None:
    with open(path, "r+b") as fh:  # bytes 1-3: date of last update (YY-1900, MM, DD)
        fh.seek(1)
        fh.write(bytes([100, 1, 1]))


def write_shp(frame: gpd.GeoDataFrame, stem: str, job: Job, *, layer: str) -> None:
    """A UTF-8 Shapefile with a QGIS ``.qml`` and an SLD ``.sld`` beside it."""
    short = shp_frame(frame, stem, job)
    pyogrio.write_dataframe(short, job.folder / f"{stem}.shp", encoding="UTF-8")
    _fix_dbf_date(job.folder / f"{stem}.dbf")
    (job.folder / f"{stem}.qml").write_text(qml(layer, short, job.catalog), encoding="utf-8")
    (job.folder / f"{stem}.sld").write_text(sld(layer, short, job.catalog), encoding="utf-8")


# --- FlatGeobuf, GeoParquet ---------------------------------------------------------------------


def write_fgb(frame: Any, stem: str, job: Job) -> None:
    """FlatGeobuf with a packed Hilbert R-tree (deterministic) and the CRS as WKT."""
    pyogrio.write_dataframe(
        frame,
        job.folder / f"{stem}.fgb",
        driver="FlatGeobuf",
        layer=stem,
        layer_options={"TITLE": stem, "DESCRIPTION": job.descriptions.get(stem, "")},
    )


def write_parquet(frame: gpd.GeoDataFrame, stem: str, job: Job) -> None:
    """GeoParquet 1.0 (geopandas' writer; WKB geometry, the CRS as PROJJSON)."""
    frame.to_parquet(job.folder / f"{stem}.parquet", index=False, schema_version="1.0.0")


# --- CSV ---------------------------------------------------------------------------------------


def _csvt(table: pd.DataFrame, wkt: str | None) -> str:
    types = []
    for col in table.columns:
        if col == wkt:
            types.append("WKT")
        else:
            types.append(_CSVT.get(table[col].dtype.kind, "String"))
    return ",".join(f'"{t}"' for t in types) + "\n"


def write_csv(frame: Any, stem: str, job: Job) -> None:
    """UTF-8 CSV (with BOM, for Excel) and a ``.csvt`` of column types for GDAL; spatial layers
    get a WKT column (or ``x``/``y``) and the CRS in a ``.prj`` sidecar. WKT longer than an
    Excel cell holds is left empty and the README says which format to use instead."""
    path = job.folder / f"{stem}.csv"
    wkt = None
    if is_spatial(frame):
        table = pd.DataFrame(frame.drop(columns="geometry"))
        if job.csv_geometry == "wkt":
            wkt = "wkt"
            text = shapely.to_wkt(frame.geometry.values, rounding_precision=job.target.decimals)
            long = np.array([len(t) > EXCEL_CELL for t in text])
            if long.any():
                key = "adcode" if "adcode" in table.columns else "id"
                ids = ", ".join(str(v) for v in table.loc[long, key])
                job.notes.append(
                    f"{stem}.csv: the WKT of {int(long.sum())} of {len(table)} features is "
                    f"longer than the {EXCEL_CELL} characters an Excel cell holds and is left "
                    f"empty ({key} {ids}); use the GeoPackage, FlatGeobuf or GeoParquet export, "
                    "or --csv-geometry centroid"
                )
            table["wkt"] = np.where(long, "", text)
        else:
            points = frame.geometry.representative_point()
            table["x"] = np.round(points.x.to_numpy(), job.target.decimals)
            table["y"] = np.round(points.y.to_numpy(), job.target.decimals)
        prj = job.target.crs.to_wkt("WKT1_GDAL") or job.target.crs.to_wkt()
        (job.folder / f"{stem}.prj").write_text(prj + "\n", encoding="utf-8")
    else:
        table = frame
    defuse_table(table).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    (job.folder / f"{stem}.csvt").write_text(_csvt(table, wkt), encoding="utf-8")


#: Output formats: suffix of their main file, and whether they hold only longitude/latitude
#: (RFC 7946 and its kin: GeoJSON, GeoJSONSeq, KML, TopoJSON).
FORMATS = {
    "gpkg": ".gpkg",
    "shp": ".shp",
    "fgb": ".fgb",
    "parquet": ".parquet",
    "csv": ".csv",
    "geojson": ".geojson",
    "geojsonseq": ".geojsonl",
    "kml": ".kml",
    "topojson": ".topojson",
}
LONLAT_ONLY = {
    "geojson": "RFC 7946 §4 fixes GeoJSON to WGS 84 longitude/latitude",
    "geojsonseq": "RFC 8142 sequences hold RFC 7946 GeoJSON, WGS 84 only",
    "kml": "KML 2.2 is WGS 84 longitude/latitude only",
    "topojson": "TopoJSON has no CRS member and is read as WGS 84",
}
WRITERS = {
    "fgb": write_fgb,
    "parquet": write_parquet,
    "csv": write_csv,
    "geojson": write_geojson,
    "geojsonseq": write_geojsonseq,
    "kml": write_kml_layer,
    "topojson": write_topojson,
}
