"""Where the data lives.

The data root is the ``layers/`` folder of the source tree. It has one documented default and
can always be passed in (``root=``) or set with the environment variable ``GANSU_ATLAS_LAYERS``.
No module reads a path relative to the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "GANSU_ATLAS_LAYERS"

#: The default output folder of ``gansu-atlas build`` (relative to the working directory, as
#: a user's ``--out`` is).
DEFAULT_OUT = "atlas"

#: The default data root: ``layers/`` beside the ``geo`` package (an editable install or a
#: source checkout).
DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "layers"


def data_root(root: str | os.PathLike[str] | None = None) -> Path:
    """Return the data root: ``root`` if given, else ``$GANSU_ATLAS_LAYERS``, else the default.

    Examples
    --------
    >>> data_root("/tmp/x").as_posix()
    '/tmp/x'
    """
    if root is not None:
        return Path(root)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else DEFAULT_ROOT
