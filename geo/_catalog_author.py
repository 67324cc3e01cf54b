"""Authoring helper for the concept catalog: attach provision ids to quotes.

Catalog authors write each quote with an empty provision (``provision = ""``); this helper finds
the corpus provision that contains the quote and writes its id into the TOML file, leaving
every other byte of the file as it was. The loader (:func:`geo.catalog.read_catalog`) then
checks on every load that each quote still occurs in its provision.

Run it as ``python -m geo._catalog_author [--root ROOT] [--force] [FILE ...]``; it prints one
line per quote it could not place (not found, or found in several provisions of different
plans) and changes nothing for those.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from geo._paths import data_root
from geo.corpus import read_corpus

__all__ = ["attach_provisions", "find_provisions"]

_QUOTE = re.compile(r'\{ text = "(?P<text>[^"]*)", provision = "(?P<prov>[^"]*)" \}')


def find_provisions(quote: str, provisions: Sequence) -> list[str]:
    """Return the ids of the provisions whose text contains ``quote`` (whitespace ignored).

    Parameters
    ----------
    quote
        The verbatim quote.
    provisions
        Provisions (:class:`geo.corpus.Provision`), in corpus order.
    """
    return [p.id for p in provisions if p.contains(quote)]


def _choose(ids: list[str], plan: str | None) -> str | None:
    """Pick one provision id: the only one, else the only one of the element's plan."""
    if len(ids) == 1:
        return ids[0]
    if plan is not None:
        own = [i for i in ids if i.split("-", 1)[0] == plan]
        if len(own) >= 1:
            return own[0]
    plans = {i.split("-", 1)[0] for i in ids}
    return ids[0] if len(plans) == 1 and ids else None


def _fill(
    match: re.Match[str],
    *,
    provisions: Sequence,
    plan: str | None,
    force: bool,
    file: str,
    problems: list[str],
) -> str:
    """The replacement of one quote table: with its provision id, where one is found."""
    quote, prov = match.group("text"), match.group("prov")
    if prov and not force:
        return match.group(0)
    ids = find_provisions(quote, provisions)
    chosen = _choose(ids, plan)
    if chosen is None:
        why = "not found" if not ids else "in several plans: " + ", ".join(ids)
        problems.append(f"{file}: quote {quote!r} {why}")
        return match.group(0)
    return f'{{ text = "{quote}", provision = "{chosen}" }}'


def attach_provisions(path: Path, provisions: Sequence, *, force: bool = False) -> list[str]:
    """Fill the empty ``provision`` of every quote in the catalog file ``path``.

    Parameters
    ----------
    path
        A ``layers/concepts/*.toml`` file.
    provisions
        The corpus provisions (``Corpus.provisions``).
    force
        Recompute provisions that are already set.

    Returns
    -------
    list of str
        One line per quote that could not be placed.
    """
    text = path.read_text(encoding="utf-8")
    problems: list[str] = []
    plan: str | None = None
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        m = re.match(r'\s*plan = "([a-z0-9]+)"', line)
        if m:
            plan = m.group(1)
        if line.startswith("[[element]]"):
            plan = None

        fill = functools.partial(
            _fill, provisions=provisions, plan=plan, force=force, file=path.name, problems=problems
        )
        out.append(_QUOTE.sub(fill, line))
    new = "".join(out)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of the helper; returns 1 if any quote could not be placed."""
    parser = argparse.ArgumentParser(prog="python -m geo._catalog_author")
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    root = data_root(args.root)
    corpus = read_corpus(root=root)
    files = args.files or sorted(
        p
        for p in (root / "concepts").glob("*.toml")
        if p.name not in {"kinds.toml", "layouts.toml"}
    )
    problems: list[str] = []
    for f in files:
        problems += attach_provisions(f, corpus.provisions, force=args.force)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
