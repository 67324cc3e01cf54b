"""The GeoPackage of an export: every layer, described, with metadata and QGIS styles.

- ``gpkg_contents.description`` holds each layer's description (GDAL's ``DESCRIPTION``);
- ``gpkg_metadata`` (+ ``gpkg_metadata_reference``) holds the export's source, licence, date
  and datum (dataset scope) and each layer's CRS (table scope), as GDAL metadata XML;
- ``layer_styles`` (the table QGIS reads: ``styleQML``, ``styleSLD``, ``useAsDefault``) holds
  the style of every spatial layer, so QGIS opens the layers drawn like the atlas.

Timestamps are fixed (``OGR_CURRENT_DATE`` and ``update_time``), so the file is byte-identical
for the same inputs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio

from geo._export_formats import Entry, Job, is_spatial
from geo._export_styles import qml, sld

#: The fixed date of every timestamp in the file.
FIXED_DATE = "2000-01-01T00:00:00Z"


def _styles(entries: list[Entry], job: Job) -> pd.DataFrame:
    rows = []
    for stem, layer, frame, _target in entries:
        if not is_spatial(frame):
            continue
        rows.append(
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": stem,
                "f_geometry_column": "geom",
                "styleName": stem,
                "styleQML": qml(layer, frame, job.catalog),
                "styleSLD": sld(layer, frame, job.catalog),
                "useAsDefault": True,
                "description": f"{stem}: styles from kinds.toml (gansu-atlas)",
                "owner": "",
                "ui": "",
                "update_time": pd.Timestamp(FIXED_DATE.rstrip("Z")),
            }
        )
    return pd.DataFrame(rows)


def write_gpkg(entries: list[Entry], path: Path, job: Job) -> None:
    """Write the entries as layers ``stem`` of one GeoPackage 1.2."""
    for i, (stem, _layer, frame, target) in enumerate(entries):
        layer_metadata = {"crs": target.label} if target is not None else None
        pyogrio.write_dataframe(  # GPKG 1.2: read without warnings by older GDALs too
            frame,
            path,
            layer=stem,
            driver="GPKG",
            append=i > 0,
            dataset_options={"VERSION": "1.2"},
            layer_options={"DESCRIPTION": job.descriptions.get(stem, ""), "IDENTIFIER": stem},
            dataset_metadata=job.metadata if i == 0 else None,
            layer_metadata=layer_metadata,
        )
    styles = _styles(entries, job)
    if len(styles):
        pyogrio.write_dataframe(
            styles,
            path,
            layer="layer_styles",
            driver="GPKG",
            append=True,
            layer_options={"FID": "id", "DESCRIPTION": "QGIS layer styles (kinds.toml)"},
        )
