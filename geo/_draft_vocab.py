"""The drafter's vocabulary: the words of ``layers/drafting.toml`` and patterns built from them."""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

from geo._paths import data_root
from geo.errors import DataError

VOCABULARY = "drafting.toml"
BASIS = "drafted"
_HAN = "\u3400-\u9fff"
_NUM_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "十": 10}
_PAREN = re.compile(r"[（(][^（）()]{0,6}[）)]")
_DASH = re.compile(r"[—–\-－~～·、\s]")
_ITEM_NO = re.compile(
    r"^(?:\d{1,2}\s*[.．、]|[（(]\d{1,2}[）)]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])\s*"
)


# --- the vocabulary --------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """The words of ``drafting.toml`` and the patterns built from them."""

    numerals: str
    counters: str
    nouns: Mapping[str, str]
    suffixes: Mapping[str, str]
    not_after: str
    negatives: tuple[str, ...]
    negative_patterns: tuple[re.Pattern[str], ...]
    definers: tuple[str, ...]
    member_words: tuple[str, ...]
    partial_words: tuple[str, ...]
    city_words: tuple[str, ...]
    scope: tuple[str, ...]
    outside: tuple[str, ...]
    lead_words: tuple[str, ...]
    counted_kinds: tuple[str, ...] = ("zone",)
    verbs: tuple[str, ...] = ()
    seats: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    twin_words: tuple[str, ...] = ()
    node_kinds: tuple[str, ...] = ()
    reach_kinds: tuple[str, ...] = ()
    place_kinds: tuple[str, ...] = ()
    town_words: tuple[str, ...] = ()
    shared_heads: tuple[str, ...] = ()
    unit_ends: tuple[str, ...] = ()
    layout_words: tuple[str, ...] = ()
    list_min: int = 2
    list_fillers: str = ""
    tail_words: tuple[str, ...] = ()
    joiners: tuple[str, ...] = ()
    areas: Mapping[str, str] = field(default_factory=dict)
    chain_patterns: tuple[re.Pattern[str], ...] = ()
    route_words: tuple[str, ...] = ()
    route_heads: tuple[str, ...] = ()
    path: str = ""

    @functools.cached_property
    def unit(self) -> str:
        nouns = "|".join(re.escape(n) for n in sorted(self.nouns, key=len, reverse=True))
        return rf"(?:[{self.numerals}]|\d{{1,2}})(?:{nouns})(?![{re.escape(self.not_after)}])"

    @functools.cached_property
    def unit_re(self) -> re.Pattern[str]:
        nouns = "|".join(re.escape(n) for n in sorted(self.nouns, key=len, reverse=True))
        return re.compile(
            rf"([{self.numerals}]|\d{{1,2}})([{self.counters}]?)([{_HAN}]{{0,8}}?)({nouns})"
            rf"(?![{re.escape(self.not_after)}])"
        )

    @functools.cached_property
    def slogan_re(self) -> re.Pattern[str]:
        u = self.unit
        num = rf"(?:[{self.numerals}]|\d{{1,2}})"
        mid = rf"(?:(?![和与及的])[{_HAN}]){{0,8}}?"
        by_len = sorted(self.nouns, key=len, reverse=True)
        nouns = "|".join(re.escape(n) for n in by_len)
        areas = "|".join(re.escape(n) for n in by_len if self.nouns[n] in self.counted_kinds)
        stop = rf"(?![{re.escape(self.not_after)}])"
        counters = re.escape(self.counters.replace("个", ""))
        counted = rf"{num}[{counters}]{mid}(?:{nouns}){stop}|{num}个{mid}(?:{areas}){stop}"
        return re.compile(rf"{u}(?:[、，,·]?{u})+|{counted}")

    @functools.cached_property
    def phrase_re(self) -> re.Pattern[str]:
        """Four-character phrases in quotes: “一核牵引、两极并进、四带联动”."""
        piece = rf"{self.unit}[{_HAN}]{{1,3}}"
        return re.compile(rf"“({piece}(?:[、，]{piece})+)”")

    def kind_of_name(self, name: str) -> str | None:
        """The kind of a defined name, from its ending (生态安全屏障 → barrier)."""
        for suffix in sorted(self.suffixes, key=len, reverse=True):
            if name.endswith(suffix):
                return self.suffixes[suffix]
        return None

    def negative(self, text: str, start: int, end: int) -> bool:
        """True when ``text[start:end]`` overlaps a negative phrase."""
        lo, hi = max(0, start - 8), min(len(text), end + 8)
        window = text[lo:hi]
        for neg in self.negatives:
            k = window.find(neg)
            while k >= 0:
                if lo + k < end and lo + k + len(neg) > start:
                    return True
                k = window.find(neg, k + 1)
        for pat in self.negative_patterns:
            for m in pat.finditer(window):
                if lo + m.start() < end and lo + m.end() > start:
                    return True
        return False


def read_vocabulary(*, root: str | os.PathLike[str] | None = None) -> Vocabulary:
    """Read ``drafting.toml`` from the data root (or the source tree's, if the root has none)."""
    path = data_root(root) / VOCABULARY
    if not path.exists():
        path = data_root(None) / VOCABULARY
    return _read_vocabulary(str(path))


@functools.lru_cache(maxsize=4)
def _read_vocabulary(path: str) -> Vocabulary:
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise DataError(f"'{path}' is missing; restore layers/{VOCABULARY}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"'{path}' is not valid TOML ({exc}); fix the file") from None
    try:
        return Vocabulary(
            numerals=str(raw["numerals"]),
            counters=str(raw["counters"]),
            nouns=dict(raw["nouns"]),
            suffixes=dict(raw["suffixes"]),
            not_after=str(raw.get("not_after", "")),
            negatives=tuple(raw.get("negatives", ())),
            negative_patterns=tuple(re.compile(p) for p in raw.get("negative_patterns", ())),
            definers=tuple(raw["definers"]),
            member_words=tuple(raw["member_words"]),
            partial_words=tuple(sorted(raw["partial_words"], key=len, reverse=True)),
            city_words=tuple(raw.get("city_words", ())),
            scope=tuple(raw.get("scope", ())),
            outside=tuple(sorted(raw.get("outside", ()), key=len, reverse=True)),
            lead_words=tuple(sorted(raw.get("lead_words", ()), key=len, reverse=True)),
            counted_kinds=tuple(raw.get("counted_kinds", ("zone",))),
            verbs=tuple(raw.get("verbs", ())),
            seats={str(k): tuple(v) for k, v in raw.get("seats", {}).items()},
            twin_words=tuple(raw.get("twin_words", ())),
            node_kinds=tuple(raw.get("node_kinds", ())),
            reach_kinds=tuple(raw.get("reach_kinds", ())),
            place_kinds=tuple(raw.get("place_kinds", ())),
            town_words=tuple(sorted(raw.get("town_words", ()), key=len, reverse=True)),
            shared_heads=tuple(sorted(raw.get("shared_heads", ()), key=len, reverse=True)),
            unit_ends=tuple(raw.get("unit_ends", ())),
            layout_words=tuple(raw.get("layout_words", ())),
            list_min=int(raw.get("list_min", 2)),
            list_fillers=str(raw.get("list_fillers", "")),
            tail_words=tuple(raw.get("tail_words", ())),
            joiners=tuple(raw.get("joiners", ())),
            areas={str(k): str(x) for k, x in raw.get("areas", {}).items()},
            chain_patterns=tuple(re.compile(p) for p in raw.get("chain_patterns", ())),
            route_words=tuple(sorted(raw.get("route_words", ()), key=len, reverse=True)),
            route_heads=tuple(sorted(raw.get("route_heads", ()), key=len, reverse=True)),
            path=path,
        )
    except KeyError as exc:
        raise DataError(
            f"'{path}' has no `{exc.args[0]}`; add it (see the file's header)"
        ) from None
    except re.error as exc:
        raise DataError(f"'{path}': a negative_patterns entry is not a regex ({exc})") from None


def _norm(name: str) -> str:
    """A name without spelled-out parentheses, dashes and quotes (for links)."""
    return _DASH.sub("", _PAREN.sub("", name)).strip('“”"')
