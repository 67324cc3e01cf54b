"""The administrative boundary layers of Gansu: read, validate, check tiling, write.

The layers live in ``<root>/boundaries/`` (``root`` defaults to :func:`geo._paths.data_root`):

========================  =====================================================================
file                      content
========================  =====================================================================
``province.geojson``      the province (level ``province``)
``prefectures.geojson``   its prefecture-level units (level ``prefecture``)
``counties.geojson``      its county-level units (level ``county``); a prefecture-level city
                          without counties appears here too, with the same adcode
``context.geojson``       neighbouring units drawn for context (level ``context``)
``PROVENANCE.md``         source, licence, datum conversion, vintage, measured checks
========================  =====================================================================

Every file is a GeoJSON FeatureCollection in WGS84 (RFC 7946: no ``crs`` member, exterior
rings counter-clockwise), one feature per line, features sorted by adcode, properties in the
order of :data:`COLUMNS`, coordinates rounded to :data:`COORD_DIGITS` decimals. The files are
rebuilt from upstream data by ``scripts/rebuild_layers.py``.

Examples
--------
>>> counties = read_units(level="county")
>>> counties.crs.to_epsg(), list(counties.columns[:3])
(4326, ['adcode', 'name', 'level'])
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo._io import write_text
from geo._paths import data_root
from geo.errors import BoundaryError, OutputError

__all__ = [
    "ALL_LEVELS",
    "COLUMNS",
    "CONTEXT",
    "COORD_DIGITS",
    "EQUAL_AREA_CRS",
    "FILES",
    "LEVELS",
    "TilingReport",
    "check_tiling",
    "dumps_units",
    "read_context",
    "read_units",
    "unit_records",
    "validate_units",
    "write_layers",
]

#: Levels of the Gansu layers, in nesting order: the one definition of the levels.
LEVELS: tuple[str, ...] = ("province", "prefecture", "county")
#: The level of the neighbouring units drawn for context.
CONTEXT = "context"
#: Every level, Gansu's then the context.
ALL_LEVELS: tuple[str, ...] = (*LEVELS, CONTEXT)
#: The file each level is stored in.
FILES: dict[str, str] = dict(
    zip(
        ALL_LEVELS,
        ("province.geojson", "prefectures.geojson", "counties.geojson", "context.geojson"),
        strict=True,
    )
)

#: Attribute columns, in file order (``geometry`` follows).
COLUMNS: tuple[str, ...] = (
    "adcode",
    "name",
    "level",
    "parent",
    "area_km2",
    "seat_lon",
    "seat_lat",
    "seat_source",
)
#: Columns that every layer must have (``seat_source`` is informative).
REQUIRED: tuple[str, ...] = COLUMNS[:-1]

#: Where the units (Gansu and its neighbours) can lie, as ((lon min, lon max), (lat min, lat
#: max)): wider than the data, so only swapped lon/lat or a projected CRS falls outside.
PLAUSIBLE = ((70.0, 140.0), (15.0, 55.0))

#: Decimals kept for coordinates (1e-6 degree is about 0.1 m).
COORD_DIGITS = 6

#: Equal-area CRS used for areas and for gap and overlap measurements (Albers for China).
EQUAL_AREA_CRS = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=WGS84 +units=m +no_defs"

_LEVEL_ORDER = {name: i for i, name in enumerate(FILES)}
_FIX = "rebuild the layers with `python scripts/rebuild_layers.py`"


# --- reading ----------------------------------------------------------------------------------


def _folder(root: str | os.PathLike[str] | None) -> Path:
    return data_root(root) / "boundaries"


def check_collection(data: Any, *, source: str | os.PathLike[str]) -> list[Any]:
    """Check the JSON of a layer before it is read as a table; return its features.

    It must be a FeatureCollection whose ``features`` is a list; a ``crs`` member (RFC 7946
    has none) must name a CRS that exists (a wrong but real one is named by
    :func:`validate_units`).
    """
    where = f"boundary layer {source}"
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        shown = (
            "missing"
            if not isinstance(data, dict) or "features" not in data
            else (f"features = {json.dumps(features)[:20]}")
        )
        raise BoundaryError(f"{where} is not a FeatureCollection ({shown}); {_FIX}")
    crs = data.get("crs")
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        try:
            pyproj.CRS.from_user_input(name)
        except (pyproj.exceptions.CRSError, TypeError):
            raise BoundaryError(
                f"{where} declares an unknown CRS {str(name)[:40]!r}; write WGS84 lon/lat "
                "without a crs member (RFC 7946)"
            ) from None
    return features


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise BoundaryError(f"boundary layer {path} not found; {_FIX} or pass root=")
    try:
        data = json.loads(path.read_bytes())
    except ValueError:
        data = None  # not JSON at all: pyogrio names the reason below
    if data is not None:
        check_collection(data, source=path)
    try:
        with warnings.catch_warnings():  # a column of the wrong type is named below
            warnings.filterwarnings("ignore", "Could not parse column", UserWarning)
            gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several unrelated types for unreadable files
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BoundaryError(
            f"boundary layer {path} cannot be read as GeoJSON ({reason}); {_FIX}"
        ) from None
    validate_units(gdf, source=path)
    return _sorted(gdf)


def _sorted(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    order = gdf["level"].map(_LEVEL_ORDER).fillna(len(_LEVEL_ORDER))
    keyed = gdf.assign(_order=order.to_numpy())
    keyed = keyed.sort_values(["adcode", "_order"], kind="stable").drop(columns="_order")
    return keyed.reset_index(drop=True)


def read_units(
    *, root: str | os.PathLike[str] | None = None, level: str | None = None
) -> gpd.GeoDataFrame:
    """Read the Gansu units of one level, or of all levels.

    Parameters
    ----------
    root
        Data root (default :func:`geo._paths.data_root`); files are read from
        ``<root>/boundaries/``.
    level
        ``"province"``, ``"prefecture"`` or ``"county"``; ``None`` concatenates the three
        (a prefecture-level city without counties then appears twice, once per level).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, sorted by adcode (then level), columns :data:`COLUMNS` and ``geometry``.

    Raises
    ------
    BoundaryError
        Unknown level, missing or unreadable file, or a layer that fails
        :func:`validate_units`.
    """
    if level is not None and level not in LEVELS:
        raise BoundaryError(
            f"unknown level {level!r} for the Gansu layers; use one of {', '.join(LEVELS)}"
            " (or read_context() for the neighbours)"
        )
    levels = LEVELS if level is None else (level,)
    parts = [_read(_folder(root) / FILES[name]) for name in levels]
    if len(parts) == 1:
        return parts[0]
    joined = pd.concat(parts, ignore_index=True)
    return _sorted(gpd.GeoDataFrame(joined, geometry="geometry", crs=parts[0].crs))


def read_context(*, root: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Read the context layer: neighbouring provinces and prefectures (level ``context``).

    Context units may overlap each other (a prefecture lies inside its province); they are
    drawn for orientation only.
    """
    return _read(_folder(root) / FILES["context"])


def unit_records(
    *, root: str | os.PathLike[str] | None = None, level: str | None = None
) -> list[dict[str, Any]]:
    """The attributes of the units of ``level`` as plain records (no geometry).

    ``level`` is ``"province"``, ``"prefecture"``, ``"county"``, ``"context"`` or ``None``
    (the three Gansu levels). Records follow :data:`COLUMNS`, sorted by adcode then level.

    Examples
    --------
    >>> unit_records(level="province")[0]["level"]
    'province'
    """
    gdf = read_context(root=root) if level == "context" else read_units(root=root, level=level)
    cols = [c for c in COLUMNS if c in gdf.columns]
    return [
        {c: _value(v) for c, v in zip(cols, row, strict=True)}
        for row in gdf[cols].itertuples(index=False)
    ]


# --- validation -------------------------------------------------------------------------------


def _few(items: Sequence[Any], n: int = 5) -> str:
    shown = ", ".join(str(i) for i in items[:n])
    return shown + (f" and {len(items) - n} more" if len(items) > n else "")


def is_adcode(value: Any) -> bool:
    """True for a 6-digit adcode string.

    Examples
    --------
    >>> is_adcode("620702"), is_adcode("62070"), is_adcode(620702)
    (True, False, False)
    """
    return isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()


def check_adcodes(codes: Iterable[Any], *, source: str | os.PathLike[str]) -> None:
    """Raise :class:`BoundaryError` naming the rows whose adcode is missing or malformed."""
    bad = [f"row {i}" for i, c in enumerate(codes) if not is_adcode(c)]
    if bad:
        raise BoundaryError(
            f"boundary layer {source} has missing or malformed adcodes (6-digit strings "
            f"expected) at {_few(bad)}; fill them from the source index"
        )


def validate_units(gdf: Any, *, source: str | os.PathLike[str]) -> None:
    """Check a units layer; raise :class:`BoundaryError` with a one-line message if it is bad.

    Checks, in order: it is a GeoDataFrame; the columns :data:`REQUIRED` exist; the CRS is
    EPSG:4326; every adcode is present and a 6-digit string; no adcode repeats within a level;
    every geometry is present, non-empty, polygonal and valid.

    Parameters
    ----------
    gdf
        The layer to check.
    source
        Where it came from (a path or a description), named in the message.
    """
    where = f"boundary layer {source}"
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise BoundaryError(f"{where} is a {type(gdf).__name__}, not a GeoDataFrame; {_FIX}")
    missing = [c for c in (*REQUIRED, "geometry") if c not in gdf.columns]
    if missing:
        raise BoundaryError(f"{where} lacks the column(s) {', '.join(missing)}; {_FIX}")
    if gdf.geometry.has_z.any():
        codes_z = list(gdf["adcode"][gdf.geometry.has_z.to_numpy()])
        raise BoundaryError(
            f"{where} has 3D coordinates (x, y, z) for adcode {_few(codes_z)}; drop the z "
            "values (shapely.force_2d) and rebuild"
        )
    if gdf.crs is None:
        raise BoundaryError(f"{where} has no CRS; set it with gdf.set_crs(4326) if it is WGS84")
    if gdf.crs.to_epsg() != 4326:
        raise BoundaryError(
            f"{where} has CRS {gdf.crs.to_string()}, expected EPSG:4326; "
            "reproject with gdf.to_crs(4326)"
        )
    codes = gdf["adcode"]
    check_adcodes(codes, source=source)
    counts = Counter(zip(codes, gdf["level"], strict=True))
    dups = sorted({code for (code, _), n in counts.items() if n > 1})
    if dups:
        raise BoundaryError(
            f"{where} has duplicate adcodes {_few(dups)} within one level; keep one row each"
        )
    for col in ("area_km2", "seat_lon", "seat_lat"):
        values = pd.to_numeric(gdf[col], errors="coerce")
        bad = ~np.isfinite(values.to_numpy(dtype=float)) & gdf[col].notna().to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise BoundaryError(
                f"{where} has {col} = {str(gdf[col].iloc[i])[:20]!r} for adcode "
                f"{_few(list(codes[bad]))}, not a finite number; write a number and rebuild"
            )
    geoms = gdf.geometry.to_numpy()
    missing_geom = [c for c, g in zip(codes, geoms, strict=True) if g is None or g.is_empty]
    if missing_geom:
        raise BoundaryError(
            f"{where} has missing or empty geometry for adcode {_few(missing_geom)}; {_FIX}"
        )
    types = shapely.get_type_id(geoms)
    not_poly = [c for c, t in zip(codes, types, strict=True) if t not in (3, 6)]
    if not_poly:
        raise BoundaryError(
            f"{where} has non-polygonal geometry for adcode {_few(not_poly)}; "
            "units must be Polygon or MultiPolygon"
        )
    _check_plausible(gdf, codes, where)
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if invalid.size:
        i = int(invalid[0])
        reason = shapely.is_valid_reason(geoms[i])
        raise BoundaryError(
            f"{where} has invalid geometry for adcode {_few([codes.iloc[j] for j in invalid])}"
            f" ({reason}); repair it with shapely.make_valid and rebuild"
        )


def _check_plausible(gdf: gpd.GeoDataFrame, codes: pd.Series, where: str) -> None:
    """Coordinates (and seats) outside :data:`PLAUSIBLE` mean swapped lon/lat or another CRS."""
    (x0, x1), (y0, y1) = PLAUSIBLE
    b = shapely.bounds(gdf.geometry.to_numpy())
    sx = pd.to_numeric(gdf["seat_lon"], errors="coerce").to_numpy(dtype=float)
    sy = pd.to_numeric(gdf["seat_lat"], errors="coerce").to_numpy(dtype=float)
    out = (b[:, 0] < x0) | (b[:, 2] > x1) | (b[:, 1] < y0) | (b[:, 3] > y1)
    out |= (sx < x0) | (sx > x1) | (sy < y0) | (sy > y1)
    if out.any():
        i = int(np.flatnonzero(out)[0])
        raise BoundaryError(
            f"{where} has coordinates outside lon {x0}..{x1}, lat {y0}..{y1} for adcode "
            f"{_few(list(codes[out]))} (x {b[i, 0]:.1f}..{b[i, 2]:.1f}, y {b[i, 1]:.1f}.."
            f"{b[i, 3]:.1f}); are lon and lat swapped? write lon first and rebuild"
        )


# --- tiling -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TilingReport:
    """Measured fit of parts to a whole, in an equal-area CRS (:data:`EQUAL_AREA_CRS`).

    Attributes
    ----------
    whole_km2
        Area of the whole.
    parts_km2
        Sum of the areas of the parts.
    gap_km2
        Area of the whole not covered by any part.
    overlap_km2
        Area covered by more than one part (sum of part areas minus area of their union).
    outside_km2
        Area of the parts outside the whole.
    symdiff_ratio
        Area of the symmetric difference of the union of the parts and the whole, divided by
        the area of the whole.
    max_gap_width_m
        Diameter of the largest circle that fits in a gap (0 if there is none).
    max_overlap_width_m
        Diameter of the largest circle that fits in the overlap of two parts (0 if none).

    Widths are measured in the equal-area CRS, whose scale error in Gansu is up to ~2 %.
    """

    whole_km2: float
    parts_km2: float
    gap_km2: float
    overlap_km2: float
    outside_km2: float
    symdiff_ratio: float
    max_gap_width_m: float
    max_overlap_width_m: float


def _project(geoms: Iterable[Any]) -> np.ndarray:
    arr = np.asarray(list(geoms), dtype=object)
    tr = pyproj.Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)

    def _xy(c: np.ndarray) -> np.ndarray:
        x, y = tr.transform(c[:, 0], c[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(arr, _xy)


def _max_width(geom: Any) -> float:
    """Diameter (m) of the largest inscribed circle over the polygonal parts of ``geom``."""
    parts = shapely.get_parts(geom)
    polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
    polys = polys[shapely.area(polys) > 0]
    best = 0.0
    for poly in polys:
        line = shapely.maximum_inscribed_circle(poly, tolerance=0.01)
        best = max(best, 2.0 * float(line.length))
    return best


def check_tiling(parts: Any, whole: Any, *, tolerance_km2: float) -> TilingReport:
    """Measure how well ``parts`` tile ``whole``; raise if gaps or overlaps are too large.

    Parameters
    ----------
    parts
        The parts: a GeoSeries / GeoDataFrame / sequence of shapely geometries in EPSG:4326.
    whole
        The whole: one shapely geometry, or a GeoSeries / GeoDataFrame whose geometries are
        united, in EPSG:4326.
    tolerance_km2
        Largest accepted gap, overlap and outside area (each, in km²).

    Returns
    -------
    TilingReport
        The measurements.

    Raises
    ------
    BoundaryError
        If the gap, overlap or outside area exceeds ``tolerance_km2``.
    """
    part_geoms = _geoms(parts)
    whole_geom = shapely.union_all(_geoms(whole))
    p = _project(part_geoms)
    (w,) = _project([whole_geom])
    union = shapely.union_all(p)
    parts_area = float(shapely.area(p).sum())
    gap = shapely.difference(w, union)
    outside = shapely.difference(union, w)
    overlaps = []
    tree = shapely.STRtree(p)
    left, right = tree.query(p, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i < j:
            inter = shapely.intersection(p[i], p[j])
            if shapely.area(inter) > 0:
                overlaps.append(inter)
    report = TilingReport(
        whole_km2=float(w.area) / 1e6,
        parts_km2=parts_area / 1e6,
        gap_km2=float(gap.area) / 1e6,
        overlap_km2=max(parts_area - float(union.area), 0.0) / 1e6,
        outside_km2=float(outside.area) / 1e6,
        symdiff_ratio=(float(gap.area) + float(outside.area)) / float(w.area),
        max_gap_width_m=_max_width(gap),
        max_overlap_width_m=max((_max_width(o) for o in overlaps), default=0.0),
    )
    worst = max(report.gap_km2, report.overlap_km2, report.outside_km2)
    if not worst <= tolerance_km2:
        raise BoundaryError(
            f"parts do not tile the whole: gap {report.gap_km2:.6f} km², overlap "
            f"{report.overlap_km2:.6f} km², outside {report.outside_km2:.6f} km² "
            f"(tolerance {tolerance_km2} km²); {_FIX} and check the source"
        )
    return report


def _geoms(obj: Any) -> np.ndarray:
    if isinstance(obj, gpd.GeoDataFrame):
        return obj.geometry.to_numpy()
    if isinstance(obj, gpd.GeoSeries):
        return obj.to_numpy()
    if isinstance(obj, shapely.Geometry):
        return np.asarray([obj], dtype=object)
    return np.asarray(list(obj), dtype=object)


# --- writing ----------------------------------------------------------------------------------


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float | int):
            return [round(float(v), COORD_DIGITS) for v in obj]
        return [_round_coords(v) for v in obj]
    return obj


def _geometry_json(geom: Any) -> dict[str, Any]:
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    mapped = shapely.geometry.mapping(geom)
    return {"type": mapped["type"], "coordinates": _round_coords(mapped["coordinates"])}


def _value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def dumps_units(gdf: gpd.GeoDataFrame) -> str:
    """Serialise a units layer as deterministic GeoJSON text.

    Features are sorted by adcode (then level), properties follow :data:`COLUMNS` (columns
    the frame lacks are skipped), coordinates are rounded to :data:`COORD_DIGITS` decimals,
    rings are oriented as RFC 7946 asks, there is no ``crs`` member, text is UTF-8 without
    ASCII escapes, one feature per line.
    """
    validate_units(gdf, source="(to be written)")
    gdf = _sorted(gdf)
    cols = [c for c in COLUMNS if c in gdf.columns]
    lines = []
    for row, geom in zip(gdf[cols].itertuples(index=False), gdf.geometry, strict=True):
        props = {c: _value(v) for c, v in zip(cols, row, strict=True)}
        feature = {"type": "Feature", "properties": props, "geometry": _geometry_json(geom)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def write_layers(
    out: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Read, validate and write the four base layers into the folder ``out``.

    Every layer is read and validated, and every text made, before anything is written
    (:func:`geo._io.write_text`); ``PROVENANCE.md`` is copied beside them when it exists.
    Existing files of the same names in ``out`` are replaced, other files are left alone.

    Returns
    -------
    list of Path
        The files written, in :data:`FILES` order, then ``PROVENANCE.md``.
    """
    layers = {name: read_units(root=root, level=name) for name in LEVELS}
    layers["context"] = read_context(root=root)
    texts = {FILES[name]: dumps_units(gdf) for name, gdf in layers.items()}
    provenance = _folder(root) / "PROVENANCE.md"
    if provenance.is_file():
        texts[provenance.name] = provenance.read_text(encoding="utf-8")
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the folder '{out}' ({exc.strerror}); choose a writable --out"
        ) from None
    written = []
    for name, text in texts.items():
        target = out / name
        try:
            written.append(write_text(target, text))
        except OSError as exc:
            raise OutputError(
                f"cannot write '{target}' ({exc.strerror}); choose a writable --out"
            ) from None
    return written
