"""What an export says about itself: layer descriptions, metadata and the folder's README.

The metadata (title, source, licence) is data: ``<root>/metadata.toml``; the date comes from
the plans and the datum from the chosen CRS, so the same inputs give the same text.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geo._export_crs import Target
from geo._export_formats import SHP_FIELDS, Entry, Job

#: What each layer is (``gpkg_contents.description``, KML/GeoJSON/FlatGeobuf descriptions).
DESCRIPTIONS = {
    "province": "the province, with the plan elements it belongs to",
    "prefectures": "the prefecture-level units, with the plan elements each belongs to "
    "(concepts JSON, and layout fields: see the fields table)",
    "counties": "the county-level units (and prefecture-level cities without counties), with "
    "the plan elements each belongs to (concepts JSON, and layout fields: see the fields table)",
    "context": "neighbouring provinces and prefectures, for orientation",
    "concept_areas": "plan elements drawn as areas; part 'partial' is the outline of counties "
    "that hold a sub-county member, never its extent",
    "concept_lines": "plan elements drawn as schematic lines (belts, axes): 示意 only",
    "concept_points": "plan elements drawn as points, and named sites of area elements",
    "memberships": "one row per unit and plan element it belongs to: role, basis, partial, "
    "via, layouts, defining provisions",
    "layouts": "the layouts (lost figures) of the plans, and the fields of each on the admin "
    "layers",
    "fields": "the field map of the layout fields on the admin layers: field → layout, part, "
    "the elements whose names it holds",
    "plans": "plan id → title, issuer, date, period, document number and title",
    "provisions": "the plan texts as provisions with stable ids",
    "links": "places and plan elements each provision mentions",
}


def describe(entry: Entry) -> str:
    """The description of one written layer: what it is, and its CRS (GCJ-02 loudly)."""
    text = DESCRIPTIONS.get(entry.layer, entry.layer)
    target = entry.target
    if target is None:
        return text + "."
    if target.gcj02:
        return (
            f"{text}. GCJ-02 coordinates (obfuscated WGS 84, for 高德/Amap and Tencent "
            "overlays only): NOT WGS 84, shifted by 100-700 m; never mix with WGS 84 data."
        )
    return f"{text}. CRS: {target.label}."


def metadata(inputs: Any, crs: str, targets: Sequence[Target]) -> dict[str, str]:
    """Title, source, licence, date and datum of an export (``gpkg_metadata``, README)."""
    path = Path(inputs.root) / "metadata.toml"
    about = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    dates = sorted(p.date for p in inputs.corpus.plans if p.date)
    vintage = about.get("boundaries_vintage", "")
    date = f"plans up to {dates[-1]}" if dates else "plans undated"
    return {
        "title": about.get("title", "gansu-atlas export"),
        "source": about.get("source", ""),
        "licence": about.get("licence", ""),
        "date": f"{date}; boundaries {vintage}".strip("; "),
        "datum": "; ".join(dict.fromkeys(t.label for t in targets)) or crs,
        "crs": crs,
        "generator": "gansu-atlas export",
    }


def readme(job: Job, *, crs: str, formats: Sequence[str]) -> str:
    """The text of ``README_<crs>.txt``: metadata, field map, and every value a format could
    not hold with where the full value is."""
    meta = job.metadata
    lines = []
    if job.target.gcj02:
        lines += [
            "WARNING: GCJ-02. These files hold GCJ-02 coordinates (for overlays on 高德/Amap "
            "maps), NOT WGS 84: every name ends in _gcj02 and every CRS that a format can "
            "declare is named GCJ-02. Do not mix them with WGS 84 data (about 250-700 m off).",
            "",
        ]
    lines += [meta["title"], "", f"CRS: {meta['datum']}", f"Date: {meta['date']}"]
    lines += [f"Source: {meta['source']}", f"Licence: {meta['licence']}", ""]
    lines += ["Schema of every layer: docs/schema.md of gansu-atlas."]
    if "shp" in formats:
        lines += ["", "Shapefile field map (long name -> field):"]
        lines += [f"  {long} -> {short}" for long, short in SHP_FIELDS.items()]
        lines += [
            "  layout fields (each holds the names of these elements of the layout, "
            "；-separated, （部分） marking a partial membership; also in fields.csv):"
        ]
        lines += [
            f"  {f.name} -> {f.layout} ({f.part}): {', '.join(f.elements)}" for f in job.fields
        ]
    if job.notes:
        lines += ["", "What a format could not hold, and where the full values are:"]
        lines += [f"  - {n}" for n in dict.fromkeys(job.notes)]
    return "\n".join(lines) + "\n"
