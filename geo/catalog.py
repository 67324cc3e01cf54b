"""The concept catalog: the plans' spatial layouts as elements with members, evidence, geometry.

The catalog is data: ``<root>/concepts/*.toml``, one file per plan (``lz.toml``, ``hx.toml`` …),
the ontology ``kinds.toml`` (kinds, roles, bases) and ``layouts.toml`` (the lost figures and
other layouts, each a list of elements). The schema of an element is documented at the top of
``lz.toml``. :func:`read_catalog` loads every file and validates everything at once against the
gazetteer (names), the boundary layers (levels) and the corpus (quotes and provision ids): all
problems are reported together in one :class:`geo.errors.CatalogError`, and nothing is returned.

Pipeline
--------
``read_catalog`` → :func:`build_geometry` (one GeoDataFrame of features per element) →
:func:`tag_units` (every prefecture and county with the elements it belongs to) →
:func:`element_records` (the JSON records of ``gansu-atlas concepts --json``).

Members
-------
Each member names a unit (or a sub-county entity) and says why it belongs: its ``role``
(``core``, ``member``, ``node``, ``origin``, ``destination``, ``pole``, ``hub``, ``port``) and its
``basis`` (``stated``, ``implied``, ``inferred``, ``external``). A **partial** member is a
sub-county entity (兰州新区, 榆中生态创新城, 长庆桥 …): it is resolved to the county or counties
that hold it, but a map must never fill those counties for it. A member may carry a ``site``
(lon/lat WGS84 with its source, basis and precision) where the element is drawn as a point.

A composite element (``parts = [...]``) has as members the union of its parts' members (each
tagged with the part it came from), unless it lists members of its own as well.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd

from geo._catalog_geom import build, records, tagged
from geo._catalog_geom import unit_tags as _unit_tags
from geo._catalog_load import load
from geo._catalog_records import concept_record, element_record, member_record, member_rows
from geo._catalog_types import (
    GEOMETRY_TYPES,
    MEMBER_LEVELS,
    Basis,
    Catalog,
    Element,
    Kind,
    Layout,
    Member,
    Part,
    Quote,
    Role,
    Site,
)

__all__ = [
    "GEOMETRY_TYPES",
    "MEMBER_LEVELS",
    "Basis",
    "Catalog",
    "Element",
    "Kind",
    "Layout",
    "Member",
    "Part",
    "Quote",
    "Role",
    "Site",
    "build_geometry",
    "concept_record",
    "element_record",
    "element_records",
    "member_record",
    "member_rows",
    "read_catalog",
    "tag_units",
    "tagged",
    "unit_tags",
]

# --- loading -----------------------------------------------------------------------------------


def read_catalog(
    *,
    root: str | os.PathLike[str] | None = None,
    gazetteer: Any = None,
    corpus: Any = None,
    units: gpd.GeoDataFrame | None = None,
) -> Catalog:
    """Load and validate the concept catalog.

    Parameters
    ----------
    root
        Data root (default :func:`geo._paths.data_root`); the catalog is read from
        ``<root>/concepts/``.
    gazetteer
        A :class:`geo.gazetteer.Gazetteer` (default: read from ``root``) to resolve names.
    corpus
        A :class:`geo.corpus.Corpus` (default: read from ``root``) to check quotes and ids.
    units
        The units whose levels members are checked against: prefectures, counties and context
        units with ``adcode`` and ``level`` (default: read from ``root``).

    Returns
    -------
    Catalog

    Raises
    ------
    CatalogError
        Listing every problem found, one line each (file, element, problem, fix).
    """
    return load(root=root, gazetteer=gazetteer, corpus=corpus, units=units)


# --- geometry, tags, records ---------------------------------------------------------------------


def build_geometry(
    catalog: Catalog,
    units: gpd.GeoDataFrame,
    *,
    context: gpd.GeoDataFrame | None = None,
    areas: bool = True,
) -> gpd.GeoDataFrame:
    """Build the features of every element.

    Parameters
    ----------
    catalog
        The catalog.
    units
        Prefecture and county units (``adcode, level, seat_lon, seat_lat, geometry``), e.g.
        :func:`geo.boundaries.read_units` or a simplified coverage of it: areas are dissolved
        from these very polygons, so their borders coincide with the base layers.
    context
        Context units (level ``context``) for members outside Gansu (西宁市, 海东市).
    areas
        Dissolve the member units of area elements into ``whole`` and ``partial`` rows (the
        costly part: a union per element). ``False`` gives area elements their ``site`` rows
        only, for callers that draw areas from the member units themselves (the atlas pages);
        members are still checked against the units.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per element and ``part``:

        - ``part = "whole"``: the element itself, from its whole (non-partial) members: an area
          dissolved from their units, a line through their seats or sites, or points.
        - ``part = "partial"``: for area elements with partial members, the union of the
          units that hold them; draw it as an outline or hatch, never as a fill.
        - ``part = "site"``: for area elements, the named sites of their members (points).

        Every element has a ``whole`` row, or a ``partial`` row when all its members are
        partial (with ``areas=False``, area elements have their ``site`` rows only). Columns:
        ``id, part, name, name_en, plan, kind, kind_zh, geometry_type, schematic, basis,
        members, provisions, quotes, geometry`` (``members``, ``provisions`` and ``quotes``
        are JSON strings; ``basis`` counts members per basis).
    """
    return build(catalog, units, context=context, areas=areas)


def tag_units(catalog: Catalog, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Tag every prefecture and county with the elements it belongs to.

    A county belongs to an element when it is a member, or, for area elements, when its
    prefecture is (``via`` ``"prefecture"``); a prefecture belongs partly to an element one of
    its counties is a member of (``via`` ``"county"``, ``partial`` true). Partial members tag
    their counties with ``partial`` true. Where a unit belongs to an element in several ways,
    a whole membership wins over a partial one, then a direct one over one via another level.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``units`` with ``concepts`` (JSON list of ``{id, name, plan, kind, role,
        basis, partial, via}``, sorted by id) and ``concepts_zh`` (readable, Chinese): the
        entries of :func:`unit_tags`.
    """
    return tagged(catalog, units, _unit_tags(catalog, units))


def unit_tags(
    catalog: Catalog, units: gpd.GeoDataFrame
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The elements every unit of ``units`` belongs to, by the rules of :func:`tag_units`.

    Returns
    -------
    dict
        ``(adcode, level)`` → ``[{id, name, plan, kind, role, basis, partial, via}]``, sorted
        by id; units that belong to no element are left out. Pass every level together: a
        prefecture is tagged through its counties only when they are in ``units`` too.
    """
    return _unit_tags(catalog, units)


def element_records(
    catalog: Catalog,
    *,
    geometry: gpd.GeoDataFrame | None = None,
    ids: Iterable[str] | None = None,
    units: gpd.GeoDataFrame | None = None,
) -> list[dict[str, Any]]:
    """Return the JSON records of ``gansu-atlas concepts --json``.

    Each record: ``id, name, name_en, aliases, plan, kind, kind_zh, geometry`` (GeoJSON of the
    ``whole`` row, else the ``partial`` one; ``null`` without ``geometry``), ``partial_geometry``,
    ``schematic``, ``members`` (one per member and adcode: ``adcode, name, unit, level, role,
    basis, partial`` and, where present, ``source``, ``site``, ``via``), ``provisions``,
    ``quotes`` (``{text, provision}``), ``parts``, ``parents``, ``notes``.

    Parameters
    ----------
    geometry
        The output of :func:`build_geometry` (optional).
    ids
        Restrict to these element ids (in catalog order).
    units
        Units to name the adcodes with (``unit``); optional.
    """
    return records(catalog, geometry=geometry, ids=ids, units=units)


def dumps_records(records: Sequence[Mapping[str, Any]]) -> str:
    """Serialize records deterministically (sorted keys, UTF-8 text, trailing newline)."""
    return (
        json.dumps(list(records), ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False)
        + "\n"
    )


def describe_element(catalog: Catalog, id: str) -> str:
    """Return a readable, multi-line description of one element (``concepts show ID``).

    Raises
    ------
    UnknownNameError
        Unknown id; the message suggests the nearest ids.
    """
    e = catalog.get(id)
    kind = catalog.kinds[e.kind]
    lines = [
        f"{e.name}  {e.name_en}",
        f"  id: {e.id}    plan: {e.plan}    kind: {kind.zh} {kind.en}",
    ]
    if kind.geometry == "line":
        lines.append("  drawn as a schematic line (示意)")
    if e.aliases:
        lines.append(f"  aliases: {'、'.join(e.aliases)}")
    if e.parents:
        lines.append(f"  part of: {', '.join(e.parents)}")
    if e.parts:
        lines.append(f"  parts: {', '.join(e.parts)}")
    for path in e.paths:
        lines.append(f"  path: {' → '.join(path)}")
    lines.append(f"  members ({len(e.members)}):")
    for m in e.members:
        flags = [catalog.roles[m.role].zh, catalog.bases[m.basis].zh]
        if m.partial:
            flags.append("部分 partial")
        extra = f"  via {m.via}" if m.via else ""
        lines.append(f"    {m.name} [{', '.join(m.adcodes)} {m.level}] {' · '.join(flags)}{extra}")
        if m.source:
            lines.append(f"      source: {m.source}")
        if m.site is not None:
            s = m.site
            lines.append(
                f"      site: {s.lon:.2f}, {s.lat:.2f} (±{s.precision_deg}°, {s.basis}: {s.source})"
            )
    lines.append("  quotes:")
    for q in e.quotes:
        lines.append(f"    [{q.provision}] {q.text}")
    layouts = [lay.id for lay in catalog.layouts if e.id in lay.elements]
    if layouts:
        lines.append(f"  layouts: {', '.join(layouts)}")
    if e.notes:
        lines.append("  notes:")
        lines.extend(f"    - {n}" for n in e.notes)
    return "\n".join(lines) + "\n"
