"""Files for GIS staff: every layer in the format and CRS they need.

:func:`collect_layers` gathers the product's layers (admin units tagged with the plans'
concepts, one layer per geometry type of concept features, provisions and links as tables);
:func:`export_layers` writes any named layers in any of :data:`FORMATS` and :data:`CRSS`;
:func:`export` does both. The schema of every layer is documented in ``docs/schema.md``.

Writes are atomic (every file is written into a temporary folder inside ``out`` and moved
into place only when all succeeded) and deterministic (the same inputs give the same bytes:
GeoPackage timestamps and the Shapefile ``.dbf`` date are fixed).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely

from geo._io import MARKER, atomic_dir, defuse_table
from geo.errors import OutputError

__all__ = [
    "CRSS",
    "FORMATS",
    "LAYERS",
    "SHP_FIELDS",
    "collect_layers",
    "export",
    "export_layers",
]

#: Output formats and their file suffixes.
FORMATS = {
    "geojson": ".geojson",
    "gpkg": ".gpkg",
    "shp": ".shp",
    "kml": ".kml",
    "topojson": ".topojson",
    "csv": ".csv",
}
#: CRS names accepted by ``--crs``. ``gcj02`` is not a CRS a GIS knows: the values are
#: GCJ-02 (geo.datum's forward transform) in a file that declares EPSG:4326.
CRSS = ("wgs84", "cgcs2000", "gcj02", "albers")
#: The layers :func:`collect_layers` makes, in order.
LAYERS = (
    "province",
    "prefectures",
    "counties",
    "context",
    "concept_areas",
    "concept_lines",
    "concept_points",
    "provisions",
    "links",
)
#: Shapefile field names are at most 10 characters: the long names are mapped by this table
#: (documented in docs/schema.md); names of 10 characters or fewer are kept.
SHP_FIELDS = {
    "concepts_zh": "concept_zh",
    "seat_source": "seat_src",
    "member_adcodes": "members",
    "provision_ids": "prov_ids",
    "geometry_type": "geom_type",
}
#: dBASE text fields hold 254 bytes; longer values (long quotes, JSON lists) are cut at a
#: character boundary and end with this mark. The full values are in every other format.
SHP_CUT = "…"
_SHP_BYTES = 254
_FIXED_DATE = "2000-01-01T00:00:00Z"
_DECIMALS = 7
_MULTI = {"Polygon": "MultiPolygon", "LineString": "MultiLineString", "Point": "MultiPoint"}
_WGS84_ONLY = {"geojson": "RFC 7946", "kml": "KML", "topojson": "TopoJSON for web maps"}


# --- collecting ---------------------------------------------------------------------------------


def _units(*, root: Any, gazetteer: Any, catalog: Any) -> dict[str, gpd.GeoDataFrame]:
    from geo.boundaries import read_context, read_units
    from geo.catalog import tag_units

    out = {}
    for name, level in [
        ("province", "province"),
        ("prefectures", "prefecture"),
        ("counties", "county"),
    ]:
        units = tag_units(catalog, read_units(root=root, level=level))
        units.insert(2, "names", ["、".join(gazetteer.names_of(a)) for a in units["adcode"]])
        out[name] = units
    context = read_context(root=root)
    context.insert(2, "names", ["、".join(gazetteer.names_of(a)) for a in context["adcode"]])
    out["context"] = context
    return out


def _concepts(catalog: Any, units: gpd.GeoDataFrame, context: Any) -> dict[str, gpd.GeoDataFrame]:
    from geo.catalog import build_geometry

    geometry = build_geometry(catalog, units, context=context)
    rows = []
    for rec in geometry.itertuples(index=False):
        members = json.loads(rec.members)
        quotes = json.loads(rec.quotes)
        rows.append(
            {
                "id": rec.id,
                "part": rec.part,
                "name": rec.name,
                "name_en": rec.name_en,
                "plan": rec.plan,
                "kind": rec.kind,
                "kind_zh": rec.kind_zh,
                "basis": rec.basis,
                "partial": rec.part == "partial",
                "schematic": bool(rec.schematic),
                "member_adcodes": ",".join(m["adcode"] for m in members),
                "provision_ids": ",".join(json.loads(rec.provisions)),
                "quote": quotes[0]["text"] if quotes else "",
                "geometry": rec.geometry,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=geometry.crs)
    family = frame.geometry.geom_type.map(lambda t: t.replace("Multi", ""))
    out = {}
    for name, kind in [
        ("concept_areas", "Polygon"),
        ("concept_lines", "LineString"),
        ("concept_points", "Point"),
    ]:
        part = frame[family == kind].reset_index(drop=True)
        part["geometry"] = [_multi(g) for g in part.geometry]
        out[name] = gpd.GeoDataFrame(part, geometry="geometry", crs=frame.crs)
    return out


def collect_layers(
    *, root: str | os.PathLike[str] | None = None, names: Sequence[str] | None = None
) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Gather the product's layers by name (see :data:`LAYERS` and ``docs/schema.md``).

    Parameters
    ----------
    root
        Data root (default :func:`geo._paths.data_root`).
    names
        Only these layers (default: all). Unknown names raise :class:`OutputError`.
    """
    from geo.boundaries import read_units
    from geo.catalog import read_catalog
    from geo.corpus import COLUMNS, flat_rows, read_corpus
    from geo.gazetteer import read_gazetteer
    from geo.links import build_links, concept_names, links_records

    wanted = list(LAYERS if names is None else names)
    unknown = [n for n in wanted if n not in LAYERS]
    if unknown:
        raise OutputError(
            f"unknown layer {unknown[0]!r}; choose from {', '.join(LAYERS)} (--list-layers)"
        )
    corpus = read_corpus(root=root)
    gazetteer = read_gazetteer(root=root)
    catalog = read_catalog(root=root, gazetteer=gazetteer, corpus=corpus)
    layers: dict[str, Any] = {}
    if {"province", "prefectures", "counties", "context"} & set(wanted):
        layers.update(_units(root=root, gazetteer=gazetteer, catalog=catalog))
    if any(n.startswith("concept_") for n in wanted):
        from geo.boundaries import read_context

        layers.update(_concepts(catalog, read_units(root=root), read_context(root=root)))
    if "provisions" in wanted:
        layers["provisions"] = pd.DataFrame(flat_rows(corpus), columns=list(COLUMNS))
    if "links" in wanted:
        links = build_links(corpus, gazetteer, concepts=concept_names(catalog))
        records = links_records(links)
        layers["links"] = pd.DataFrame(
            {
                "provision": [r["provision"] for r in records],
                "units": [",".join(r["units"]) for r in records],
                "concepts": [",".join(r["concepts"]) for r in records],
            }
        )
    return {n: layers[n] for n in wanted}


# --- writing ------------------------------------------------------------------------------------


def _multi(geom: Any) -> Any:
    kind = geom.geom_type
    if kind in _MULTI:
        return getattr(shapely, _MULTI[kind].lower() + "s")([geom])
    return geom


def _is_spatial(frame: Any) -> bool:
    return isinstance(frame, gpd.GeoDataFrame)


def _in_crs(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    from geo.boundaries import EQUAL_AREA_CRS
    from geo.datum import transform_geometry, wgs84_to_gcj02

    frame = frame.to_crs("EPSG:4326")
    if crs == "wgs84":
        return frame
    if crs == "cgcs2000":  # same numbers within ~1 m here; declared as EPSG:4490
        return frame.set_crs("EPSG:4490", allow_override=True)
    if crs == "albers":
        return frame.to_crs(EQUAL_AREA_CRS)
    out = frame.copy()
    out["geometry"] = [transform_geometry(g, wgs84_to_gcj02) for g in frame.geometry]
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")


def _rounded(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    decimals = 2 if crs == "albers" else _DECIMALS
    out = frame.copy()
    out["geometry"] = shapely.set_precision(
        frame.geometry.values, 10.0**-decimals, mode="pointwise"
    )
    return out


def _oriented(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    out["geometry"] = shapely.orient_polygons(frame.geometry.values, exterior_cw=False)
    return out


def _write_geojson(frame: Any, path: Path) -> None:
    pyogrio.write_dataframe(
        frame, path, driver="GeoJSON", layer_options={"RFC7946": "YES", "WRITE_NAME": "NO"}
    )


def _shp_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.rename(columns=SHP_FIELDS)
    for col in out.columns:
        if col != "geometry" and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = [_cut(v) for v in out[col]]
    return out


def _cut(value: Any) -> Any:
    if not isinstance(value, str) or len(value.encode("utf-8")) <= _SHP_BYTES:
        return value
    room = _SHP_BYTES - len(SHP_CUT.encode("utf-8"))
    return value.encode("utf-8")[:room].decode("utf-8", errors="ignore") + SHP_CUT


def _fix_dbf_date(path: Path) -> None:
    with open(path, "r+b") as fh:  # bytes 1-3: date of last update (YY-1900, MM, DD)
        fh.seek(1)
        fh.write(bytes([100, 1, 1]))


def _write_topojson(frame: gpd.GeoDataFrame, path: Path, *, name: str) -> None:
    import topojson

    topo = topojson.Topology(frame, object_name=name, prequantize=1e6, toposimplify=False)
    # keep the package's key order (GDAL recognises TopoJSON by "type" near the start) and
    # write Chinese as characters, not \u escapes
    data = json.loads(str(topo.to_json()))
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_csv(frame: Any, path: Path, *, geometry: str) -> None:
    table = pd.DataFrame(frame.drop(columns="geometry")) if _is_spatial(frame) else frame
    if _is_spatial(frame):
        if geometry == "wkt":
            table["wkt"] = shapely.to_wkt(frame.geometry.values, rounding_precision=_DECIMALS)
        else:
            points = frame.geometry.representative_point()
            table["x"] = np.round(points.x.to_numpy(), _DECIMALS)
            table["y"] = np.round(points.y.to_numpy(), _DECIMALS)
    defuse_table(table).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


@contextlib.contextmanager
def _gdal_fixed_date() -> Iterator[None]:
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _FIXED_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _stem(name: str, crs: str) -> str:
    return f"{name}_{crs}" if crs != "wgs84" else name


def _write_format(
    fmt: str, layers: Mapping[str, Any], folder: Path, *, crs: str, csv_geometry: str
) -> None:
    spatial = {n: f for n, f in layers.items() if _is_spatial(f)}
    tables = {n: f for n, f in layers.items() if not _is_spatial(f)}
    if fmt == "gpkg":
        path = folder / f"gansu_atlas_{crs}.gpkg"
        for name, frame in layers.items():
            pyogrio.write_dataframe(  # GPKG 1.2: read without warnings by older GDALs too
                frame,
                path,
                layer=name,
                driver="GPKG",
                append=path.exists(),
                dataset_options={"VERSION": "1.2"},
            )
    for name, frame in {**spatial, **tables}.items():
        stem = _stem(name, crs)
        if fmt == "geojson" and name in spatial:
            _write_geojson(frame, folder / f"{stem}.geojson")
        elif fmt == "topojson" and name in spatial:
            _write_topojson(frame, folder / f"{stem}.topojson", name=name)
        elif fmt == "kml" and name in spatial:
            pyogrio.write_dataframe(
                frame, folder / f"{stem}.kml", driver="KML", dataset_options={"NameField": "name"}
            )
        elif fmt == "shp" and name in spatial:
            pyogrio.write_dataframe(_shp_frame(frame), folder / f"{stem}.shp", encoding="UTF-8")
            _fix_dbf_date(folder / f"{stem}.dbf")
        elif fmt != "gpkg" and name in tables:
            _write_csv(frame, folder / f"{name}.csv", geometry=csv_geometry)
        elif fmt == "csv":
            _write_csv(frame, folder / f"{stem}.csv", geometry=csv_geometry)


def _check(formats: Sequence[str], crs: str, csv_geometry: str) -> None:
    for fmt in formats:
        if fmt not in FORMATS:
            raise OutputError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        if fmt in _WGS84_ONLY and crs not in ("wgs84", "gcj02"):
            raise OutputError(
                f"{fmt} is WGS84 by definition ({_WGS84_ONLY[fmt]}), not {crs}; "
                "use --format gpkg (or shp, csv) for other CRSs"
            )
    if crs not in CRSS:
        raise OutputError(f"unknown CRS {crs!r}; choose from {', '.join(CRSS)}")
    if csv_geometry not in ("wkt", "centroid"):
        raise OutputError(f"unknown CSV geometry {csv_geometry!r}; choose wkt or centroid")


def export_layers(
    layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
    *,
    out: str | os.PathLike[str],
    formats: Iterable[str] = ("gpkg",),
    crs: str = "wgs84",
    csv_geometry: str = "wkt",
) -> list[Path]:
    """Write named layers in every one of ``formats`` in ``crs`` into the folder ``out``.

    Parameters
    ----------
    layers
        Layer name → GeoDataFrame (spatial) or DataFrame (table).
    out
        Output folder (created if needed). Files of the same names are replaced; other files
        in it are left alone.
    formats
        Any of :data:`FORMATS`. Tables go into the GeoPackage and, for the other formats, into
        CSV files beside the spatial files.
    crs
        One of :data:`CRSS`.
    csv_geometry
        ``wkt`` (a WKT column) or ``centroid`` (``x``/``y`` of a point inside each feature).

    Returns
    -------
    list of Path
        The files written, sorted.

    Raises
    ------
    OutputError
        Unknown format or CRS, a format that cannot hold the CRS, an unwritable folder.
        Nothing is written then.
    """
    formats = list(dict.fromkeys(formats))
    _check(formats, crs, csv_geometry)
    prepared: dict[str, Any] = {}
    for name, frame in layers.items():
        if _is_spatial(frame):
            frame = _oriented(_rounded(_in_crs(frame, crs), crs))
        prepared[name] = frame
    out = Path(out)
    try:
        with atomic_dir(out, merge=True) as tmp:
            with _gdal_fixed_date():
                for fmt in formats:
                    _write_format(fmt, prepared, tmp, crs=crs, csv_geometry=csv_geometry)
            if crs == "gcj02":
                (tmp / "README_gcj02.txt").write_text(
                    "These files hold GCJ-02 coordinates (for overlays on 高德/Amap maps) "
                    "although they declare EPSG:4326. Do not mix them with WGS84 data.\n",
                    encoding="utf-8",
                )
            files = sorted(p for p in tmp.iterdir() if p.is_file() and p.name != MARKER)
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        if isinstance(exc, OutputError):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise OutputError(f"cannot write to '{out}' ({first}); choose a writable --out") from None
    return sorted(out / p.name for p in files)


def export(
    *,
    out: str | os.PathLike[str],
    formats: Iterable[str] = ("gpkg",),
    crs: str = "wgs84",
    layers: Sequence[str] | None = None,
    root: str | os.PathLike[str] | None = None,
    csv_geometry: str = "wkt",
) -> list[Path]:
    """Collect the product's layers (:func:`collect_layers`) and write them.

    Examples
    --------
    >>> import tempfile
    >>> files = export(out=tempfile.mkdtemp(), formats=["csv"], layers=["province"])
    >>> [p.name for p in files]
    ['province.csv']
    """
    formats = list(formats)
    _check(formats, crs, csv_geometry)
    return export_layers(
        collect_layers(root=root, names=layers),
        out=out,
        formats=formats,
        crs=crs,
        csv_geometry=csv_geometry,
    )
