"""Members of drafted elements through the gazetteer (private: see :mod:`geo.draft`).

Partiality from the words after a name, combined names and regions expanded, a prefecture in a
list of cities read as its city, places outside Gansu kept as named outside members.
"""

from __future__ import annotations

import re

from geo._draft_define import _Item, _sentences
from geo._draft_records import DraftMember
from geo._draft_vocab import Vocabulary
from geo.gazetteer import Gazetteer
from geo.links import Mention, find_mentions

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
