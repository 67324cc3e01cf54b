"""The main build behind ``gansu-atlas build``: run the pipeline, write the output folder.

Reads everything from the data root (``layers/``), runs each step of the data flow once, and
writes into ``out`` atomically: either the whole atlas is written, or nothing changes.

Output layout::

    out/
      index.html, <layout>.html, atlas.html   the maps (geo.atlas)
      data/                                   the finished records the maps are drawn from
        units_province.geojson ...            admin layers tagged with concepts
        concepts.geojson                      one feature per concept element
        provisions.json, provisions.csv       the plan corpus
        links.json                            provision ↔ unit/concept links
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from geo._io import atomic_dir, output_folder, write_json
from geo._paths import ENV_VAR, data_root
from geo.errors import DataError


def build(
    *,
    out: str | os.PathLike[str] = "atlas",
    root: str | os.PathLike[str] | None = None,
    offline: bool = False,
    tianditu: bool = False,
) -> list[Path]:
    """Build the atlas into ``out`` and return the files written (relative to ``out``).

    Parameters
    ----------
    out
        Output folder; replaced as a whole when the build succeeds.
    root
        Data root (default: :func:`geo._paths.data_root`).
    offline
        Also make every page a single self-contained file with no network request.
    tianditu
        Offer the 天地图 basemap with the key in ``$TIANDITU_KEY``. Off by default: the key
        would be written into every page.

    Returns
    -------
    list of Path
        The files written, relative to ``out``, sorted.
    """
    from geo.atlas import write_atlas
    from geo.boundaries import read_context, read_units
    from geo.catalog import read_catalog
    from geo.corpus import read_corpus, write_corpus
    from geo.gazetteer import read_gazetteer
    from geo.links import build_links, concept_names, links_records

    out = Path(out)
    folder = data_root(root)
    if not folder.is_dir():
        raise DataError(
            f"data root '{folder}' does not exist; pass --root DIR (a copy of layers/) "
            f"or set ${ENV_VAR}"
        )
    output_folder(out)  # refuse a folder it may not replace before the whole build runs
    # boundary problems first (every later step reads the layers); the catalog checks its
    # members' levels against these same rows instead of reading the layers again
    units = pd.concat([read_units(root=root), read_context(root=root)], ignore_index=True)
    corpus = read_corpus(root=root)
    gazetteer = read_gazetteer(root=root)
    catalog = read_catalog(root=root, gazetteer=gazetteer, corpus=corpus, units=units)
    links = build_links(corpus, gazetteer, concepts=concept_names(catalog))
    with atomic_dir(out) as tmp:
        write_atlas(
            tmp,
            root=root,
            offline=offline,
            catalog=catalog,
            corpus=corpus,
            links=links,
            env=os.environ if tianditu else None,
        )
        data = tmp / "data"
        write_corpus(corpus, data)
        write_json(data / "links.json", links_records(links, mentions=True), indent=1)
    return sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
