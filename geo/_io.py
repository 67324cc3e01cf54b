"""Deterministic, safe file output shared by the build and the exports.

Every writer follows these habits:

- **Whole or nothing**: files are written into a temporary folder on the same file system as
  the target and swapped into place only when everything succeeded (:func:`atomic_dir`), so a
  failure, a kill or Ctrl-C leaves the previous output as it was. Leftovers of killed runs
  (``.<name>.tmp-<pid>-…`` and ``.<name>.old-<pid>-…`` folders whose process is gone) are
  cleaned at the next start.
- **Never delete what it did not write**: the marker file ``.gansu-atlas`` in every output
  folder lists the files the tool wrote there (its manifest). A folder that holds anything else
  — ``MY_NOTES.txt``, ``data/mine/`` — is refused with one line naming those files; nothing is
  deleted or replaced.
- **Deterministic**: the same data gives byte-identical files (sorted keys where order carries
  no meaning, fixed float precision, no timestamps, ``\\n`` line ends, UTF-8 without escapes).
- **No live formulas**: text cells of every CSV go through :func:`defuse_cell` (the OWASP
  CSV-injection rule).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import secrets
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from geo.errors import Interrupted, OutputError

#: Written into every folder that :func:`atomic_dir` makes: its first line says who wrote the
#: folder, the next lines list the files written (relative, ``/``-separated, sorted).
MARKER = ".gansu-atlas"
_HEAD = "written by gansu-atlas; may be replaced by it"
_LIST = "# the files it wrote (anything else in this folder is not its own):"

#: Errors that mean "this output cannot be written" rather than a bug; they become one line.
_WRITE_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file is too large for the file system",
    errno.ENAMETOOLONG: "a file name is too long",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EXDEV: "it is on another file system",
    errno.EBUSY: "it is busy (a mount point?)",
}

#: Stranger files named in a refusal before "and N more".
_SHOW = 5

_LEFTOVER = re.compile(r"\.(tmp|old)-(\d+)-[0-9a-f]+$")


# --- the output folder: checks before anything is built ------------------------------------------


def _name_max(path: Path) -> int:
    for folder in (path, *path.parents):
        if os.path.isdir(folder):  # never raises, even for a name that is too long
            with contextlib.suppress(OSError, ValueError):
                return int(os.pathconf(folder, "PC_NAME_MAX"))
            break
    return 255


def _short(name: str) -> str:
    """The target's name as its temporary folders carry it (at most 64 bytes of it)."""
    return name.encode("utf-8", "surrogateescape")[:64].decode("utf-8", "ignore")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: someone else's live process
        return True
    return True


def _ours(folder: Path) -> bool:
    """A folder this module made: it holds the marker, or it is empty."""
    try:
        return (folder / MARKER).is_file() or not any(folder.iterdir())
    except OSError:
        return False


def clean_leftovers(folder: Path, prefix: str, *, restore: Path | None = None) -> list[Path]:
    """Remove the ``<prefix>tmp-<pid>-…``/``<prefix>old-<pid>-…`` folders in ``folder`` that
    runs killed before they finished left behind (their process is gone); return them.

    A previous output that a kill left under its ``old`` name while ``restore`` is missing is
    moved back to ``restore`` instead. Folders of live runs (a concurrent build) and folders
    that do not hold the marker are never touched.
    """
    done: list[Path] = []
    try:
        entries = sorted(p for p in folder.iterdir() if p.name.startswith(prefix))
    except OSError:
        return done
    for path in entries:
        m = re.fullmatch(r"(tmp|old)-(\d+)-[0-9a-f]+", path.name[len(prefix) :])
        if not m or path.is_symlink() or not path.is_dir() or _alive(int(m.group(2))):
            continue
        if not _ours(path):
            continue
        if m.group(1) == "old" and restore is not None and not os.path.lexists(restore):
            with contextlib.suppress(OSError):
                os.replace(path, restore)
                continue
        remove(path)
        done.append(path)
    return done


def remove(folder: Path) -> None:
    """Delete a folder this module made, its marker last: a removal cut short by a kill leaves
    a folder that still says whose it is, so the next run can finish the job."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    with contextlib.suppress(OSError):
        os.unlink(folder / MARKER)
    with contextlib.suppress(OSError):
        folder.rmdir()


def read_manifest(folder: Path) -> set[str] | None:
    """The files the marker of ``folder`` says the tool wrote there (``None``: no list)."""
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    if _LIST not in lines:
        return None
    return {line for line in lines[lines.index(_LIST) + 1 :] if line}


def strangers(folder: Path, manifest: Iterable[str]) -> list[str]:
    """Everything in ``folder`` that ``manifest`` does not list, top-most first: a file as
    ``name``, a folder holding none of the listed files as ``name/`` (not looked into)."""
    files = set(manifest)
    dirs = {str(Path(f).parent.as_posix()) for f in files}
    dirs |= {p.as_posix() for f in files for p in Path(f).parents}
    found: list[str] = []

    def walk(path: Path, rel: str) -> None:
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            name = f"{rel}{entry.name}"
            if name == MARKER:
                continue
            if entry.is_dir(follow_symlinks=False):
                if name in dirs:
                    walk(Path(entry.path), name + "/")
                else:
                    found.append(name + "/")
            elif name not in files:
                found.append(name)

    walk(folder, "")
    return found


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOW])
    return shown + (f" and {len(items) - _SHOW} more" if len(items) > _SHOW else "")


def _refuse_strangers(folder: Path) -> None:
    manifest = read_manifest(folder)
    if manifest is None:
        if not (folder / MARKER).is_file():
            raise OutputError(
                f"'{folder}' is not empty and was not written by gansu-atlas; "
                "choose a new or empty --out folder"
            )
        raise OutputError(
            f"'{folder}' was written by an older gansu-atlas that kept no list of its files; "
            "delete the folder yourself or choose another --out"
        )
    found = strangers(folder, manifest)
    if found:
        raise OutputError(
            f"'{folder}' holds files gansu-atlas did not write ({_names(found)}); "
            "move them out of it or choose another --out"
        )


def output_folder(out: str | os.PathLike[str], *, merge: bool = False) -> Path:
    """Check an output folder before anything is built and return its real path.

    Cleans the leftovers of killed runs (:func:`clean_leftovers`) and, unless ``merge``,
    refuses a folder that cannot be replaced as a whole: the current folder or one that holds
    it, a mount point, a file, a folder with files the tool did not write. Also refuses names
    the file system cannot hold. A symlink is followed: the real folder is written, on its own
    file system.

    Raises
    ------
    OutputError
        One line naming the folder and the fix.
    """
    raw = os.fspath(out)
    if not raw.strip():
        raise OutputError("--out is empty; give a folder name, e.g. --out atlas")
    given = Path(raw)
    name_max = _name_max(Path(os.path.abspath(raw)))
    for part in given.parts:
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > name_max:
            raise OutputError(
                f"--out name '{part[:24]}…' is {size} bytes long, more than the {name_max} "
                "the file system allows; choose a shorter --out"
            )
    if given.exists() and not given.is_dir():
        raise OutputError(f"output '{given}' exists and is not a folder; choose another --out")
    target = Path(os.path.realpath(raw))
    if not merge:
        cwd = Path.cwd().resolve()
        if target == cwd or target in cwd.parents:
            raise OutputError(
                f"--out '{raw}' is the current folder or holds it; the build replaces its "
                "output folder as a whole, so give it a folder of its own, e.g. --out atlas"
            )
        if os.path.ismount(target):
            raise OutputError(
                f"--out '{target}' is a mount point, which cannot be replaced as a whole; "
                f"give a folder inside it, e.g. --out {target / 'atlas'}"
            )
    parent = target.parent
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
    if merge:
        clean_leftovers(target, f"{MARKER}.")
    else:
        clean_leftovers(parent, f".{_short(target.name)}.", restore=target)
        if target.is_dir() and any(target.iterdir()):
            _refuse_strangers(target)
    return target


# --- writing it --------------------------------------------------------------------------------


def _one_line(exc: OSError, target: Path) -> OutputError:
    why = _WRITE_ERRNOS[exc.errno or 0]
    return OutputError(
        f"cannot write '{target}': {why} ({exc.strerror}); free some space or choose another --out"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT)
        else f"cannot write '{target}': {why} ({exc.strerror}); choose another --out"
    )


def _mkdir_beside(folder: Path, prefix: str) -> Path:
    path = folder / f"{prefix}tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        path.mkdir()
    except OSError as exc:
        raise OutputError(
            f"cannot write in '{folder}' ({exc.strerror}); choose a writable --out"
        ) from None
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o777 & ~umask)
    (path / MARKER).write_text(_HEAD + "\n", "utf-8")
    return path


def _manifest_text(files: Iterable[str]) -> str:
    return "\n".join([_HEAD, _LIST, *sorted(files)]) + "\n"


def _files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if (p.is_file() or p.is_symlink()) and p.name != MARKER
    )


def mark_written(folder: str | os.PathLike[str]) -> Path:
    """Write the marker of ``folder`` listing every file in it as written by the tool."""
    folder = Path(folder)
    return write_text(folder / MARKER, _manifest_text(_files(folder)))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.ENOENT):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap(tmp: Path, target: Path, prefix: str) -> None:
    if target.is_dir() and any(target.iterdir()):
        _refuse_strangers(target)  # again: files may have been added during the build
    if os.path.lexists(target) and _exchange(tmp, target):
        remove(tmp)  # it now holds the previous output
        return
    old = None
    if os.path.lexists(target):
        old = target.parent / f"{prefix}old-{os.getpid()}-{secrets.token_hex(4)}"
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        remove(old)


def _merge(tmp: Path, target: Path) -> None:
    """Move the files of ``tmp`` into ``target``, replacing only files the tool wrote there;
    every name is checked before the first file moves."""
    mine = read_manifest(target) or set()
    new = _files(tmp)
    blocked = []
    for rel in new:
        parts = Path(rel).parts
        for i in range(1, len(parts)):  # a file where a folder is due
            anc = target.joinpath(*parts[:i])
            if os.path.lexists(anc) and not anc.is_dir():
                blocked.append("/".join(parts[:i]))
        dest = target / rel
        if os.path.lexists(dest) and ((dest.is_dir() and not dest.is_symlink()) or rel not in mine):
            blocked.append(rel + ("/" if dest.is_dir() else ""))
    if blocked:
        raise OutputError(
            f"'{target}' already holds {_names(sorted(set(blocked)))}, not written by "
            "gansu-atlas, where the export writes its files; move them out of it or choose "
            "another --out"
        )
    write_text(tmp / MARKER, _manifest_text(mine | set(new)))
    os.replace(tmp / MARKER, target / MARKER)
    for rel in new:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp / rel, target / rel)
    remove(tmp)


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str], *, merge: bool = False) -> Iterator[Path]:
    """Yield a temporary folder whose files replace ``target`` when the block succeeds.

    The folder ``target`` is checked first (:func:`output_folder`). By default it is replaced
    as a whole: the temporary folder is made beside it (same file system) and swapped in.
    With ``merge`` (the exports), the files are moved into ``target`` one by one and the other
    files in it stay; a file of the same name is replaced only if the tool wrote it, and every
    name is checked before the first file moves.

    The marker file lists the files written. On an exception, or SIGINT/SIGTERM turned into
    :class:`~geo.errors.Interrupted` (:func:`signals_as_errors`), the temporary folder is
    removed and ``target`` is left as it was; a full disk or an over-long name becomes a
    one-line :class:`~geo.errors.OutputError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_dir(base / "out") as tmp:
    ...     _ = (tmp / "a.txt").write_text("x")
    >>> sorted(p.name for p in (base / "out").iterdir())
    ['.gansu-atlas', 'a.txt']
    >>> (base / "out" / ".gansu-atlas").read_text().splitlines()[-1]
    'a.txt'
    """
    target = output_folder(target, merge=merge)
    prefix = f".{_short(target.name)}."
    created = False
    if merge and not target.is_dir():
        try:
            target.mkdir()
        except OSError as exc:
            raise OutputError(
                f"cannot create the folder '{target}' ({exc.strerror}); choose a writable --out"
            ) from None
        created = True
    tmp = _mkdir_beside(target, f"{MARKER}.") if merge else _mkdir_beside(target.parent, prefix)
    try:
        yield tmp
        if merge:
            _merge(tmp, target)
        else:
            mark_written(tmp)
            _swap(tmp, target, prefix)
    except BaseException as exc:
        remove(tmp)
        if created:
            shutil.rmtree(target, ignore_errors=True)
        # a writer may have wrapped the OSError already (with the temporary folder's name)
        cause = exc if not isinstance(exc, OutputError) else exc.__context__
        if (
            isinstance(cause, OSError)
            and not isinstance(cause, OutputError)
            and cause.errno in _WRITE_ERRNOS
        ):
            raise _one_line(cause, target) from None
        raise


# --- signals -----------------------------------------------------------------------------------


@contextlib.contextmanager
def signals_as_errors() -> Iterator[None]:
    """Within the block, SIGINT (Ctrl-C) and SIGTERM raise :class:`~geo.errors.Interrupted`.

    The first signal also ignores further ones, so that the clean-up of a temporary folder runs
    to its end. Only the main thread can handle signals; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    before = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


# --- text and CSV ------------------------------------------------------------------------------

#: A spreadsheet reads a cell that starts with one of these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_cell(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'`` (the OWASP rule)
    and write its CRs as ``\\n`` (quoted by the CSV writer, so no row is split); other values
    are returned as they are.

    Examples
    --------
    >>> [defuse_cell(v) for v in ["=1+1", "@SUM(A1)", "-2", "兰州市", 5]]
    ["'=1+1", "'@SUM(A1)", "'-2", '兰州市', 5]
    """
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    # a bare CR is no line end for the CSV writer, so it would split the row unquoted
    return value.replace("\r\n", "\n").replace("\r", "\n")


def defuse_rows(rows: Iterable[Iterable[Any]]) -> list[list[Any]]:
    """Every cell of ``rows`` through :func:`defuse_cell`."""
    return [[defuse_cell(v) for v in row] for row in rows]


def defuse_table(table: Any) -> Any:
    """A copy of a DataFrame with every text cell through :func:`defuse_cell`."""
    out = table.copy()
    for col in out.columns:
        if getattr(out[col].dtype, "kind", "") in ("O", "S", "U"):  # object, str, string
            out[col] = out[col].map(defuse_cell)
    return out


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""``text`` with control characters (ESC, BEL, CR, bidi overrides, …) written as escapes,
    so that a message never drives the terminal; line breaks and tabs stay.

    Examples
    --------
    >>> printable("a\x1b[31mb\x07")
    'a\\x1b[31mb\\x07'
    """
    return _CONTROL.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text
    )


# --- deterministic text and JSON ---------------------------------------------------------------


def dumps_json(data: Any, *, indent: int | None = None) -> str:
    """Serialise ``data`` deterministically: UTF-8 text, keys sorted, trailing newline.

    NaN and infinity are refused (:class:`ValueError`): they are not JSON.
    """
    return (
        json.dumps(
            data,
            ensure_ascii=False,
            sort_keys=True,
            indent=indent,
            separators=None if indent else (",", ":"),
            allow_nan=False,
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
