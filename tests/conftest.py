"""Fixtures shared by the test modules: the repository's inputs, read once per session, and the
atlas built from them once, for the tests that only read what a build wrote.

A test that changes what it builds from (another data root, a broken file, other options)
builds its own; a test that only reads a build takes one of these.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geo.atlas import write_atlas
from geo.build import build
from geo.catalog import Catalog
from geo.corpus import Corpus
from geo.gazetteer import Gazetteer
from geo.inputs import Inputs, read_inputs


@pytest.fixture(scope="session")
def inputs() -> Inputs:
    """:func:`geo.inputs.read_inputs` of the repository's ``layers/``."""
    return read_inputs()


@pytest.fixture(scope="session")
def gazetteer(inputs: Inputs) -> Gazetteer:
    return inputs.gazetteer


@pytest.fixture(scope="session")
def corpus(inputs: Inputs) -> Corpus:
    return inputs.corpus


@pytest.fixture(scope="session")
def catalog(inputs: Inputs) -> Catalog:
    return inputs.catalog


@pytest.fixture(scope="session")
def units(inputs: Inputs) -> gpd.GeoDataFrame:
    """The full-resolution prefectures and counties (no province)."""
    frame = inputs.units
    return frame[frame["level"] != "province"].reset_index(drop=True)


@pytest.fixture(scope="session")
def context(inputs: Inputs) -> gpd.GeoDataFrame:
    """The full-resolution context units."""
    return inputs.context


@pytest.fixture(scope="session")
def default_build(
    inputs: Inputs, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[Path]]:
    """The default build (``gansu-atlas build``): the folder and the files written (relative)."""
    out = tmp_path_factory.mktemp("build") / "atlas"
    return out, build(out=out, inputs=inputs)


@pytest.fixture(scope="session")
def built_offline(inputs: Inputs, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline build (``gansu-atlas build --offline``)."""
    out = tmp_path_factory.mktemp("offline") / "atlas"
    build(out=out, inputs=inputs, offline=True)
    return out


@pytest.fixture(scope="session")
def pages(inputs: Inputs, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The atlas pages without a tile basemap (nothing to block in a browser without network):
    the folder and the files written (absolute)."""
    out = tmp_path_factory.mktemp("pages")
    return out, write_atlas(out, inputs=inputs, basemap="none", env={})
