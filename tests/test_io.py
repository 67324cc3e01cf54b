"""The one safe-write mechanism (geo._io) shared by `build` and `export`.

Unit tests of the folder swap, the manifest, the clean-up of killed runs and CSV defusing; then
the real thing: `build` killed with SIGKILL at random moments, and stopped with SIGTERM and
SIGINT, in subprocesses.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from geo._io import (
    MARKER,
    atomic_dir,
    clean_leftovers,
    defuse_cell,
    dumps_json,
    mark_written,
    output_folder,
    printable,
    read_manifest,
    strangers,
    write_json,
    write_text,
)
from geo.corpus import parse_text, write_corpus
from geo.errors import OutputError
from geo.export import export_layers

REPO = Path(__file__).resolve().parents[1]


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _write(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")


# --- the swap and the manifest -------------------------------------------------------------------


def test_swap_writes_a_manifest_and_replaces_the_whole_folder(tmp_path):
    out = tmp_path / "atlas"
    with atomic_dir(out) as tmp:
        _write(tmp, {"index.html": "1", "data/a.json": "1", "data/gone.json": "1"})
    assert read_manifest(out) == {"index.html", "data/a.json", "data/gone.json"}
    with atomic_dir(out) as tmp:
        _write(tmp, {"index.html": "2", "data/a.json": "2"})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        MARKER,
        "data/a.json",
        "index.html",
    ]
    assert (out / "index.html").read_text(encoding="utf-8") == "2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas"]


def test_strangers_are_refused_by_name_and_kept(tmp_path):
    out = tmp_path / "atlas"
    with atomic_dir(out) as tmp:
        _write(tmp, {"index.html": "1", "data/a.json": "1"})
    _write(out, {"MY_NOTES.txt": "mine", "data/mine/x.txt": "mine"})
    assert strangers(out, read_manifest(out) or set()) == ["MY_NOTES.txt", "data/mine/"]
    with pytest.raises(OutputError) as info, atomic_dir(out) as tmp:
        pytest.fail("the block must not run")  # pragma: no cover
    msg = str(info.value)
    assert "MY_NOTES.txt, data/mine/" in msg and "--out" in msg and "\n" not in msg
    assert (out / "MY_NOTES.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "data" / "mine" / "x.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas"]


def test_a_folder_of_an_older_version_is_refused(tmp_path):
    out = tmp_path / "atlas"
    _write(out, {"index.html": "1", MARKER: "written by gansu-atlas; may be replaced by it\n"})
    with pytest.raises(OutputError, match="older gansu-atlas"):
        output_folder(out)
    assert (out / "index.html").exists()


def test_a_failure_inside_leaves_the_previous_output(tmp_path):
    out = tmp_path / "atlas"
    with atomic_dir(out) as tmp:
        _write(tmp, {"index.html": "1"})
    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        _write(tmp, {"index.html": "2"})
        raise RuntimeError("boom")
    assert (out / "index.html").read_text(encoding="utf-8") == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas"]


# --- leftovers of killed runs --------------------------------------------------------------------


def test_leftovers_of_dead_runs_are_cleaned_live_ones_and_strangers_kept(tmp_path):
    out = tmp_path / "atlas"
    dead, live = _dead_pid(), os.getpid()
    for name, marked in [
        (f".atlas.tmp-{dead}-0a1b", True),  # a killed run: cleaned
        (f".atlas.old-{dead}-0a1c", True),  # a killed swap, target present: cleaned
        (f".atlas.tmp-{live}-0a1d", True),  # a live run (a concurrent build): kept
        (f".atlas.tmp-{dead}-0a1e", False),  # not ours (no marker, not empty): kept
    ]:
        (tmp_path / name).mkdir()
        (tmp_path / name / ("x" if not marked else MARKER)).write_text("x", encoding="utf-8")
    out.mkdir()
    removed = clean_leftovers(tmp_path, ".atlas.", restore=out)
    assert sorted(p.name for p in removed) == [f".atlas.old-{dead}-0a1c", f".atlas.tmp-{dead}-0a1b"]
    assert {p.name for p in tmp_path.iterdir()} == {
        f".atlas.tmp-{dead}-0a1e",
        f".atlas.tmp-{live}-0a1d",
        "atlas",
    }


def test_a_previous_output_left_under_its_old_name_is_restored(tmp_path):
    old = tmp_path / f".atlas.old-{_dead_pid()}-0a1b"
    _write(old, {"index.html": "previous"})
    mark_written(old)
    output_folder(tmp_path / "atlas")
    assert (tmp_path / "atlas" / "index.html").read_text(encoding="utf-8") == "previous"
    assert not old.exists()


# --- output names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "must"),
    [
        ("", "--out is empty"),
        (".", "is the current folder"),
        ("/proc", "is a mount point"),
        ("a" * 300, "300 bytes long"),
    ],
)
def test_output_names_refused_before_anything(tmp_path, monkeypatch, out, must):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError) as info:
        output_folder(out)
    assert must in str(info.value) and "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_is_followed_to_its_own_file_system(tmp_path):
    """The real folder is written: the temporary one is made beside it, not beside the link."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system at /dev/shm")
    real = shm / f"wt-io-test-{os.getpid()}"
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    try:
        with atomic_dir(link) as tmp:
            assert tmp.parent == shm
            _write(tmp, {"index.html": "1"})
        assert (link / "index.html").read_text(encoding="utf-8") == "1"
        assert link.is_symlink()
    finally:
        shutil.rmtree(real, ignore_errors=True)


def test_a_full_disk_is_one_line(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    out = tmp_path / "atlas"
    with pytest.raises(OutputError) as info, atomic_dir(out) as tmp:
        _write(tmp, {"a.txt": "x"})
        full()
    assert "the disk is full" in str(info.value) and "free some space" in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs (tests run as root); skipped where mounting is not allowed."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    run = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True
    )
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {run.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_a_really_full_disk_is_one_line(tiny_disk, capsys):
    from geo.cli import main

    out = tiny_disk / "atlas"
    code = main(["build", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert "the disk is full" in err and "No space left on device" in err
    assert list(tiny_disk.iterdir()) == []


# --- export: one folder, files merged ------------------------------------------------------------


def test_export_checks_every_name_before_writing(tmp_path):
    table = pd.DataFrame({"name": ["兰州市"], "n": [1]})
    (tmp_path / "b.csv").mkdir()  # a folder where the export writes b.csv
    with pytest.raises(OutputError) as info:
        export_layers({"a": table, "b": table, "c": table}, out=tmp_path, formats=["csv"])
    assert "b.csv/" in str(info.value) and "\n" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv"]


def test_export_keeps_other_files_and_refuses_to_replace_them(tmp_path):
    table = pd.DataFrame({"name": ["兰州市"], "n": [1]})
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    export_layers({"a": table}, out=tmp_path, formats=["csv"])
    export_layers({"a": table}, out=tmp_path, formats=["csv"])  # its own file: replaced
    (tmp_path / "b.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"b\.csv"):
        export_layers({"b": table}, out=tmp_path, formats=["csv"])
    assert (tmp_path / "b.csv").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        MARKER,
        "README_wgs84.txt",
        "a.csv",
        "a.csvt",
        "b.csv",
        "notes.txt",
    ]


# --- CSV and terminal text -----------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]
#: What the CSV holds: a ``'`` first, and a CR as a line break inside the (quoted) cell.
DEFUSED = ["'" + v.replace("\r", "\n") for v in FORMULAS]


def test_defuse_cell_follows_the_owasp_rule():
    assert [defuse_cell(v) for v in FORMULAS] == DEFUSED
    assert [defuse_cell(v) for v in ["兰州市", "a=b", "", 5, None]] == [
        "兰州市",
        "a=b",
        "",
        5,
        None,
    ]


def test_export_csv_cells_are_defused(tmp_path):
    table = pd.DataFrame({"name": FORMULAS, "n": range(len(FORMULAS))})
    [path] = [
        p for p in export_layers({"t": table}, out=tmp_path, formats=["csv"]) if p.suffix == ".csv"
    ]
    with open(path, encoding="utf-8-sig", newline="") as fh:  # keep the \r inside a cell
        rows = list(csv.DictReader(fh))
    assert [r["name"] for r in rows] == DEFUSED
    assert [r["n"] for r in rows] == [str(i) for i in range(len(FORMULAS))]  # numbers stay


def test_provisions_csv_cells_are_defused(tmp_path):
    text = '一、总则\n=HYPERLINK("http://evil.example","点击")兰州市。\n@SUM(1)白银市。\n'
    _, csv_path = write_corpus(parse_text(text), tmp_path)
    cells = [
        c for row in csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))) for c in row
    ]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert '\'=HYPERLINK("http://evil.example","点击")兰州市。' in cells


def test_printable_escapes_terminal_controls():
    assert printable("a\x1b[2Jb\x07c\u202ed\ne") == "a\\x1b[2Jb\\x07c\\u202ed\ne"


# --- kills and signals, in real subprocesses -----------------------------------------------------


def _build(out: Path, *, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "geo", "build", "--out", str(out)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A finished build (the previous output) and how long it took."""
    base = tmp_path_factory.mktemp("kill")
    t0 = time.monotonic()
    proc = _build(base / "atlas")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    return base, time.monotonic() - t0, _snapshot(base / "atlas")


@pytest.mark.slow
def test_sigkill_at_random_moments_keeps_the_previous_output(previous):
    base, seconds, before = previous
    out = base / "atlas"
    rng = random.Random(20)
    for moment in sorted(rng.uniform(0.5, seconds * 1.1) for _ in range(4)):
        proc = _build(out)
        try:
            proc.communicate(timeout=moment)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
        # whatever the moment, the folder holds a whole atlas: the previous one (or, killed
        # after the swap, the new one, which the same inputs make byte-identical)
        assert _snapshot(out) == before, f"killed at {moment:.1f} s"
    proc = _build(out)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    assert _snapshot(out) == before
    assert sorted(p.name for p in base.iterdir()) == ["atlas"], "leftovers after the next run"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_are_one_line_and_leave_nothing(previous, sig):
    base, seconds, before = previous
    out = base / "atlas"
    proc = _build(out)
    # stop it in the middle: after the data is read, before the output is swapped in
    time.sleep(min(seconds * 0.5, 20))
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    text = err.decode()
    if proc.returncode == 0:  # pragma: no cover - a very fast machine finished first
        pytest.skip("the build finished before the signal")
    assert proc.returncode == 128 + sig, text
    assert "Traceback" not in text and len(text.splitlines()) == 1, text
    assert text.startswith("gansu-atlas: error: stopped by " + signal.Signals(sig).name), text
    assert _snapshot(out) == before
    assert sorted(p.name for p in base.iterdir()) == ["atlas"]


def test_dumps_json_is_sorted_utf8_with_a_newline():
    text = dumps_json({"b": 1, "a": "兰州"})
    assert text == '{"a":"兰州","b":1}\n'
    assert dumps_json({"b": [1], "a": 2}, indent=1) == '{\n "a": 2,\n "b": [\n  1\n ]\n}\n'
    assert dumps_json({"b": 1, "a": 2}) == dumps_json({"a": 2, "b": 1})


def test_write_text_makes_parents_and_keeps_newlines(tmp_path):
    path = write_text(tmp_path / "a" / "b.txt", "一\n二\n")
    assert path.read_bytes() == "一\n二\n".encode()
    write_json(tmp_path / "c.json", {"x": [1, 2]})
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8")) == {"x": [1, 2]}
