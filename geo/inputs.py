"""Every input of the atlas, read once: :func:`read_inputs` returns one frozen :class:`Inputs`.

The build, the exports, the figures, the command line, the notebooks and the tests all take
an :class:`Inputs` instead of reading the data root themselves, so each file is read, checked
and derived once per run, and every output is drawn from the same records.

:func:`read_inputs` reads and validates the files, in this order (the first problem found is
the one reported): the data root, the boundary layers (every later step reads them), the plan
corpus, the gazetteer, the concept catalog. What is derived from them is computed on first
use and then kept (``functools.cached_property``): the links, the simplified coverage, the
features of the catalog, the unit tags and the element records. A command that lists the
catalog therefore never simplifies the coverage. Within one process the same data root is
read once while none of its files changes (name, inode, time and size of every file).

Examples
--------
>>> inputs = read_inputs()
>>> len(inputs.catalog) > 0, sorted(set(inputs.units["level"]))
(True, ['county', 'prefecture', 'province'])
>>> inputs.links is inputs.links  # derived once
True
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo._paths import ENV_VAR, data_root
from geo.boundaries import CONTEXT, read_context, read_units
from geo.catalog import (
    Catalog,
    build_geometry,
    element_record,
    read_catalog,
    tagged,
    unit_tags,
)
from geo.corpus import Corpus, read_corpus
from geo.coverage import simplified_units
from geo.errors import DataError
from geo.gazetteer import Gazetteer, read_gazetteer
from geo.links import Links, build_links, concept_names

__all__ = ["Inputs", "read_inputs"]


@dataclass(frozen=True, eq=False)
class Inputs:
    """Everything the outputs are made from, read once (see :func:`read_inputs`).

    Attributes
    ----------
    root
        The data root the inputs were read from.
    units
        The Gansu units at full resolution, every level (province, prefectures, counties:
        :func:`geo.boundaries.read_units`).
    context
        The neighbouring units at full resolution (:func:`geo.boundaries.read_context`).
    corpus, gazetteer, catalog
        The plan corpus, the place names and the validated concept catalog.

    The other attributes are derived on first use, then kept; see their docstrings.
    """

    root: Path
    units: gpd.GeoDataFrame
    context: gpd.GeoDataFrame
    corpus: Corpus
    gazetteer: Gazetteer
    catalog: Catalog

    # --- derived, once -----------------------------------------------------------------------

    @cached_property
    def links(self) -> Links:
        """Every provision ↔ the units and concepts it mentions, with the ranked provision
        lists per unit (``by_unit``) and per concept (``by_concept``)."""
        return build_links(self.corpus, self.gazetteer, concepts=concept_names(self.catalog))

    @cached_property
    def simplified_units(self) -> gpd.GeoDataFrame:
        """The simplified coverage the maps draw, every Gansu level
        (:func:`geo.coverage.simplified_units` with ``level=None``)."""
        return simplified_units(root=self.root, level=None)

    @cached_property
    def simplified_context(self) -> gpd.GeoDataFrame:
        """The simplified context, sharing its border with :attr:`simplified_units`."""
        return simplified_units(root=self.root, level=CONTEXT)

    @cached_property
    def geometry(self) -> gpd.GeoDataFrame:
        """The catalog's features on the simplified coverage, areas dissolved
        (``concepts --json``, the figures)."""
        return build_geometry(self.catalog, self.simplified_units, context=self.simplified_context)

    @cached_property
    def page_geometry(self) -> gpd.GeoDataFrame:
        """The catalog's features on the simplified coverage without dissolved areas (the
        pages draw areas from their member units): lines, points and sites."""
        return build_geometry(
            self.catalog, self.simplified_units, context=self.simplified_context, areas=False
        )

    @cached_property
    def full_geometry(self) -> gpd.GeoDataFrame:
        """The catalog's features on the full-resolution layers, areas dissolved (the GIS
        exports, ``concepts --json --full``)."""
        return build_geometry(self.catalog, self.units, context=self.context)

    @cached_property
    def unit_tags(self) -> Mapping[tuple[str, str], list[dict[str, Any]]]:
        """``(adcode, level)`` → the elements the unit belongs to
        (:func:`geo.catalog.unit_tags` of every Gansu level, tagged together)."""
        return unit_tags(self.catalog, self.units)

    @cached_property
    def tagged_units(self) -> gpd.GeoDataFrame:
        """:attr:`units` with the ``concepts`` and ``concepts_zh`` columns of
        :func:`geo.catalog.tag_units` (from :attr:`unit_tags`)."""
        return tagged(self.catalog, self.units, self.unit_tags)

    @cached_property
    def unit_names(self) -> Mapping[tuple[str, str], str]:
        """``(adcode, level)`` → the unit's name, Gansu's and the context's."""
        frame = pd.concat([self.units, self.context], ignore_index=True)
        return {
            (str(a), str(lv)): str(n)
            for a, lv, n in zip(frame["adcode"], frame["level"], frame["name"], strict=True)
        }

    @cached_property
    def element_records(self) -> Mapping[str, dict[str, Any]]:
        """Element id → :func:`geo.catalog.element_record` (members named by
        :attr:`unit_names`), in catalog order."""
        return {
            e.id: element_record(e, self.catalog, names=self.unit_names)
            for e in self.catalog.elements
        }


def read_inputs(root: str | os.PathLike[str] | None = None) -> Inputs:
    """Read and check every input under the data root once.

    Parameters
    ----------
    root
        Data root (default :func:`geo._paths.data_root`: ``layers/`` of the source tree, or
        ``$GANSU_ATLAS_LAYERS``).

    Returns
    -------
    Inputs

    Raises
    ------
    DataError
        The data root does not exist.
    BoundaryError, PlanTextError, CatalogError, ...
        The first input found bad, boundary layers first (every later step reads them).
    """
    folder = data_root(root)
    if not folder.is_dir():
        raise DataError(
            f"data root '{folder}' does not exist; pass --root DIR (a copy of layers/) "
            f"or set ${ENV_VAR}"
        )
    stamp = _stamp(folder)
    kept = _KEPT.get(folder)
    if kept is not None and kept[0] == stamp:
        _KEPT.move_to_end(folder)
        return kept[1]
    inputs = _read(folder)
    _KEPT[folder] = (stamp, inputs)
    _KEPT.move_to_end(folder)
    default = data_root()
    others = [f for f in _KEPT if f != default]
    for stale in others[: max(0, len(others) - _KEEP_OTHER_ROOTS)]:
        del _KEPT[stale]
    return inputs


#: Inputs kept per data root (one entry per root, its latest state); the default root is
#: never dropped, other roots are dropped least recently used first.
_KEPT: OrderedDict[Path, tuple[tuple[tuple[str, int, int, int], ...], Inputs]] = OrderedDict()
_KEEP_OTHER_ROOTS = 4


def _stamp(folder: Path) -> tuple[tuple[str, int, int, int], ...]:
    """What identifies the files under ``folder``: name, inode, time and size of each."""
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            out.append((path.relative_to(folder).as_posix(), st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _read(folder: Path) -> Inputs:
    """Read the inputs under ``folder`` (kept by :func:`read_inputs` while no file under it
    changes, so that commands run in one process, the tests, a notebook, read each root once)."""
    units = read_units(root=folder)
    context = read_context(root=folder)
    corpus = read_corpus(root=folder)
    gazetteer = read_gazetteer(root=folder)
    # the catalog checks its members' levels against these same rows
    levels = pd.concat([units, context], ignore_index=True)
    catalog = read_catalog(root=folder, gazetteer=gazetteer, corpus=corpus, units=levels)
    return Inputs(
        root=folder,
        units=units,
        context=context,
        corpus=corpus,
        gazetteer=gazetteer,
        catalog=catalog,
    )
