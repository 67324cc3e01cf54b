"""The plain records of the catalog's elements and members (private: see :mod:`geo.catalog`).

Each record is built here, once, and every output takes it from here: the atlas pages
(:func:`element_record` as is, plus the provisions that mention the element), the GIS exports
and the features of :func:`geo.catalog.build_geometry` (:func:`member_rows`), and
``gansu-atlas concepts --json`` (:func:`concept_record`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from geo._catalog_types import Catalog, Element, Member

#: Names of units by ``(adcode, level)``.
Names = Mapping[tuple[str, str], str]


def member_record(m: Member, catalog: Catalog, *, names: Names | None = None) -> dict[str, Any]:
    """The record of one member.

    ``{name, adcodes, units, level, role, role_zh, basis, basis_zh, partial}`` and, where
    present, ``source``, ``via`` (the part an inherited member came from) and ``site``
    (``{lon, lat, basis, source, precision_deg}``). ``units`` names the adcodes by ``names``
    (the adcode itself where ``names`` does not know it).
    """
    names = names or {}
    rec: dict[str, Any] = {
        "name": m.name,
        "adcodes": list(m.adcodes),
        "units": [names.get((a, m.level), a) for a in m.adcodes],
        "level": m.level,
        "role": m.role,
        "role_zh": catalog.roles[m.role].zh if m.role in catalog.roles else m.role,
        "basis": m.basis,
        "basis_zh": catalog.bases[m.basis].zh if m.basis in catalog.bases else m.basis,
        "partial": bool(m.partial),
    }
    if m.source:
        rec["source"] = m.source
    if m.via:
        rec["via"] = m.via
    if m.site is not None:
        rec["site"] = dataclasses.asdict(m.site)
    return rec


def member_rows(
    members: Sequence[Mapping[str, Any]], *, names: Names | None = None
) -> list[dict[str, Any]]:
    """One row per member and adcode, from :func:`member_record` records.

    ``{adcode, name, level, role, basis, partial}`` and, where present, ``unit`` (the name
    ``names`` gives the unit), ``source``, ``site``, ``via``.
    """
    rows = []
    for m in members:
        for code in m["adcodes"]:
            row: dict[str, Any] = {"adcode": code}
            row.update({k: m[k] for k in ("name", "level", "role", "basis", "partial")})
            if names is not None and (code, m["level"]) in names:
                row["unit"] = names[(code, m["level"])]
            row.update({k: m[k] for k in ("source", "site", "via") if k in m})
            rows.append(row)
    return rows


def element_record(e: Element, catalog: Catalog, *, names: Names | None = None) -> dict[str, Any]:
    """The record of one element (no geometry).

    ``{id, name, name_en, aliases, plan, kind, kind_zh, kind_en, geometry, schematic,
    members, quotes, provisions, parts, parents, notes, paths}``: ``geometry`` is the kind's
    geometry family (``area``, ``line``, ``point``), ``schematic`` is true for lines,
    ``members`` are :func:`member_record` records, ``quotes`` ``[{text, provision}]``.
    """
    kind = catalog.kinds[e.kind]
    return {
        "id": e.id,
        "name": e.name,
        "name_en": e.name_en,
        "aliases": list(e.aliases),
        "plan": e.plan,
        "kind": e.kind,
        "kind_zh": kind.zh,
        "kind_en": kind.en,
        "geometry": kind.geometry,
        "schematic": kind.geometry == "line",
        "members": [member_record(m, catalog, names=names) for m in e.members],
        "quotes": [{"text": q.text, "provision": q.provision} for q in e.quotes],
        "provisions": list(e.provisions),
        "parts": list(e.parts),
        "parents": list(e.parents),
        "notes": list(e.notes),
        "paths": [list(p) for p in e.paths],
    }


def concept_record(
    record: Mapping[str, Any],
    *,
    geometry: Any = None,
    partial_geometry: Any = None,
    names: Names | None = None,
) -> dict[str, Any]:
    """The ``gansu-atlas concepts --json`` record of an :func:`element_record`.

    ``{id, name, name_en, aliases, plan, kind, kind_zh, schematic, geometry,
    partial_geometry, members, provisions, quotes, parts, parents, notes}``, with the GeoJSON
    ``geometry`` and ``partial_geometry`` given and the members as :func:`member_rows`.
    """
    head = ("id", "name", "name_en", "aliases", "plan", "kind", "kind_zh", "schematic")
    out: dict[str, Any] = {k: record[k] for k in head}
    out["geometry"] = geometry
    out["partial_geometry"] = partial_geometry
    out["members"] = member_rows(record["members"], names=names)
    out.update({k: record[k] for k in ("provisions", "quotes", "parts", "parents", "notes")})
    return out
