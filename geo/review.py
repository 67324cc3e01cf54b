"""Review of machine drafts: accept a drafted element into the curated catalog.

:mod:`geo.draft` writes a plan's drafted layout to ``concepts/drafts/<PLAN>.toml``; the atlas
shows it as a draft (basis ``drafted``). A person reviews it on the map, then
:func:`accept_element` (``gansu-atlas concepts accept ID``) moves one element, with the
subtree of its parts, into ``concepts/<PLAN>.toml``:

- every member's basis becomes the reviewed one (``stated``, ``implied`` or ``inferred``);
- each member's own quote joins the element's quotes (the curated schema keeps quotes on the
  element);
- the whole catalog is checked with the moved element before anything is written, so a
  reviewed element passes the loader's checks like every other one;
- the curated file is appended to (its bytes kept), the draft file loses the element's table
  and keeps everything else; each file is replaced atomically.

Examples
--------
>>> accept_element("linx_draft_xin", root="my-layers")  # doctest: +SKIP
Accepted(ids=('linx_draft_xin',), plan='linx', ...)
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from geo._catalog_load import SITES
from geo._catalog_types import DRAFTS, nearest
from geo._io import replace_bytes
from geo._paths import data_root
from geo.catalog import read_catalog
from geo.draft import Draft, draft_toml, write_draft
from geo.errors import CatalogError, UnknownNameError
from geo.inputs import Inputs, read_inputs
from geo.intake import _toml_value

__all__ = ["REVIEWED", "Accepted", "accept_element", "check_catalog", "save_draft"]

#: The bases a reviewed member may get (``external`` needs a source: edit the file for it).
REVIEWED = ("stated", "implied", "inferred")
_BLOCK = re.compile(r"^\[\[element\]\]\n", re.M)
_KEYS = ("id", "name", "name_en", "plan", "kind", "parent", "parts", "path", "paths")


@dataclass(frozen=True)
class Accepted:
    """What :func:`accept_element` moved: element ids, their plan, the files written."""

    ids: tuple[str, ...]
    plan: str
    basis: str
    curated: Path
    draft: Path

    def text(self) -> str:
        """One line per element moved, and the files (what the command prints)."""
        out = [f"accepted {i} (basis {self.basis})" for i in self.ids]
        out += [f"  wrote {self.curated}", f"  wrote {self.draft}"]
        return "\n".join(out) + "\n"


def _blocks(text: str) -> list[tuple[int, int, dict[str, Any]]]:
    """The ``[[element]]`` tables of a draft file: start, end and data of each.

    A table ends where the next one starts, or at the first comment paragraph after it (the
    drafter's closing notes stay in the file)."""
    starts = [m.start() for m in _BLOCK.finditer(text)]
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        notes = text.find("\n\n#", start, end)
        end = notes + 1 if notes >= 0 else end
        data = tomllib.loads(text[start:end])["element"][0]
        out.append((start, end, data))
    return out


def _subtree(eid: str, tables: Mapping[str, dict[str, Any]]) -> list[str]:
    """``eid`` and the parts under it that the same draft file holds, once each."""
    out: list[str] = []
    todo = [eid]
    while todo:
        x = todo.pop(0)
        if x in out or x not in tables:
            continue
        out.append(x)
        todo += [str(p) for p in tables[x].get("parts", [])]
    return out


def _reviewed(raw: Mapping[str, Any], basis: str, *, top: bool) -> str:
    """The curated ``[[element]]`` table of a drafted one (TOML text)."""
    quotes = [dict(q) for q in raw.get("quotes", [])]
    members = []
    for m in raw.get("members", []):
        m = dict(m)
        q = m.pop("quote", None)
        if q and dict(q) not in quotes:
            quotes.append(dict(q))
        m["basis"] = basis
        members.append(m)
    out = ["\n[[element]]\n"]
    for key in _KEYS:
        value = raw.get(key)
        if key == "name_en" and isinstance(value, str):
            value = value.removeprefix("Draft: ")
        if key == "parent" and top:
            value = None  # its drafted parent stays in the draft
        if value not in (None, "", []):
            out.append(f"{key} = {_toml_value(value)}\n")
    if members:
        out.append("members = [\n" + "".join(f"  {_toml_value(m)},\n" for m in members) + "]\n")
    out.append(f"quotes = {_toml_value(quotes)}\n")
    notes = [*raw.get("notes", []), f"accepted from the machine draft (basis {basis})"]
    out.append(f"notes = {_toml_value(notes)}\n")
    return "".join(out)


def _find(folder: Path, eid: str) -> tuple[Path, str, list[tuple[int, int, dict[str, Any]]]]:
    """The draft file holding ``eid``, its text and tables; one-line error if none does."""
    known: list[str] = []
    for path in sorted((folder / DRAFTS).glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        try:
            blocks = _blocks(text)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(
                [f"{DRAFTS}/{path.name}: is not valid TOML ({exc}); fix it or draft again"]
            ) from None
        ids = [str(b[2].get("id", "")) for b in blocks]
        if eid in ids:
            return path, text, blocks
        known += ids
    hint = nearest(eid, known, n=3)
    more = f"; did you mean {', '.join(hint)}?" if hint else ""
    raise UnknownNameError(
        f"no drafted element {eid!r} in {folder / DRAFTS}{more} "
        "(`gansu-atlas concepts --json` lists drafted elements; `gansu-atlas draft PLAN` drafts)"
    )


def accept_element(
    id: str, *, basis: str = "stated", root: str | os.PathLike[str] | None = None
) -> Accepted:
    """Move the drafted element ``id`` (and its parts) into the curated catalog.

    Parameters
    ----------
    id
        A drafted element's id (``concepts/drafts/*.toml``).
    basis
        The reviewed basis of its members: one of :data:`REVIEWED`.
    root
        Data root (default :func:`geo._paths.data_root`).

    Returns
    -------
    Accepted

    Raises
    ------
    UnknownNameError
        No draft holds ``id``, or ``basis`` is not a reviewed basis.
    CatalogError
        The catalog with the accepted element fails the loader's checks (nothing written).
    """
    if basis not in REVIEWED:
        raise UnknownNameError(
            f"basis {basis!r} cannot be given on accept; use one of {', '.join(REVIEWED)} "
            "(external needs a source: edit the catalog file)"
        )
    base = data_root(root)
    folder = base / "concepts"
    path, text, blocks = _find(folder, id)
    tables = {str(b[2].get("id")): b[2] for b in blocks}
    moved = _subtree(id, tables)
    plan = str(tables[id].get("plan", ""))
    curated = folder / f"{plan}.toml"
    head = "" if curated.is_file() else f"# Concepts of plan {plan}, reviewed from its draft.\n"
    old = curated.read_text(encoding="utf-8") if curated.is_file() else head
    new_curated = (
        old.rstrip("\n") + "\n" + "".join(_reviewed(tables[x], basis, top=x == id) for x in moved)
    )
    spans = [(s, e) for s, e, d in blocks if str(d.get("id")) in moved]
    new_draft = text
    for s, e in reversed(spans):
        new_draft = new_draft[:s] + new_draft[e:]
    check_catalog(
        read_inputs(base), {curated.name: new_curated, f"{DRAFTS}/{path.name}": new_draft}
    )
    replace_bytes(curated, new_curated.encode("utf-8"))
    replace_bytes(path, new_draft.encode("utf-8"))
    return Accepted(ids=tuple(moved), plan=plan, basis=basis, curated=curated, draft=path)


def save_draft(draft: Draft, *, inputs: Inputs) -> list[Path]:
    """Write a plan's draft (:func:`geo.draft.write_draft`) once the catalog loads with it.

    A draft the loader would refuse is never written, so ``build`` keeps working: the
    :class:`CatalogError` names the file, the element and the problem.
    """
    text = draft_toml(draft, corpus=inputs.corpus)
    check_catalog(inputs, {f"{DRAFTS}/{draft.plan}.toml": text})
    return write_draft(draft, root=inputs.root, corpus=inputs.corpus)


def check_catalog(inputs: Inputs, changed: Mapping[str, str]) -> None:
    """Load the catalog of ``inputs.root`` with the files ``changed`` (relative to
    ``concepts/``) replaced or added: raise its :class:`CatalogError` when any check fails."""
    base = inputs.root
    levels = [inputs.units[["adcode", "level"]], inputs.context[["adcode", "level"]]]
    with tempfile.TemporaryDirectory(prefix="gansu-accept-") as tmp:
        trial = Path(tmp) / "concepts"
        (trial / DRAFTS).mkdir(parents=True)
        source = base / "concepts"
        for p in [*source.glob("*.toml"), *(source / DRAFTS).glob("*.toml")]:
            rel = p.relative_to(source).as_posix()
            if rel not in changed:
                os.symlink(p.resolve(), trial / rel)
        for rel, text in changed.items():
            (trial / rel).write_text(text, encoding="utf-8")
        if (base / SITES).is_file():
            os.symlink((base / SITES).resolve(), Path(tmp) / SITES)
        read_catalog(
            root=tmp,
            gazetteer=inputs.gazetteer,
            corpus=inputs.corpus,
            units=pd.concat(levels, ignore_index=True),
        )
