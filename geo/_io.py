"""Deterministic, atomic file output shared by the build and the exports.

Two habits every writer follows:

- **Atomic**: files are written into a temporary folder beside the target and moved into
  place only when everything succeeded, so a failure leaves nothing half-written.
- **Deterministic**: the same data gives byte-identical files (sorted keys where order carries
  no meaning, fixed float precision, no timestamps, ``\\n`` line ends, UTF-8 without escapes).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geo.errors import OutputError


def _check_writable(target: Path) -> Path:
    parent = target.resolve().parent
    if target.exists() and not target.is_dir():
        raise OutputError(f"output '{target}' exists and is not a folder; choose another --out")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the folder '{parent}' ({exc.strerror}); choose a writable --out"
        ) from None
    if not os.access(parent, os.W_OK):
        raise OutputError(
            f"cannot write to '{parent}' (permission denied); choose a writable --out"
        )
    return parent


#: Written into every folder that :func:`atomic_dir` makes with a ``marker``: only a folder that
#: holds it (or an empty one) may be replaced, so ``--out ~`` never deletes a user's files.
MARKER = ".gansu-atlas"


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str], *, marker: str | None = MARKER) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``target`` when the block succeeds.

    On an exception the temporary folder is removed and ``target`` is left as it was.
    With ``marker`` (the default), an existing non-empty ``target`` is replaced only if it
    holds that marker file, i.e. it was written by this function before; otherwise
    :class:`~geo.errors.OutputError` is raised and nothing is touched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_dir(base / "out") as tmp:
    ...     _ = (tmp / "a.txt").write_text("x")
    >>> sorted(p.name for p in (base / "out").iterdir())
    ['.gansu-atlas', 'a.txt']
    """
    target = Path(target)
    parent = _check_writable(target)
    if (
        marker is not None
        and target.is_dir()
        and any(target.iterdir())
        and not (target / marker).is_file()
    ):
        raise OutputError(
            f"'{target}' is not empty and was not written by gansu-atlas; "
            "choose a new or empty --out folder"
        )
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(
            f"cannot write in '{parent}' ({exc.strerror}); choose a writable --out"
        ) from None
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the output folder is not
    if marker is not None:
        (tmp / marker).write_text("written by gansu-atlas; may be replaced by it\n", "utf-8")
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = parent / f".{target.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def dumps_json(data: Any, *, indent: int | None = None) -> str:
    """Serialise ``data`` deterministically: UTF-8 text, keys sorted, trailing newline."""
    return (
        json.dumps(
            data,
            ensure_ascii=False,
            sort_keys=True,
            indent=indent,
            separators=None if indent else (",", ":"),
        )
        + "\n"
    )


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, creating parent folders."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return path


def write_json(path: str | os.PathLike[str], data: Any, *, indent: int | None = None) -> Path:
    """Write ``data`` as deterministic JSON (see :func:`dumps_json`)."""
    return write_text(path, dumps_json(data, indent=indent))
