"""The layout drafter: a plan's slogans of spatial structure → a draft catalog with quotes.

:func:`draft_plan` reads one plan of the corpus and proposes its spatial layout:

1. **Slogans**: numerals with spatial nouns (一核两极四带, “一轴、四圈、多点”, 两屏一区多廊多点,
   一心两翼三片区, 4线1区), counted groups (三大经济区, 5个特色片区) and slogans of
   four-character phrases (“一核牵引、两极并进、四带联动”). Numbered phrases that are not
   layouts (五位一体, 三区三线 …) are negatives. Numerals, nouns and negatives are data
   (``layers/drafting.toml``).
2. **Definitions**, in every form plan texts use: “X”是指/即/为/包括…; a name with the part in
   parentheses after it (河西走廊城市带（“一带”）) or the slogan with its list in parentheses;
   a run of paragraphs or a 专栏 under a heading that names the part, one element each
   (兰州中心城区。…); an enumeration closed by the counted slogan (兰白、兰定…四大经济带,
   …等3个片区); the list of named zones in the sentence of the slogan (以…为主的…区，…构建
   “一带五区”) or in the sentences after it; and the plan's scope (本规划范围包括…).
   A slogan whose parts the text does not define is listed with its parts and no members.
3. **Members** through the gazetteer: combined names (酒嘉) and regions (陇东) expand and
   say so; parts of units (中心城区, 新区, 片区, 南部 …) are partial; a prefecture in a list of
   cities is its city; places outside Gansu stay named outside members.
4. **Kinds and geometry** from ``kinds.toml``: areas, schematic lines through their nodes in
   text order (``path``), points.
5. **Links**: an element that is the same as a catalog element of another plan (the same name
   up to spelling: 兰（州）—白（银）经济带 = 兰白经济带) is linked to it, not duplicated.

Every member carries its quote and provision id and the basis ``drafted``. The work is one
pass over the plan's provisions plus dictionary lookups: linear in the text.

:func:`write_draft` writes ``<root>/concepts/drafts/<PLAN>.toml`` (the catalog's schema) and
``<PLAN>.md`` (the readable report).
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo._paths import data_root
from geo.corpus import Corpus, Provision
from geo.errors import DataError
from geo.gazetteer import Gazetteer
from geo.links import Mention, find_mentions

__all__ = [
    "Draft",
    "DraftElement",
    "DraftMember",
    "Slogan",
    "Vocabulary",
    "draft_plan",
    "find_slogans",
    "read_vocabulary",
    "write_draft",
]

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
            path=path,
        )
    except KeyError as exc:
        raise DataError(
            f"'{path}' has no `{exc.args[0]}`; add it (see the file's header)"
        ) from None
    except re.error as exc:
        raise DataError(f"'{path}': a negative_patterns entry is not a regex ({exc})") from None


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftMember:
    """A drafted member: the unit (or outside place), why and where the text says so."""

    name: str
    adcodes: tuple[str, ...]
    level: str
    role: str
    partial: bool
    quote: str
    provision: str
    via: str = ""
    outside: bool = False


@dataclass(frozen=True)
class DraftElement:
    """A drafted element in the catalog's terms (kind, members, quotes, parts, path)."""

    id: str
    name: str
    plan: str
    kind: str
    label: str
    members: tuple[DraftMember, ...]
    quotes: tuple[tuple[str, str], ...]
    parent: str = ""
    parts: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    link: str = ""


@dataclass(frozen=True)
class Slogan:
    """A slogan found in the plan: its parts and whether the text defines them."""

    id: str
    text: str
    plan: str
    units: tuple[tuple[str, str], ...]
    provision: str
    defined: bool


@dataclass(frozen=True)
class Draft:
    """The drafted layout of one plan."""

    plan: str
    slogans: tuple[Slogan, ...]
    elements: tuple[DraftElement, ...]
    links: Mapping[str, str] = field(default_factory=dict)

    def element(self, id: str) -> DraftElement:
        """Return the element ``id``."""
        for e in self.elements:
            if e.id == id:
                return e
        raise KeyError(id)


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


# --- definitions -----------------------------------------------------------------------------


@dataclass
class _Item:
    name: str
    places: str  # the text whose places are the members
    quote: str
    provision: str
    kind: str | None
    label: str = ""  # the part it was given to by the text itself
    cities: bool = False
    body: str = ""  # the paragraph a run item opens (兰（州）—白（银）经济带。以靖远县、…)


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"[。；！？\n]", text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _strip_lead(name: str, vocab: Vocabulary) -> str:
    name = _ITEM_NO.sub("", name.strip(' “”"，,、'))
    for verb in vocab.verbs:  # the name is what follows the last verb
        k = name.rfind(verb)
        if k >= 0 and len(name) - k - len(verb) >= 3:
            name = name[k + len(verb) :]
    changed = True
    while changed:
        changed = False
        for w in vocab.lead_words:
            if name.startswith(w) and len(name) > len(w) + 1:
                name = name[len(w) :]
                changed = True
    return name.strip(' “”"')


def _member_clause(clause: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """``以X为主的NAME`` → (X, NAME)."""
    words = "|".join(re.escape(w) for w in sorted(vocab.member_words, key=len, reverse=True))
    m = re.search(rf"以(.+?)为(?:{words})(?:体)?的(.+)$", clause)
    if not m:
        return None
    return m.group(1), m.group(2)


def _role_items(
    text: str, prov: Provision, noun: str, kind: str, gazetteer: Gazetteer
) -> list[_Item]:
    """``以X为主中心``, ``以Y为副中心``: X and Y are the places of the part whose noun the
    role names (一主, 两副)."""
    items = []
    for clause in _clauses(text):
        m = re.search(r"以(.+?)为([\u3400-\u9fff]{1,6})$", clause)
        if m and noun in m.group(2) and find_mentions(m.group(1), gazetteer):
            for piece in _split_names(m.group(1), gazetteer):
                if piece.strip():
                    items.append(_Item(piece.strip(), piece.strip(), clause, prov.id, kind))
    return items


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[，；,;：:。]|[、和](?=以)", text) if c.strip()]


def _split_names(text: str, gazetteer: Gazetteer) -> list[str]:
    """Split a list of names at 、 and at 和/及/与 outside place names (西和, 和政 stay whole)."""
    inside = {k for m in find_mentions(text, gazetteer) for k in range(m.start, m.end)}
    out, start = [], 0
    for k, ch in enumerate(text):
        if ch == "、" or (ch in "和及与" and k > start and k not in inside):
            out.append(text[start:k])
            start = k + 1
    out.append(text[start:])
    return out


def _enumeration_items(
    text: str, prov: Provision, vocab: Vocabulary, gazetteer: Gazetteer, *, want_kind: bool = True
) -> list[_Item]:
    """Defined names in a stretch of text: ``以X为主的NAME`` clauses and lists of names."""
    items: list[_Item] = []
    for clause in _clauses(text):
        mc = _member_clause(clause, vocab)
        if mc is not None:
            places, name = mc
            name = _strip_lead(name, vocab)
            kind = vocab.kind_of_name(name)
            if (kind or not want_kind) and "为" not in name:
                items.append(_Item(name, places, clause.strip(), prov.id, kind))
            continue
        for piece in _split_names(clause, gazetteer):
            name = _strip_lead(piece, vocab)
            name = re.sub(r"等$", "", name)
            kind = vocab.kind_of_name(name)
            if kind and 3 <= len(name) <= 30 and "“" not in piece and "为" not in name:
                items.append(_Item(name, name, piece.strip(), prov.id, kind))
    return items


def _definition_items(text: str, prov: Provision, kind: str, gazetteer: Gazetteer) -> list[_Item]:
    """Named things after a definer (“一核”是指A、B和C在内的…): one item each."""
    body = re.split(
        r"(?:在内的|组成的|构成的|等?[一二两三四五六七八九十\d]+个|等(?=[^、]{0,12}$)|，|。|；)",
        text,
        maxsplit=1,
    )[0]
    items = []
    for piece in _split_names(body, gazetteer):
        name = piece.strip(" “”")
        if 2 <= len(name) <= 30:
            items.append(_Item(name, name, piece.strip(), prov.id, kind))
    return items


# --- members ---------------------------------------------------------------------------------


def _members(
    item: _Item, gazetteer: Gazetteer, vocab: Vocabulary, role: str, *, point: bool
) -> tuple[list[DraftMember], list[str]]:
    """The members named in ``item.places``, with partiality and notes."""
    text = item.places
    out: list[DraftMember] = []
    notes: list[str] = []
    seen: set[str] = set()
    mentions = find_mentions(text, gazetteer)
    if not mentions and len(text) <= 30:
        # a name that opens with a place the strict rules hold back (和政生态片区)
        for k in range(min(len(text), 12), 1, -1):
            if text[:k] in gazetteer:
                e = gazetteer.lookup(text[:k])
                mentions = [Mention(0, k, text[:k], e.name, e.adcodes, e.kind, e.partial)]
                break
    tail = text[mentions[-1].end :] if mentions else ""
    cities = item.cities or (
        len(mentions) >= 2 and any(tail.startswith(w) for w in vocab.city_words)
    )
    covered = [False] * len(text)
    for n, m in enumerate(mentions):
        for k in range(m.start, m.end):
            covered[k] = True
        nxt = mentions[n + 1] if n + 1 < len(mentions) else None
        if (
            nxt is not None
            and nxt.start == m.end
            and len(m.adcodes) == 1
            and any(
                gazetteer.units.get(a, None) is not None
                and gazetteer.units[a].parent == m.adcodes[0]
                for a in nxt.adcodes
            )
        ):
            continue  # 白银市会宁县: the prefecture only says where the county is
        after = text[m.end : m.end + 24]
        word_partial = next((w for w in vocab.partial_words if after.startswith(w)), "")
        said = f"{m.matched}{word_partial}"
        if (
            not word_partial
            and m.kind in ("unit", "short", "former")
            and item.name.startswith(text)
        ):
            # 和政生态片区, 白银高新区: the element itself is part of the unit it names
            word_partial = next((w for w in vocab.partial_words if item.name.endswith(w)), "")
            said = item.name
        if not word_partial and re.match(r"[（(][^）)]{1,16}除外[）)]", after):
            word_partial = after[: after.find("除外") + 3]
        if m.kind in ("combined", "region", "composite") and not m.partial:
            names = [gazetteer.units[a].name for a in m.adcodes if a in gazetteer.units]
            kind_word = {"combined": "a combined name", "region": "a region"}.get(
                m.kind, "a named group"
            )
            notes.append(f"{m.matched} is {kind_word}: read as {'、'.join(names)}")
            for a in m.adcodes:
                unit = gazetteer.units[a]
                if unit.name in seen:
                    continue
                seen.add(unit.name)
                out.append(
                    DraftMember(
                        unit.name,
                        (a,),
                        _level(unit.level),
                        role,
                        bool(word_partial),
                        item.quote,
                        item.provision,
                        via=m.name,
                        outside=unit.level == "context",
                    )
                )
            continue
        units = [gazetteer.units[a] for a in m.adcodes if a in gazetteer.units]
        # a unit by its official name (兰州 → 兰州市); places and groups by their own name
        name = units[0].name if m.kind in ("unit", "short", "former") and units else m.name
        if name in seen:
            continue
        seen.add(name)
        level = _level(units[0].level) if units and len(units) == 1 else "county"
        partial = bool(m.partial or word_partial)
        via = ""
        if word_partial:
            notes.append(f"{said} is part of {name}: partial, never filled")
        elif cities and not point and level == "prefecture" and m.kind in ("short", "unit"):
            partial = True
            via = f"{m.matched} (city)"
            notes.append(f"{m.matched} in a list of cities is its city, not the whole prefecture")
        if m.partial and not units:
            continue
        out.append(
            DraftMember(
                name,
                tuple(m.adcodes),
                level if not m.partial else "",
                role,
                partial,
                item.quote,
                item.provision,
                via=via,
                outside=bool(units) and units[0].level == "context",
            )
        )
    # places outside Gansu the gazetteer does not hold
    for place in vocab.outside:
        k = text.find(place)
        while k >= 0:
            if not any(covered[k : k + len(place)]) and place not in seen:
                seen.add(place)
                for j in range(k, k + len(place)):
                    covered[j] = True
                out.append(
                    DraftMember(
                        place, (), "outside", role, False, item.quote, item.provision, outside=True
                    )
                )
            k = text.find(place, k + 1)
    return out, notes


def _nodes(
    members: list[DraftMember], item: _Item, gazetteer: Gazetteer, vocab: Vocabulary, role: str
) -> tuple[list[DraftMember], list[str]]:
    """A line's nodes: where the paragraph after a belt's name names counties of a prefecture
    the name stands for (兰白 → 白银市; 以靖远县、白银区、平川区协同发展为重点), the line runs
    through those counties, not the whole prefecture."""
    first = _sentences(item.body)[:2]
    text = item.body[: first[-1][1]] if first else ""
    if not text:
        return members, []
    counties: dict[str, list[Mention]] = {}
    for m in find_mentions(text, gazetteer):
        for a in m.adcodes:
            unit = gazetteer.units.get(a)
            if unit is not None and unit.level == "county" and len(m.adcodes) == 1:
                counties.setdefault(unit.parent, []).append(m)
    out: list[DraftMember] = []
    notes: list[str] = []
    quote = item.quote + text
    for mem in members:
        named = counties.get(mem.adcodes[0]) if len(mem.adcodes) == 1 else None
        if mem.level != "prefecture" or not named:
            out.append(mem)
            continue
        names = [gazetteer.units[m.adcodes[0]].name for m in named]
        notes.append(
            f"{mem.name}: the line runs through the counties the text names: "
            + "、".join(dict.fromkeys(names))
        )
        for m in named:
            unit = gazetteer.units[m.adcodes[0]]
            if any(o.name == unit.name for o in out):
                continue
            out.append(
                DraftMember(
                    unit.name,
                    (unit.adcode,),
                    "county",
                    role,
                    False,
                    quote,
                    item.provision,
                    via=mem.via,
                )
            )
    return out, notes


def _level(level: str) -> str:
    return "context" if level == "context" else level


# --- the drafter -----------------------------------------------------------------------------

_ROLE = {"node": "node", "pole": "pole", "core": "core"}


def _norm(name: str) -> str:
    """A name without spelled-out parentheses, dashes and quotes (for links)."""
    return _DASH.sub("", _PAREN.sub("", name)).strip('“”"')


def _catalog_names(catalog: Any, plan: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if catalog is None:
        return out
    for e in catalog.elements:
        if e.plan == plan:
            continue
        for n in (e.name, *e.aliases):
            key = _norm(n)
            if len(key) >= 4:
                out.setdefault(key, e.id)
    return out


class _Builder:
    def __init__(
        self,
        plan: str,
        gazetteer: Gazetteer,
        vocab: Vocabulary,
        kinds: Mapping[str, Any],
        catalog: Any,
    ) -> None:
        self.plan = plan
        self.gaz = gazetteer
        self.vocab = vocab
        self.kinds = kinds
        self.elements: dict[str, DraftElement] = {}
        self.order: list[str] = []
        self.links: dict[str, str] = {}
        self.others = _catalog_names(catalog, plan)
        self.by_name: dict[str, str] = {}

    def geometry(self, kind: str) -> str:
        spec = self.kinds.get(kind, {})
        return str(spec.get("geometry", "area")) if isinstance(spec, Mapping) else "area"

    def add(self, el: DraftElement) -> str:
        key = _norm(el.name)
        linked = self.others.get(key)
        if linked and el.members:
            self.links[el.id] = linked
            return linked
        if key in self.by_name and self.by_name[key] in self.elements:
            old = self.elements[self.by_name[key]]
            if old.kind == el.kind or not el.members:
                merged = _merge(old, el, self.gaz)
                self.elements[old.id] = merged
                return old.id
        self.elements[el.id] = el
        self.by_name[key] = el.id
        self.order.append(el.id)
        return el.id

    def element_from(self, item: _Item, *, eid: str, kind: str, parent: str) -> DraftElement:
        point = self.geometry(kind) == "point"
        role = _ROLE.get(kind, "member")
        members, notes = _members(item, self.gaz, self.vocab, role, point=point)
        if self.geometry(kind) == "line" and item.body:
            members, more = _nodes(members, item, self.gaz, self.vocab, role)
            notes += more
        path: tuple[str, ...] = ()
        if self.geometry(kind) == "line" and len([m for m in members if m.adcodes]) >= 2:
            path = tuple(m.name for m in members if m.adcodes and not m.partial)
        return DraftElement(
            id=eid,
            name=item.name,
            plan=self.plan,
            kind=kind,
            label=item.label,
            members=tuple(members),
            quotes=((item.quote, item.provision),),
            parent=parent,
            path=path if len(path) >= 2 else (),
            notes=tuple(dict.fromkeys(notes)),
        )


def _merge(old: DraftElement, new: DraftElement, gazetteer: Gazetteer) -> DraftElement:
    """One element from two mentions; a prefecture whose counties the first names is not
    added again as a whole."""
    names = {m.name for m in old.members}
    parents = {
        gazetteer.units[a].parent for m in old.members for a in m.adcodes if a in gazetteer.units
    }
    members = old.members + tuple(
        m
        for m in new.members
        if m.name not in names and not (len(m.adcodes) == 1 and m.adcodes[0] in parents)
    )
    quotes = old.quotes + tuple(q for q in new.quotes if q not in old.quotes)
    notes = tuple(dict.fromkeys(old.notes + new.notes))
    return DraftElement(
        old.id,
        old.name,
        old.plan,
        old.kind,
        old.label or new.label,
        members,
        quotes,
        old.parent,
        old.parts,
        old.path or new.path,
        notes,
        old.link,
    )


_QUOTED = re.compile(r"“([^“”]{1,16})”")


def _quoted_index(provs: list[Provision]) -> dict[str, list[tuple[int, int, int]]]:
    """Every quoted phrase of the plan: phrase -> (provision index, start, end of the quote).

    One pass over the text; each part then looks up its labels instead of scanning again.
    """
    index: dict[str, list[tuple[int, int, int]]] = {}
    for i, prov in enumerate(provs):
        for m in _QUOTED.finditer(prov.text):
            index.setdefault(m.group(1), []).append((i, m.start(), m.end()))
    return index


def _section(provs: list[Provision], i: int) -> list[Provision]:
    """The provisions under the heading ``provs[i]`` (its paragraphs, items and boxes)."""
    head = provs[i]
    prefix = head.id.rsplit("-", 1)[0]
    out = []
    for p in provs[i + 1 :]:
        path = p.id.rsplit("-", 1)[0]
        inside = path == prefix or path.startswith(prefix + ".")
        if p.kind in ("box", "table", "caption") and p.heading[: len(head.heading)] == head.heading:
            inside = True
        if not inside:
            break
        out.append(p)
    return out


def _run_items(provs: Iterable[Provision], vocab: Vocabulary) -> list[_Item]:
    """Paragraphs or box lines that open with a name and a full stop: one element each."""
    items = []
    for p in provs:
        for line in p.text.split("\n"):
            line = _ITEM_NO.sub("", line.strip())
            m = re.match(rf"^([{_HAN}（）()“”—\-A-Za-z0-9]{{3,26}})。", line)
            if m and "，" not in m.group(1):
                name = m.group(1)
                items.append(
                    _Item(
                        name,
                        name,
                        line[: m.end()],
                        p.id,
                        vocab.kind_of_name(name),
                        body=line[m.end() :],
                    )
                )
    return items


def draft_plan(
    plan_id: str,
    *,
    corpus: Corpus,
    gazetteer: Gazetteer,
    catalog: Any = None,
    kinds: Mapping[str, Any] | None = None,
    vocabulary: Vocabulary | None = None,
    root: str | os.PathLike[str] | None = None,
) -> Draft:
    """Draft the spatial layout of plan ``plan_id``.

    Parameters
    ----------
    plan_id
        A plan of ``corpus``.
    corpus, gazetteer
        The plan texts and the names (``read_corpus``, ``read_gazetteer``).
    catalog
        The curated catalog: an element that is the same as one of another plan's elements is
        linked to it instead of drafted again (``None``: no links).
    kinds
        The kinds of ``kinds.toml`` (``{kind: {geometry: …}}``; default: read from ``root``).
    vocabulary
        The words of ``drafting.toml`` (default: read from ``root``).

    Returns
    -------
    Draft
        Slogans, elements (basis ``drafted``; every member with its quote and provision)
        and links to catalog elements.

    Examples
    --------
    >>> from geo.corpus import parse_text
    >>> from geo.gazetteer import read_gazetteer
    >>> c = parse_text("一、布局\\n构建“一核两翼”格局。“一核”是指临夏市，“两翼”为东乡和广河。\\n",
    ...                plan="demo")
    >>> d = draft_plan("demo", corpus=c, gazetteer=read_gazetteer())
    >>> [(e.name, [m.name for m in e.members]) for e in d.elements if e.members]
    [('临夏市', ['临夏市']), ('东乡', ['东乡族自治县']), ('广河', ['广河县'])]
    """
    vocab = vocabulary or read_vocabulary(root=root)
    if kinds is None:
        kinds = _read_kinds(root)
    corpus.plan(plan_id)  # unknown plans raise
    provs = [p for p in corpus.provisions if p.plan == plan_id]
    b = _Builder(plan_id, gazetteer, vocab, kinds, catalog)
    slogans: list[Slogan] = []
    _scope(provs, b)
    hits = find_slogans(provs, vocab)
    quoted = _quoted_index(provs)
    groups: dict[tuple[str, ...], list[_Hit]] = {}
    for h in hits:
        groups.setdefault(tuple(k for _, k in h.units), []).append(h)
    # a slogan whose parts are all parts of a larger slogan of the plan (一主两副 within
    # 一主两副三区多点) is a mention of the larger one: its hits join the larger group
    for key in sorted(groups, key=len):
        bigger = [k for k in groups if len(k) > len(key) and set(key) <= set(k) and k != key]
        if len(key) > 1 and bigger:
            groups[bigger[0]] += groups.pop(key)
    keys = list(groups)
    # where each slogan starts; a part's quoted definitions belong to the slogan before them
    # (two slogans of a plan may both have a “一核”)
    pos = {id(p): i for i, p in enumerate(provs)}
    starts = {key: pos[id(groups[key][0].provision)] for key in keys}
    by_label: dict[str, list[int]] = {}
    for key in keys:
        for _, ukey in groups[key][0].units:
            by_label.setdefault(ukey, []).append(starts[key])
    for n, key in enumerate(keys, start=1):
        group = groups[key]
        first = group[0]
        sid = f"{plan_id}_draft{n}"
        parts: list[str] = []
        defined = False
        used: set[str] = set()
        for j, (label, ukey) in enumerate(first.units, start=1):
            noun_kind = _noun_kind(ukey, vocab)
            pid = f"{sid}_{j}"
            others = sorted(set(by_label[ukey]))
            here = starts[key]
            later = [i for i in others if i > here]
            window = (0 if here == others[0] else here, later[0] if later else len(provs))
            items = _define_part(
                label, ukey, noun_kind, first, group, provs, vocab, quoted, gazetteer, window
            )
            items = [it for it in items if _norm(it.name) not in used]
            count = ukey[: len(ukey) - len(ukey.lstrip("0123456789"))]
            enumerated = not any(it.label for it in items)  # not “X”是指 / X（“X”）/ runs
            if enumerated and count and len(items) > int(count):  # named places first
                rank = sorted(
                    range(len(items)),
                    key=lambda k: not find_mentions(items[k].places, gazetteer),
                )
                items = [items[k] for k in sorted(rank[: int(count)])]
            used.update(_norm(it.name) for it in items)
            children: list[str] = []
            point = b.geometry(noun_kind) == "point"
            if first.counted and (point or all(it.kind is None for it in items)):
                # one element holding the places of the counted group (三大国际空港)
                merged = (
                    _Item(
                        _noun_phrase(first.text, vocab) if not point else first.text,
                        "、".join(it.places for it in items),
                        items[0].quote if items else "",
                        items[0].provision if items else first.provision.id,
                        noun_kind,
                    )
                    if items
                    else None
                )
                if merged is not None and not point:
                    merged = None  # areas: one element per named zone (below)
                if merged is not None:  # the counted group is one element of points
                    el = b.element_from(merged, eid=sid, kind=noun_kind, parent="")
                    el = DraftElement(**{**el.__dict__, "name": first.text, "label": label})
                    b.add(el)
                    defined = True
                    break
            for k, it in enumerate(items, start=1):
                phrase = _noun_phrase(first.text, vocab)
                named = _fits(vocab.kind_of_name(it.name), noun_kind)  # 丹霞旅游区: a name
                if first.counted and not it.label and not it.name.endswith(phrase) and not named:
                    it.name = it.name + phrase
                el = b.element_from(it, eid=f"{pid}_{k}", kind=noun_kind, parent=pid)
                children.append(b.add(el))
                defined = True
            quote_text, quote_prov = first.text, first.provision.id
            part = DraftElement(
                id=pid,
                name=label,
                plan=plan_id,
                kind=noun_kind,
                label=label,
                members=(),
                quotes=((quote_text, quote_prov),),
                parent=sid,
                parts=tuple(children),
                notes=() if children else (f"{label}: the text does not define this part",),
            )
            if len(first.units) == 1:
                part = DraftElement(
                    **{**part.__dict__, "id": sid, "name": first.text, "parent": ""}
                )
                for c in children:
                    if c in b.elements:
                        b.elements[c] = DraftElement(**{**b.elements[c].__dict__, "parent": sid})
                b.elements[sid] = part
                b.order.append(sid)
                break
            b.elements[pid] = part
            b.order.append(pid)
            parts.append(pid)
        if len(first.units) > 1:
            b.elements[sid] = DraftElement(
                id=sid,
                name=first.text,
                plan=plan_id,
                kind=_noun_kind(first.units[0][1], vocab),
                label=first.text,
                members=(),
                quotes=((first.text, first.provision.id),),
                parts=tuple(parts),
                notes=()
                if defined
                else (
                    "undefined: the text names the parts "
                    + "、".join(lbl for lbl, _ in first.units)
                    + " but not their places",
                ),
            )
            b.order.insert(
                b.order.index(f"{sid}_1") if f"{sid}_1" in b.order else len(b.order), sid
            )
        slogans.append(Slogan(sid, first.text, plan_id, first.units, first.provision.id, defined))
    elements = tuple(b.elements[i] for i in dict.fromkeys(b.order) if i in b.elements)
    return Draft(plan_id, tuple(slogans), elements, dict(b.links))


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


def _define_part(
    label: str,
    ukey: str,
    kind: str,
    first: _Hit,
    group: list[_Hit],
    provs: list[Provision],
    vocab: Vocabulary,
    quoted: dict[str, list[tuple[int, int, int]]],
    gazetteer: Gazetteer,
    window: tuple[int, int] = (0, 1 << 30),
) -> list[_Item]:
    """The items the text gives for one part of a slogan, by every form it uses.

    ``window`` bounds the provisions (indexes) whose quoted part labels count for it.
    """
    items: list[_Item] = []
    labels = {label, label.replace("两", "二"), label.replace("二", "两")}
    for lbl in sorted(labels):
        for i, qs, qe in quoted.get(lbl, ()):
            if not window[0] <= i < window[1]:
                continue
            prov = provs[i]
            text = prov.text
            rest = text[qe:]
            # 1. “一核”是指…
            definer = next((d for d in vocab.definers if rest.startswith(d)), None)
            if definer is not None:
                for it in _definition_items(rest[len(definer) :], prov, kind, gazetteer):
                    it.label = label
                    items.append(it)
            # 2. NAME（“一带”）
            elif qs > 0 and text[qs - 1] in "（(" and rest[:1] in ("）", ")"):
                head = text[: qs - 1]
                cut = max(head.rfind(c) for c in "，。；")
                pieces = re.split(r"、", head[cut + 1 :])
                for k, piece in enumerate(pieces):
                    cl = _member_clause(piece, vocab)
                    places = cl[0] if cl else ""
                    nm = _strip_lead(cl[1] if cl else piece, vocab)
                    nm = nm.rsplit("的", 1)[-1] if "的" in nm else nm
                    last = k == len(pieces) - 1
                    if 2 <= len(nm) <= 30 and (last or _fits(vocab.kind_of_name(nm), kind)):
                        items.append(
                            _Item(nm, places or nm, piece.strip(), prov.id, kind, label=label)
                        )
            # 1b. a paragraph that opens with the part: “一圈”。建设由A、B组成的天水都市圈…
            elif qs == 0 and rest.startswith("。"):
                items.append(_opening_item(rest[1:], prov, kind, label, vocab))
            # 1c. named zones before the quoted part in its sentence: …形成“两区”联动
            elif prov.kind != "heading":
                sent = next(s for s in _sentences(text) if s[0] <= qs < s[1])
                for it in _enumeration_items(text[sent[0] : qs], prov, vocab, gazetteer):
                    if _fits(it.kind, kind):
                        it.label = label
                        items.append(it)
    if items:
        return _dedupe(items)
    definers = "|".join(re.escape(d) for d in vocab.definers)
    # 3. a run of paragraphs or a box under a heading that names the part
    for lbl in sorted(labels):
        heads = [i for i, _, _ in quoted.get(lbl, ()) if provs[i].kind == "heading"]
        run = _run_items([p for i in heads for p in _section(provs, i)], vocab)
        if not run and first.counted:  # 专栏1 三大经济区发展布局: the box lists them
            boxes = [p for p in provs if p.kind == "box" and lbl in p.text.split("\n", 1)[0]]
            run = _run_items(boxes, vocab)
        for it in run:
            it.label = label
        if run:
            return _dedupe(run)
    # 4. enumeration closed by the counted slogan, the slogan in parentheses, and lists of
    #    named zones around the slogan (same provision)
    found: list[_Item] = []
    for h in group:
        text = h.provision.text
        after = text[h.end :].removeprefix("”")
        if after.startswith(("（", "(")):
            close = after.find("）") if "）" in after else after.find(")")
            inside = after[1:close]
            for piece in _split_names(inside, gazetteer):
                nm = _strip_lead(piece, vocab)
                if 2 <= len(nm) <= 30:
                    found.append(
                        _Item(
                            nm,
                            nm,
                            f"{h.text}”（{inside}）"
                            if text[h.end : h.end + 1] == "”"
                            else f"{h.text}（{inside}）",
                            h.provision.id,
                            None,
                        )
                    )
        sent = next((s for s in _sentences(text) if s[0] <= h.start < s[1]), (0, len(text)))
        before = text[sent[0] : h.start].rstrip("“（(")
        if h.counted:
            raw_tail = re.split(r"[，。；：]", before)[-1]
            quote = text[h.start - len(raw_tail) : h.end]
            tail = re.sub(r"等$", "", raw_tail)
            verb_cut = max(
                (tail.rfind(w) + len(w) for w in vocab.lead_words if w in tail), default=0
            )
            body = tail[verb_cut:] if verb_cut < len(tail) else tail
            if "、" in body or "和" in body:
                for piece in _split_names(body, gazetteer):
                    nm = _strip_lead(piece, vocab)
                    if 2 <= len(nm) <= 20:
                        found.append(
                            _Item(
                                nm,
                                nm,
                                quote,
                                h.provision.id,
                                vocab.kind_of_name(nm),
                                cities="城市" in text[h.start : h.end + 4],
                            )
                        )
            if found:
                break
            continue
        # 即/包括 right after the slogan
        m = re.match(rf"”?[^，。]{{0,12}}?，?(?:{definers})", after)
        stretch = after[m.end() :] if m else ""
        cands = _enumeration_items(before, h.provision, vocab, gazetteer)
        cands += _enumeration_items(stretch or after, h.provision, vocab, gazetteer)
        found += [it for it in cands if _fits(it.kind, kind)]
        noun = ukey.lstrip("0123456789多几")
        found += _role_items(before, h.provision, noun, kind, gazetteer)
        if found:
            break
    return _dedupe(found)


def _opening_item(body: str, prov: Provision, kind: str, label: str, vocab: Vocabulary) -> _Item:
    """The element of a paragraph that opens with its part (“一圈”。…)."""
    m = re.search(r"由(.+?)(?:等)?(?:组成|构成)的([^，。；]{2,24})", body)
    cl = m.groups() if m else None
    sentence = body[: _sentences(body)[0][1]] if body else ""
    if cl is None:
        for clause in _clauses(sentence):
            cl = _member_clause(clause, vocab)
            if cl:
                break
    if cl:
        name = _strip_lead(cl[1], vocab)
        return _Item(name, cl[0], body[: body.find(cl[1]) + len(cl[1])], prov.id, kind, label=label)
    return _Item(label, sentence, sentence, prov.id, kind, label=label)


def _fits(item_kind: str | None, part_kind: str) -> bool:
    if item_kind is None:
        return False
    if item_kind == part_kind:
        return True
    return {item_kind, part_kind} <= {"zone", "core"} or {item_kind, part_kind} <= {"belt", "axis"}


def _dedupe(items: list[_Item]) -> list[_Item]:
    seen: dict[str, _Item] = {}
    for it in items:
        seen.setdefault(_norm(it.name), it)
    return list(seen.values())


def _scope(provs: list[Provision], b: _Builder) -> None:
    """The plan's scope: 本规划范围包括A、B和C…"""
    for prov in provs:
        for phrase in b.vocab.scope:
            k = prov.text.find(phrase)
            if k < 0:
                continue
            stretch = re.split(r"[。；，]", prov.text[k + len(phrase) :])[0]
            quote = prov.text[k : k + len(phrase) + len(stretch)]
            item = _Item("规划范围", stretch, quote, prov.id, "scope")
            el = b.element_from(item, eid=f"{b.plan}_draft_scope", kind="scope", parent="")
            if el.members:
                el = DraftElement(
                    **{
                        **el.__dict__,
                        "members": tuple(
                            DraftMember(**{**m.__dict__, "role": "member"}) for m in el.members
                        ),
                    }
                )
                b.elements[el.id] = el
                b.order.append(el.id)
                return


def _read_kinds(root: str | os.PathLike[str] | None) -> dict[str, Any]:
    path = data_root(root) / "concepts" / "kinds.toml"
    try:
        with open(path, "rb") as fh:
            return dict(tomllib.load(fh).get("kind", {}))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return {}


# --- writing ---------------------------------------------------------------------------------


def _t(v: Any) -> str:
    from geo.intake import _toml_value

    return _toml_value(v)


def draft_toml(draft: Draft, *, corpus: Corpus | None = None) -> str:
    """The draft in the catalog's schema (``[[element]]`` tables, basis ``drafted``)."""
    title = ""
    if corpus is not None:
        from geo.corpus import citation

        title = citation(corpus, draft.plan)
    out = [
        f"# Machine draft of the spatial layout of plan {draft.plan} {title}".rstrip() + "\n",
        '# Written by geo.draft (gansu-atlas draft). Every member has basis "drafted" and\n',
        "# its quote; review each element, then accept it into the curated catalog.\n",
    ]
    byid = {e.id: e for e in draft.elements}
    memo: dict[str, bool] = {}

    def drawable(eid: str) -> bool:
        """An element the catalog can hold: members in Gansu, or drawable parts."""
        if eid not in byid:
            return eid in draft.links.values()  # a curated element of another plan
        if eid not in memo:
            memo[eid] = False  # cycles never count
            e = byid[eid]
            memo[eid] = any(m.adcodes for m in e.members) or any(drawable(x) for x in e.parts)
        return memo[eid]

    skipped = [e for e in draft.elements if not drawable(e.id)]
    for e in draft.elements:
        if not drawable(e.id):
            continue
        e = DraftElement(**{**e.__dict__, "parts": tuple(x for x in e.parts if drawable(x))})
        if e.parent and e.parent in byid and not drawable(e.parent):
            e = DraftElement(**{**e.__dict__, "parent": ""})
        out.append("\n[[element]]\n")
        out.append(f"id = {_t(e.id)}\n")
        out.append(f"name = {_t(e.name)}\n")
        out.append(f"name_en = {_t('Draft: ' + (e.label or e.name))}\n")
        out.append(f"plan = {_t(e.plan)}\n")
        out.append(f"kind = {_t(e.kind)}\n")
        if e.parent:
            out.append(f"parent = {_t(e.parent)}\n")
        if e.parts:
            out.append(f"parts = {_t(list(e.parts))}\n")
        if e.path:
            out.append(f"path = {_t(list(e.path))}\n")
        inside = [m for m in e.members if m.adcodes]
        if inside:
            out.append("members = [\n")
            for m in inside:
                row: dict[str, Any] = {"name": m.name, "role": m.role, "basis": BASIS}
                if m.level and m.level != "outside":
                    row["level"] = m.level
                if m.partial:
                    row["partial"] = True
                row["quote"] = {"text": m.quote, "provision": m.provision}
                out.append(f"  {_t(row)},\n")
            out.append("]\n")
        out.append("quotes = [\n")
        for text, prov in e.quotes:
            out.append(f"  {_t({'text': text, 'provision': prov})},\n")
        out.append("]\n")
        notes = list(e.notes)
        notes += [
            f"outside Gansu, not drawn: {m.name} (“{m.quote}”, {m.provision})"
            for m in e.members
            if not m.adcodes
        ]
        notes += [f"{m.name}: read from {m.via}" for m in e.members if "(city)" in m.via]
        if notes:
            out.append(f"notes = {_t(list(dict.fromkeys(notes)))}\n")
    if skipped:
        out.append(
            "\n# Named by the text without places (undefined slogans and parts, places the\n"
            "# gazetteer does not know): listed here, never given members.\n"
        )
        for e in skipped:
            outside = "、".join(m.name for m in e.members if not m.adcodes)
            where = ", ".join(p for _, p in e.quotes[:1])
            out.append(
                f"#   {e.id} {e.name} [{e.kind}] ({where})"
                + (f" outside Gansu: {outside}" if outside else "")
                + "\n"
            )
    if draft.links:
        out.append("\n# Linked to curated elements of other plans (not drafted again):\n")
        for did, cid in sorted(draft.links.items()):
            out.append(f"#   {did} -> {cid}\n")
    return "".join(out)


def draft_report(draft: Draft) -> str:
    """The draft as readable Markdown: slogans, elements with members and quotes."""
    out = [f"# Draft layout of plan {draft.plan}\n\n"]
    out.append(
        f"{len(draft.slogans)} slogans, {len(draft.elements)} elements, "
        f"{len(draft.links)} linked to the catalog.\n\n"
    )
    byid = {e.id: e for e in draft.elements}

    def show(eid: str, depth: int) -> None:
        e = byid.get(eid)
        pad = "  " * depth
        if e is None:
            out.append(f"{pad}- `{eid}`: the curated catalog's element (linked)\n")
            return
        members = "、".join(
            m.name + ("（部分）" if m.partial else "") + ("（省外）" if m.outside else "")
            for m in e.members
        )
        out.append(f"{pad}- `{e.id}` {e.name} [{e.kind}]: {members or '—'}\n")
        for text, prov in e.quotes[:2]:
            out.append(f"{pad}  - “{text}” ({prov})\n")
        for n in e.notes:
            out.append(f"{pad}  - note: {n}\n")
        for part in e.parts:
            show(part, depth + 1)

    for s in draft.slogans:
        state = "defined" if s.defined else "UNDEFINED (parts named, no members)"
        parts = "、".join(lbl for lbl, _ in s.units)
        out.append(f"## {s.text} — {state}\n\nparts: {parts}; first in {s.provision}\n\n")
        show(s.id, 0)
        out.append("\n")
    for did, cid in sorted(draft.links.items()):
        out.append(f"- linked: {did} is the catalog's {cid}\n")
    scope = byid.get(f"{draft.plan}_draft_scope")
    if scope:
        out.append(f"\n## 规划范围\n\n{'、'.join(m.name for m in scope.members)}\n")
    return "".join(out)


def write_draft(
    draft: Draft, *, root: str | os.PathLike[str] | None = None, corpus: Corpus | None = None
) -> list[Path]:
    """Write ``concepts/drafts/<PLAN>.toml`` and ``<PLAN>.md`` under the data root (atomic)."""
    from geo.intake import _replace

    folder = data_root(root) / "concepts" / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in (
        (f"{draft.plan}.toml", draft_toml(draft, corpus=corpus)),
        (f"{draft.plan}.md", draft_report(draft)),
    ):
        path = folder / name
        _replace(path, text.encode("utf-8"))
        paths.append(path)
    return paths
