"""Same inputs, same bytes: two builds, and two figures, are byte-identical.

The second build runs in a fresh interpreter with another ``PYTHONHASHSEED``, so that an
order taken from a ``set`` or a ``dict`` of strings, a random folium id, a timestamp or an
absolute path of the output folder shows up as a difference.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo._io import mark_written
from geo.cli import _parser, main

REPO = Path(__file__).resolve().parent.parent


def _commands() -> dict[str, object]:
    sub = next(a for a in _parser()._actions if a.dest == "command")
    return dict(sub.choices)


def _options(command: str) -> set[str]:
    parser = _commands().get(command)
    if parser is None:
        return set()
    return {o for a in parser._actions for o in a.option_strings}  # type: ignore[attr-defined]


def digest(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cli_subprocess(*argv: str | os.PathLike[str], seed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "geo", *map(str, argv)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def assert_same_tree(a: Path, b: Path) -> None:
    da, db = digest(a), digest(b)
    assert sorted(da) == sorted(db), set(da) ^ set(db)
    differ = [name for name in da if da[name] != db[name]]
    assert differ == [], f"{len(differ)} files differ between two builds, e.g. {differ[:5]}"


@pytest.fixture(scope="module")
def two_builds(default_build, tmp_path_factory):
    """The default build twice: in-process (conftest), and by the command line in a subprocess
    with another hash seed."""
    a = default_build[0]
    b = tmp_path_factory.mktemp("determinism") / "nested" / "b"
    done = cli_subprocess("build", "--out", b, seed="12345")
    assert done.returncode == 0, done.stderr
    return a, b


def test_two_builds_are_byte_identical(two_builds):
    a, b = two_builds
    files = digest(a)
    assert any(name.endswith(".html") for name in files)
    assert_same_tree(a, b)


def test_build_output_names_no_local_path(two_builds):
    """No page embeds where it was built (the tmp folder) or the data root's absolute path."""
    a, _ = two_builds
    needles = [str(a), str(REPO)]
    for path in sorted(a.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for needle in needles:
            assert needle not in text, f"{path.name} contains {needle}"


def test_rebuild_into_the_same_folder_is_identical(two_builds, tmp_path):
    """Building over a previous output gives the same files (nothing stale it wrote is kept;
    files it did not write are refused by name, see tests/test_io.py)."""
    a, _ = two_builds
    out = tmp_path / "atlas"
    shutil.copytree(a, out)  # a previous output, with pages an older catalog had
    (out / "data" / "stale.json").write_text("{}", encoding="utf-8")
    (out / "stale.html").write_text("old", encoding="utf-8")
    mark_written(out)  # … written by the tool: listed in its marker
    assert main(["build", "--out", str(out)]) == 0
    assert_same_tree(a, out)


@pytest.mark.skipif("figure" not in _commands(), reason="`gansu-atlas figure` is not there yet")
@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_two_figures_are_byte_identical(tmp_path, fmt, catalog):
    layout = catalog.layouts[0].id
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert main(["figure", layout, "--format", fmt, "--out", str(a)]) == 0
    done = cli_subprocess("figure", layout, "--format", fmt, "--out", b, seed="54321")
    assert done.returncode == 0, done.stderr
    assert a.stat().st_size > 1000
    assert a.read_bytes() == b.read_bytes()


def _have_offline() -> bool:
    return "--offline" in _options("build") and importlib.util.find_spec("geo.offline") is not None


@pytest.mark.skipif(not _have_offline(), reason="`gansu-atlas build --offline` is not there yet")
def test_two_offline_builds_are_byte_identical(built_offline, tmp_path):
    a, b = built_offline, tmp_path / "b"
    done = cli_subprocess("build", "--offline", "--out", b, seed="999")
    assert done.returncode == 0, done.stderr
    assert_same_tree(a, b)
