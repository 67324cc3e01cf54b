"""The main build behind ``gansu-atlas build``: run the pipeline, write the output folder.

Reads everything from the data root (``layers/``) once (:func:`geo.inputs.read_inputs`) and
writes into ``out`` atomically: either the whole atlas is written, or nothing changes.

Output layout::

    out/
      index.html, <layout>.html, atlas.html   the maps (geo.atlas); the data they draw is
                                              embedded in each page as JSON
      gcj02/                                  the same maps over the 高德 basemap (GCJ-02)
      static/leaflet/                         Leaflet, copied from its installed package
      data/
        provisions.json, provisions.csv       the plan corpus (geo.corpus.write_corpus)
        links.json                            provision ↔ unit/concept links, with mentions

The GIS layers (admin units tagged with concepts, concept features) are written by
``gansu-atlas export`` (:mod:`geo.export`), not by the build.
"""

from __future__ import annotations

import os
from pathlib import Path

from geo._io import atomic_dir, output_folder, write_json
from geo._paths import DEFAULT_OUT
from geo.atlas import write_atlas
from geo.corpus import write_corpus
from geo.inputs import Inputs, read_inputs
from geo.links import links_records


def build(
    *,
    out: str | os.PathLike[str] = DEFAULT_OUT,
    root: str | os.PathLike[str] | None = None,
    inputs: Inputs | None = None,
    offline: bool = False,
    tianditu: bool = False,
) -> list[Path]:
    """Build the atlas into ``out`` and return the files written (relative to ``out``).

    Parameters
    ----------
    out
        Output folder; replaced as a whole when the build succeeds.
    root
        Data root (default: :func:`geo._paths.data_root`), read when ``inputs`` is not given.
    inputs
        The inputs, already read (:func:`geo.inputs.read_inputs`).
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
    out = Path(out)
    output_folder(out)  # refuse a folder it may not replace before the whole build runs
    inputs = read_inputs(root) if inputs is None else inputs
    with atomic_dir(out) as tmp:
        write_atlas(
            tmp,
            inputs=inputs,
            offline=offline,
            env=os.environ if tianditu else None,
        )
        data = tmp / "data"
        write_corpus(inputs.corpus, data)
        write_json(data / "links.json", links_records(inputs.links, mentions=True), indent=1)
    return sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
