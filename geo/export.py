"""Files for GIS staff: every layer in the format and CRS they need, styled and described.

:func:`collect_layers` gathers the product's layers (admin units tagged with the plans'
elements, with layout fields that a Shapefile holds whole; one layer per geometry type of
concept features; the memberships, layouts, fields (the field map), plans, provisions and
links as tables); :func:`export_layers` writes any named layers in any of :data:`FORMATS` and
any CRS of :func:`resolve_crs`; :func:`export` does both. The schema of every layer, the
Shapefile field map and the CRSs are documented in ``docs/schema.md``. The writers live in
``geo._export_*`` (one module per concern).

Writes are atomic (every file is written into a temporary folder inside ``out`` and moved
into place only when all succeeded) and deterministic (the same inputs give the same bytes:
GeoPackage timestamps and the Shapefile ``.dbf`` date are fixed).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely

from geo import _export_tables as tables
from geo._export_crs import NAMES, Target, project, resolve
from geo._export_formats import (
    FORMATS,
    LONLAT_ONLY,
    SHP_FIELDS,
    WRITERS,
    Entry,
    Job,
    is_spatial,
    write_shp,
)
from geo._export_gpkg import FIXED_DATE, write_gpkg
from geo._export_meta import DESCRIPTIONS, describe, metadata
from geo._export_meta import readme as readme_text
from geo._io import MARKER, atomic_dir
from geo.errors import OutputError
from geo.inputs import Inputs, read_inputs
from geo.links import links_records

__all__ = [
    "CRSS",
    "DESCRIPTIONS",
    "FORMATS",
    "LAYERS",
    "SHP_FIELDS",
    "collect_layers",
    "export",
    "export_layers",
    "resolve_crs",
]

#: Named CRSs of ``--crs`` (besides ``EPSG:NNNN``); see :func:`resolve_crs`.
CRSS = NAMES
#: The layers :func:`collect_layers` makes, in order.
LAYERS = (
    "province",
    "prefectures",
    "counties",
    "context",
    "concept_areas",
    "concept_lines",
    "concept_points",
    "memberships",
    "layouts",
    "fields",
    "plans",
    "provisions",
    "links",
)
_ADMIN = ("province", "prefectures", "counties")
_DECIMALS = 7
_MULTI = {"Polygon": "MultiPolygon", "LineString": "MultiLineString", "Point": "MultiPoint"}


# --- inputs ---------------------------------------------------------------------------------------


# --- collecting ---------------------------------------------------------------------------------


def _units(inputs: Inputs, fields: Sequence[tables.LayoutField]) -> dict[str, gpd.GeoDataFrame]:
    """The admin layers: Gansu's tagged with the elements they belong to (and one column per
    layout field), and the context."""
    gazetteer, tagged = inputs.gazetteer, inputs.tagged_units
    out = {}
    for name, level in [
        ("province", "province"),
        ("prefectures", "prefecture"),
        ("counties", "county"),
    ]:
        units = tagged[tagged["level"] == level].reset_index(drop=True)
        units.insert(2, "names", ["、".join(gazetteer.names_of(a)) for a in units["adcode"]])
        out[name] = tables.add_layout_columns(units, inputs.catalog, fields)
    context = inputs.context.copy()
    context.insert(2, "names", ["、".join(gazetteer.names_of(a)) for a in context["adcode"]])
    out["context"] = context
    return out


def _weakest(basis: str, order: Sequence[str]) -> str:
    present = list(json.loads(basis))
    rank = {b: i for i, b in enumerate(order)}
    return max(present, key=lambda b: rank.get(b, len(rank)))


def _concepts(inputs: Inputs) -> dict[str, gpd.GeoDataFrame]:
    """The features of the catalog at full resolution, with their element records."""
    catalog = inputs.catalog
    geometry = inputs.full_geometry
    records = inputs.element_records
    rows = []
    for rec in geometry.itertuples(index=False):
        element = records[rec.id]
        quotes = element["quotes"]
        unit_names = dict.fromkeys(u for m in element["members"] for u in m["units"])
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
                "weakest": _weakest(rec.basis, list(catalog.bases)),
                "partial": rec.part == "partial",
                "schematic": bool(rec.schematic),
                "member_adcodes": ",".join(a for m in element["members"] for a in m["adcodes"]),
                "member_names": "、".join(unit_names),
                "provision_ids": ",".join(element["provisions"]),
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
    *,
    inputs: Inputs | None = None,
    root: str | os.PathLike[str] | None = None,
    names: Sequence[str] | None = None,
) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Gather the product's layers by name (see :data:`LAYERS` and ``docs/schema.md``).

    Parameters
    ----------
    inputs
        The inputs (:func:`geo.inputs.read_inputs`); default: read from ``root``.
    root
        Data root (default :func:`geo._paths.data_root`), when ``inputs`` is not given.
    names
        Only these layers (default: all). Unknown names raise :class:`OutputError`.
    inputs
        The inputs already read (corpus, gazetteer, catalog), else read from ``root``.
    """
    wanted = list(LAYERS if names is None else names)
    unknown = [n for n in wanted if n not in LAYERS]
    if unknown:
        raise OutputError(
            f"unknown layer {unknown[0]!r}; choose from {', '.join(LAYERS)} (--list-layers)"
        )
    inputs = read_inputs(root) if inputs is None else inputs
    catalog = inputs.catalog
    fields = tables.layout_fields(catalog)
    layers: dict[str, Any] = {}
    if {*_ADMIN, "context", "memberships"} & set(wanted):
        layers.update(_units(inputs, fields))
        layers["memberships"] = tables.memberships([layers[n] for n in _ADMIN], catalog)
    if any(n.startswith("concept_") for n in wanted):
        layers.update(_concepts(inputs))
    layers["layouts"] = tables.layouts_table(catalog, fields)
    layers["fields"] = tables.fields_table(catalog, fields)
    layers["plans"] = tables.plans_table(inputs.corpus)
    if "provisions" in wanted:
        layers["provisions"] = tables.provisions_table(inputs.corpus)
    if "links" in wanted:
        records = links_records(inputs.links)
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


def resolve_crs(crs: str) -> Target | None:
    """The CRS of ``--crs``: ``wgs84``, ``cgcs2000`` (EPSG:4490), ``cgcs2000-gk3`` (the
    CGCS2000 3° Gauss-Krüger zone of each feature; ``None`` here), ``albers`` (CGCS2000 /
    Albers equal-area), ``gcj02`` (a custom CRS named GCJ-02) or ``EPSG:NNNN``.

    Raises
    ------
    OutputError
        Unknown name or EPSG code.
    """
    return resolve(crs)


def _prepared(frame: gpd.GeoDataFrame, target: Target) -> gpd.GeoDataFrame:
    """Rounded to the target's decimals and oriented (exterior rings counter-clockwise)."""
    out = frame.copy()
    geoms = shapely.set_precision(frame.geometry.values, 10.0**-target.decimals, mode="pointwise")
    out["geometry"] = shapely.orient_polygons(geoms, exterior_cw=False)
    return out


def _stem(name: str, target: Target | None) -> str:
    return f"{name}_{target.key}" if target is not None and target.key else name


def _crs_key(crs: str) -> str:
    return crs.strip().lower().replace(":", "")


def _entries(layers: Mapping[str, Any], crs: str) -> list[Entry]:
    out = []
    for name, frame in layers.items():
        if not is_spatial(frame):
            out.append(Entry(name, name, frame, None))
            continue
        for target, part in project(frame, crs):
            out.append(Entry(_stem(name, target), name, _prepared(part, target), target))
    return out


@contextlib.contextmanager
def _gdal_fixed_date() -> Iterator[None]:
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _write_format(fmt: str, entries: Sequence[Entry], job: Job, *, crs: str) -> None:
    if fmt == "gpkg":
        write_gpkg(list(entries), job.folder / f"gansu_atlas_{_crs_key(crs)}.gpkg", job)
        return
    for entry in entries:
        if entry.target is None:  # tables go into the GeoPackage, else into CSV
            WRITERS["csv"](entry.frame, entry.stem, job)
            continue
        sub = dataclasses.replace(job, target=entry.target, layer=entry.layer)
        if fmt == "shp":
            write_shp(entry.frame, entry.stem, sub, layer=entry.layer)
        else:
            WRITERS[fmt](entry.frame, entry.stem, sub)


def _check(formats: Sequence[str], crs: str, csv_geometry: str) -> None:
    target = resolve(crs)
    label = crs if target is None else target.label
    for fmt in formats:
        if fmt not in FORMATS:
            raise OutputError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        if fmt in LONLAT_ONLY and (target is None or not target.rfc7946):
            raise OutputError(
                f"{fmt} cannot hold {label}: {LONLAT_ONLY[fmt]}; write {fmt} with --crs wgs84 "
                f"(or gcj02 for Amap overlays), and {crs} with --format gpkg, shp, fgb, "
                "parquet or csv"
            )
    if csv_geometry not in ("wkt", "centroid"):
        raise OutputError(f"unknown CSV geometry {csv_geometry!r}; choose wkt or centroid")


def _write_atomically(out: Path, write: Callable[[Path], None]) -> list[Path]:
    """Run ``write(folder)`` on a temporary folder beside ``out``; its files join ``out`` only
    when it succeeded (:func:`geo._io.atomic_dir` with ``merge``: files the tool wrote before are
    replaced, the stale sidecars of replaced files removed, a stranger's file is never touched).
    Every write of the export goes through here."""
    try:
        with atomic_dir(out, merge=True) as tmp:
            write(tmp)
            files = sorted(p for p in tmp.iterdir() if p.is_file() and p.name != MARKER)
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        if isinstance(exc, OutputError):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise OutputError(f"cannot write to '{out}' ({first}); choose a writable --out") from None
    return sorted(out / p.name for p in files)


def _written_fields(layers: Mapping[str, Any], catalog: Any) -> list[tables.LayoutField]:
    """The layout fields that an admin layer of ``layers`` holds (for the README's field map)."""
    columns = {c for n in _ADMIN if n in layers for c in layers[n].columns}
    return [f for f in tables.layout_fields(catalog) if f.name in columns]


def export_layers(
    layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
    *,
    out: str | os.PathLike[str],
    formats: Iterable[str] = ("gpkg",),
    crs: str = "wgs84",
    csv_geometry: str = "wkt",
    inputs: Any = None,
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
        A ``--crs`` value (:func:`resolve_crs`). GeoJSON, GeoJSONSeq, KML and TopoJSON hold
        only ``wgs84`` (or ``gcj02``).
    csv_geometry
        ``wkt`` (a WKT column) or ``centroid`` (``x``/``y`` of a point inside each feature).
    inputs
        The inputs read once (corpus, gazetteer, catalog, root) for styles and metadata; read
        from the default data root when not given.

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
    inputs = inputs if inputs is not None else read_inputs()
    entries = _entries(layers, crs)
    targets = [e.target for e in entries if e.target is not None] or [resolve("wgs84")]
    job = Job(
        folder=Path(),
        target=targets[0],
        catalog=inputs.catalog,
        csv_geometry=csv_geometry,
        descriptions={e.stem: describe(e) for e in entries},
        metadata=metadata(inputs, crs, targets),
        fields=_written_fields(layers, inputs.catalog),
    )

    def write(folder: Path) -> None:
        job.folder = folder
        with _gdal_fixed_date():
            for fmt in formats:
                _write_format(fmt, entries, job, crs=crs)
        readme = folder / f"README_{_crs_key(crs)}.txt"
        readme.write_text(readme_text(job, crs=crs, formats=formats), encoding="utf-8")

    return _write_atomically(Path(out), write)


def export(
    *,
    out: str | os.PathLike[str],
    formats: Iterable[str] = ("gpkg",),
    crs: str = "wgs84",
    layers: Sequence[str] | None = None,
    root: str | os.PathLike[str] | None = None,
    inputs: Inputs | None = None,
    csv_geometry: str = "wkt",
) -> list[Path]:
    """Collect the product's layers (:func:`collect_layers`) and write them.

    Examples
    --------
    >>> import tempfile
    >>> files = export(out=tempfile.mkdtemp(), formats=["csv"], layers=["province"])
    >>> [p.name for p in files]
    ['README_wgs84.txt', 'province.csv', 'province.csvt', 'province.prj']
    """
    formats = list(formats)
    _check(formats, crs, csv_geometry)
    inputs = inputs if inputs is not None else read_inputs(root)
    return export_layers(
        collect_layers(inputs=inputs, root=root, names=layers),
        out=out,
        formats=formats,
        crs=crs,
        csv_geometry=csv_geometry,
        inputs=inputs,
    )
