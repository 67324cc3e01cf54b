"""Records of the plan corpus (private; public through :mod:`geo.corpus`)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from geo.errors import DataError, UnknownNameError

__all__ = [
    "Corpus",
    "Document",
    "Figure",
    "Hit",
    "Plan",
    "Provision",
    "Repair",
    "Skip",
    "provision_record",
]


@dataclass(frozen=True)
class Provision:
    """One provision: a paragraph, item, heading, box, table, caption or title of a plan.

    ``lines`` are 1-based inclusive ranges of source lines in ``document``.
    """

    id: str
    document: str
    plan: str
    heading: tuple[str, ...]
    text: str
    lines: tuple[tuple[int, int], ...]
    kind: str

    def contains(self, quote: str) -> bool:
        """True if ``quote`` occurs in the text, whitespace ignored (a verbatim quotation).

        >>> p = Provision("x-0-p1", "d", "x", (), "规划期为 2021—2025 年", ((1, 1),), "paragraph")
        >>> p.contains("规划期为2021—2025年"), p.contains("2030")
        (True, False)
        """
        needle = _squash(quote)
        return bool(needle) and needle in _squash(self.text)

    def as_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON-ready data (:func:`provision_record`)."""
        return provision_record(self)


def provision_record(p: Provision) -> dict[str, Any]:
    """The record of one provision, built once for every output: ``{id, document, plan, kind,
    heading, text, lines}`` (the ``provisions --json`` row, ``provisions.json``, the pages,
    the exported table), ``heading`` a list of heading texts, ``lines`` ``[[first, last]]``.
    """
    return {
        "id": p.id,
        "document": p.document,
        "plan": p.plan,
        "kind": p.kind,
        "heading": list(p.heading),
        "text": p.text,
        "lines": [list(r) for r in p.lines],
    }


@dataclass(frozen=True)
class Document:
    """A source text file and what it says about itself."""

    id: str
    file: str
    title: str
    issuer: str
    date: str
    number: str
    plans: tuple[str, ...]
    note: str = ""
    printed: str = ""


@dataclass(frozen=True)
class Plan:
    """A plan (or covering notice) inside a document."""

    id: str
    document: str
    title: str
    issuer: str
    date: str
    period: str
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """The caption of a figure the extraction lost (the map the atlas has to draw)."""

    id: str
    plan: str
    number: int
    title: str
    heading: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Skip:
    """A non-blank source line that is in no provision, and why."""

    document: str
    plan: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Repair:
    """One change made while cleaning: on source ``line``, ``old`` became ``new``.

    ``kind`` is ``and``, ``tag``, ``join`` (``line`` continues on ``new``, a line number) or
    ``duplicate`` (``old`` is the range of a repeated copy folded into the provision).
    """

    provision: str
    document: str
    line: int
    kind: str
    old: str
    new: str


@dataclass(frozen=True)
class Hit:
    """A search hit: the provision and a snippet with the match marked 【…】."""

    provision: Provision
    snippet: str


@dataclass(frozen=True)
class Corpus:
    """Documents, plans, provisions, figures, skips and repairs of the plan texts."""

    documents: tuple[Document, ...]
    plans: tuple[Plan, ...]
    provisions: tuple[Provision, ...]
    figures: tuple[Figure, ...]
    skips: tuple[Skip, ...]
    repairs: tuple[Repair, ...]
    source: str = ""
    _index: dict[str, Provision] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = self._index
        for prov in self.provisions:
            if prov.id in index:
                raise DataError(
                    f"{self.source or 'plan corpus'}: provision id '{prov.id}' is given twice; "
                    "fix the headings or box numbers of that plan text"
                )
            index[prov.id] = prov

    def get(self, id: str) -> Provision:
        """Return the provision ``id``; raise :class:`UnknownNameError` with the nearest ids."""
        try:
            return self._index[id]
        except KeyError:
            near = difflib.get_close_matches(id, list(self._index), n=3, cutoff=0.5)
            hint = f"; nearest: {', '.join(near)}" if near else ""
            where = self.source or "the plan corpus"
            raise UnknownNameError(
                f"unknown provision id '{id}' in {where}{hint} "
                "(list them with: gansu-atlas provisions)"
            ) from None

    def __contains__(self, id: object) -> bool:
        return id in self._index

    def plan(self, id: str) -> Plan:
        """Return the plan ``id``."""
        for plan in self.plans:
            if plan.id == id:
                return plan
        raise UnknownNameError(
            f"unknown plan id '{id}'; known: {', '.join(p.id for p in self.plans)}"
        )

    def search(self, query: str, *, plan: str | None = None, context: int = 24) -> list[Hit]:
        """Return the provisions whose text contains ``query`` (case and spaces ignored).

        Each hit carries a snippet of ``context`` characters either side of the first match,
        with the match marked 【…】. ``plan`` limits the search to one plan id.

        Examples
        --------
        >>> from geo.corpus import read_corpus
        >>> [h.provision.id for h in read_corpus().search("一核二极四带")]
        ['lz-3-fig1']
        """
        needle = _squash(query).casefold()
        if not needle:
            return []
        if plan is not None:
            self.plan(plan)  # unknown plan ids raise
        hits = []
        for prov in self.provisions:
            if plan is not None and prov.plan != plan:
                continue
            flat = prov.text.replace("\n", " ")
            pos = _find_squashed(flat, needle)
            if pos is None:
                continue
            start, end = pos
            left = flat[max(0, start - context) : start]
            right = flat[end : end + context]
            snippet = (
                ("…" if start > context else "")
                + left
                + "【"
                + flat[start:end]
                + "】"
                + right
                + ("…" if end + context < len(flat) else "")
            )
            hits.append(Hit(prov, snippet))
        return hits


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _find_squashed(text: str, needle: str) -> tuple[int, int] | None:
    """Find ``needle`` (no whitespace, casefolded) in ``text`` ignoring whitespace."""
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    flat = "".join(text[i] for i in keep).casefold()
    at = flat.find(needle)
    if at < 0 or len(flat) != len(keep):
        return None
    return keep[at], keep[at + len(needle) - 1] + 1
