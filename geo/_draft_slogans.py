"""Slogans of spatial structure in plan text (private: see :mod:`geo.draft`).

Numerals with spatial nouns (一核两极四带), counted groups (三大经济区, 5个特色片区) and
slogans of four-character phrases; the negatives of ``drafting.toml`` are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from geo._draft_vocab import _NUM_VALUES, Vocabulary
from geo.corpus import Provision

# --- slogans ---------------------------------------------------------------------------------


def _value(numeral: str) -> str:
    """Canonical count of a numeral: 两 → 2, 二 → 2, 十二 → 12, 多 → 多, 4 → 4."""
    if numeral.isdigit():
        return str(int(numeral))
    if all(c in _NUM_VALUES for c in numeral):
        total, cur = 0, 0
        for c in numeral:
            if c == "十":
                total += (cur or 1) * 10
                cur = 0
            else:
                cur = _NUM_VALUES[c]
        return str(total + cur)
    return numeral


def _units(text: str, vocab: Vocabulary) -> tuple[tuple[str, str], ...]:
    """The parts of a slogan: (label as written, canonical count + noun)."""
    out = []
    for m in vocab.unit_re.finditer(text):
        label = m.group(0)
        out.append((label, _value(m.group(1)) + m.group(4)))
    return tuple(out)


@dataclass(frozen=True)
class _Hit:
    text: str
    provision: Provision
    start: int
    end: int
    units: tuple[tuple[str, str], ...]
    counted: bool


def find_slogans(provisions: Iterable[Provision], vocab: Vocabulary) -> list[_Hit]:
    """Every slogan occurrence in ``provisions``, in text order (negatives dropped)."""
    hits: list[_Hit] = []
    for prov in provisions:
        text = prov.text
        taken: list[tuple[int, int]] = []
        for m in vocab.phrase_re.finditer(text):
            if vocab.negative(text, m.start(1), m.end(1)):
                continue
            units = _units(m.group(1), vocab)
            if len(units) >= 2:
                hits.append(_Hit(m.group(1), prov, m.start(1), m.end(1), units, False))
                taken.append((m.start(1), m.end(1)))
        for m in vocab.slogan_re.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if vocab.negative(text, m.start(), m.end()):
                continue
            units = _units(m.group(0), vocab)
            counted = len(units) == 1
            if counted and m.group(0)[1] not in vocab.counters:
                continue
            if counted:  # the group's noun is the one it ends with (4个重点旅游片区: 片区)
                word = m.group(0)
                noun = next(
                    n for n in sorted(vocab.nouns, key=len, reverse=True) if word.endswith(n)
                )
                count = re.match(r"\d+|.", word)
                units = ((word, _value(count.group(0) if count else word[0]) + noun),)
            if (
                counted
                and m.group(0)[1] == "个"
                and (
                    m.group(0)[0] == "一"
                    or vocab.nouns.get(units[0][1].lstrip("0123456789"), "")
                    not in vocab.counted_kinds
                )
            ):
                continue  # 个 counts areas (3个片区), not single things or points
            hits.append(_Hit(m.group(0), prov, m.start(), m.end(), units, counted))
    return hits


def _noun_kind(ukey: str, vocab: Vocabulary) -> str:
    noun = ukey.lstrip("0123456789多几")
    for n in sorted(vocab.nouns, key=len, reverse=True):
        if noun.endswith(n):
            return vocab.nouns[n]
    return "zone"


def _noun_phrase(text: str, vocab: Vocabulary) -> str:
    """三大经济区 → 经济区; 5个特色片区 → 特色片区."""
    m = re.match(rf"(?:[{vocab.numerals}]|\d{{1,2}})[{vocab.counters}](.+)$", text)
    return m.group(1) if m else text
