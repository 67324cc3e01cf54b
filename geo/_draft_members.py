"""Members of drafted elements through the gazetteer (private: see :mod:`geo.draft`).

Partiality from the words after a name, combined names and regions expanded, a prefecture in a
list of cities read as its city, places outside Gansu kept as named outside members.
"""

from __future__ import annotations

import re
from typing import Any

from geo._draft_define import _Item, _sentences, places_in
from geo._draft_records import DraftMember
from geo._draft_vocab import Vocabulary
from geo.gazetteer import Gazetteer, Unit
from geo.links import Mention, find_mentions

# --- members ---------------------------------------------------------------------------------


def _members(
    item: _Item,
    gazetteer: Gazetteer,
    vocab: Vocabulary,
    role: str,
    *,
    point: bool,
    line: bool = False,
) -> tuple[list[DraftMember], list[str]]:
    """The members named in ``item.places``, with partiality and notes; a route (兰新铁路)
    only for an element drawn as a line (``line``): its counties are the line's nodes."""
    text = item.places
    out: list[DraftMember] = []
    notes: list[str] = []
    seen: set[str] = set()
    mentions = places_in(text, gazetteer, routes=line)
    if not mentions and len(text) <= 30:
        # a name that opens with a place the strict rules hold back (和政生态片区)
        for k in range(min(len(text), 12), 1, -1):
            if text[:k] in gazetteer:
                e = gazetteer.lookup(text[:k])
                mentions = [Mention(0, k, text[:k], e.name, e.adcodes, e.kind, e.partial)]
                break
    if not mentions:  # 长江上游: an area named by nature, read through a gazetteer name
        mentions = _area_mentions(text, gazetteer, vocab)
        notes += [f"{m.matched} read as {m.name} ([areas] of drafting.toml)" for m in mentions]
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
            and any(a in gazetteer.children(m.adcodes[0]) for a in nxt.adcodes)
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
            twin = m.kind == "combined" and any(after.startswith(w) for w in vocab.twin_words)
            for a in m.adcodes:
                unit = gazetteer.units[a]
                seats = _seats(unit.name, gazetteer, vocab) if twin else []
                if seats:  # 酒嘉双城: the two cities, not the two prefectures
                    notes.append(
                        f"{unit.name} in {m.matched}{after[:2]} is its city: "
                        + "、".join(s.name for s in seats)
                    )
                    out += _city_members(
                        seats, seen, role, item.quote, item.provision, f"{unit.name} (city)"
                    )
                    continue
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
        if m.kind == "route":  # 兰新铁路: its counties in the order it passes them, nodes
            notes.append(f"{m.matched} is a route: read as the counties it passes, in order")
            for a in m.adcodes:
                unit = gazetteer.units[a]
                if unit.name not in seen:
                    seen.add(unit.name)
                    out.append(
                        DraftMember(
                            unit.name,
                            (a,),
                            "county",
                            role,
                            True,
                            item.quote,
                            item.provision,
                            via=m.name,
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
        if m.kind == "region" and m.partial:  # 祁连山, 黑河流域: a region named by nature
            notes.append(f"{m.matched} is a region that covers part of its units: partial")
        if word_partial:
            notes.append(f"{said} is part of {name}: partial, never filled")
        elif (
            cities
            and not point
            and level == "prefecture"
            and m.kind in ("short", "unit")
            and _has_counties(m.adcodes, gazetteer)  # 嘉峪关市 has none: the city is the unit
        ):
            notes.append(f"{m.matched} in a list of cities is its city, not the whole prefecture")
            seats = _seats(name, gazetteer, vocab)
            if seats:
                out += _city_members(
                    seats, seen, role, item.quote, item.provision, f"{m.matched} (city)"
                )
                continue
            partial = True
            via = f"{m.matched} (city)"
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


def within(
    members: list[DraftMember], area: frozenset[str], gazetteer: Gazetteer
) -> tuple[list[DraftMember], list[str]]:
    """Members that run beyond the plan's area clipped to it.

    A route (兰新铁路) or a region named by nature (祁连山, 黑河流域) is longer than the area
    a regional plan covers: where the plan states its scope (``area``: the county-level
    units of 规划范围), only its units inside the scope are kept, and a note says so.
    Members named by the text itself are never clipped.
    """
    if not area:
        return members, []
    out: list[DraftMember] = []
    notes: list[str] = []
    for mem in members:
        if not _beyond(mem, gazetteer):
            out.append(mem)
            continue
        inside = tuple(a for a in mem.adcodes if a in area or _has_part_in(a, area, gazetteer))
        if inside == mem.adcodes:
            out.append(mem)
            continue
        notes.append(f"{mem.via or mem.name} runs beyond the plan's area: only its part inside")
        if inside:
            out.append(DraftMember(**{**mem.__dict__, "adcodes": inside}))
    return out, list(dict.fromkeys(notes))


def _has_part_in(adcode: str, area: frozenset[str], gazetteer: Gazetteer) -> bool:
    """Whether a unit above the county level (兰州市 in 大兰州) has a county in ``area``."""
    return any(a in area for a in gazetteer.children(adcode))


def _beyond(mem: DraftMember, gazetteer: Gazetteer) -> bool:
    """Whether ``mem`` was read through a route or a partial region (a thing of nature)."""
    name = mem.via or mem.name
    if name not in gazetteer:
        return False
    entry = gazetteer.lookup(name)
    return entry.kind == "route" or (entry.kind == "region" and entry.partial)


def on_route(mem: DraftMember, gazetteer: Gazetteer) -> bool:
    """Whether ``mem`` is a node of a route (兰新铁路), a county it passes."""
    return bool(mem.via) and mem.via in gazetteer and gazetteer.lookup(mem.via).kind == "route"


def _has_counties(adcodes: tuple[str, ...], gazetteer: Gazetteer) -> bool:
    """Whether the unit of ``adcodes`` (one) has counties in the gazetteer."""
    return len(adcodes) == 1 and bool(gazetteer.children(adcodes[0]))


def _area_mentions(text: str, gazetteer: Gazetteer, vocab: Vocabulary) -> list[Mention]:
    """The area words of ``[areas]`` in ``text`` as mentions of the gazetteer names they
    stand for (the first of each, in text order)."""
    out = []
    for word, name in vocab.areas.items():
        k = text.find(word)
        if k >= 0 and name in gazetteer:
            e = gazetteer.lookup(name)
            out.append(Mention(k, k + len(word), word, e.name, e.adcodes, e.kind, e.partial))
    return sorted(out, key=lambda m: m.start)


def _nodes(
    members: list[DraftMember],
    item: _Item,
    gazetteer: Gazetteer,
    vocab: Vocabulary,
    role: str,
    *,
    line: bool = True,
) -> tuple[list[DraftMember], list[str]]:
    """The counties the paragraph after an element's name makes it concrete with.

    Where the paragraph that opens with the name names counties of a prefecture the name
    stands for, the element is those counties, not the whole prefecture: a line runs through
    them (兰白 → 白银市; 以靖远县、白银区、平川区协同发展为重点: its first two sentences), an area
    is made of them (平庆组团。以平凉崆峒区和庆阳西峰区为核心…: its first sentence). A county
    followed by a partial word (城区), or listed with 、 before one that is (金川、凉州城区),
    is partial.
    """
    first = _sentences(item.body)[: 2 if line else 1]
    text = item.body[: first[-1][1]] if first else ""
    if not text:
        return members, []
    counties: dict[str, list[tuple[Any, ...]]] = {}
    found = find_mentions(text, gazetteer)
    for n, m in enumerate(found):
        word = _partial_word(text, found, n, vocab)
        for a in m.adcodes:
            unit = gazetteer.units.get(a)
            if unit is not None and unit.level == "county" and len(m.adcodes) == 1:
                counties.setdefault(unit.parent, []).append((m, word))
            elif unit is not None and unit.level == "prefecture" and word in vocab.city_words:
                for seat in _seats(unit.name, gazetteer, vocab):  # 白银城区: its city proper
                    counties.setdefault(a, []).append((m, word, seat))
    out: list[DraftMember] = []
    notes: list[str] = []
    quote = item.quote + text
    what = "the line runs through" if line else "the text makes it"
    for mem in members:
        named = counties.get(mem.adcodes[0]) if len(mem.adcodes) == 1 else None
        if mem.level != "prefecture" or not named:
            out.append(mem)
            continue
        names = [
            seat[0].name if seat else gazetteer.units[m.adcodes[0]].name for m, _, *seat in named
        ]
        notes.append(
            f"{mem.name}: {what} the counties the text names: " + "、".join(dict.fromkeys(names))
        )
        for m, word, *seat in named:
            unit = seat[0] if seat else gazetteer.units[m.adcodes[0]]
            if any(o.name == unit.name for o in out):
                continue
            if word:
                notes.append(f"{m.matched}{word} is part of {unit.name}: partial, never filled")
            out.append(
                DraftMember(
                    unit.name,
                    (unit.adcode,),
                    "county",
                    role,
                    bool(word),
                    quote,
                    item.provision,
                    via=mem.via,
                )
            )
    return out, notes


def _partial_word(text: str, found: list[Mention], n: int, vocab: Vocabulary) -> str:
    """The partial word after mention ``n``, or after the last of the 、-list it opens."""
    while True:
        after = text[found[n].end :]
        word = next((w for w in vocab.partial_words if after.startswith(w)), "")
        if word or n + 1 >= len(found) or text[found[n].end : found[n + 1].start] != "、":
            return word
        n += 1


def _seats(name: str, gazetteer: Gazetteer, vocab: Vocabulary) -> list[Unit]:
    """The units of a prefecture's city proper (``[seats]`` of drafting.toml), if known."""
    out = []
    for seat in vocab.seats.get(name, ()):
        if seat in gazetteer:
            out += [
                gazetteer.units[a] for a in gazetteer.lookup(seat).adcodes if a in gazetteer.units
            ]
    return out


def _city_members(
    seats: list[Unit], seen: set[str], role: str, quote: str, provision: str, via: str
) -> list[DraftMember]:
    """The units of a city proper as members (those not ``seen`` yet; ``seen`` grows)."""
    out = []
    for s in seats:
        if s.name not in seen:
            seen.add(s.name)
            out.append(
                DraftMember(s.name, (s.adcode,), "county", role, False, quote, provision, via=via)
            )
    return out


def as_cities(
    members: list[DraftMember], places: str, gazetteer: Gazetteer, vocab: Vocabulary
) -> tuple[list[DraftMember], list[str]]:
    """The nodes of a route or the growth poles are cities: each whole prefecture named by
    its short name in ``places`` (以兰州、白银为节点; not 定西市 or 临夏州, which name the
    unit) is read as its city proper (``[seats]``)."""
    out: list[DraftMember] = []
    notes: list[str] = []
    names = {m.name for m in members}
    short = {
        a
        for m in find_mentions(places, gazetteer)
        if not m.matched.endswith(tuple(vocab.unit_ends))
        for a in m.adcodes
    }
    for mem in members:
        seats = (
            _seats(mem.name, gazetteer, vocab)
            if mem.level == "prefecture"
            and not mem.partial
            and len(mem.adcodes) == 1
            and mem.adcodes[0] in short
            else []
        )
        if not seats:
            out.append(mem)
            continue
        notes.append(
            f"{mem.name} as a node (a stop of a route, a growth pole) is its city: "
            + "、".join(s.name for s in seats)
        )
        out += _city_members(seats, names, mem.role, mem.quote, mem.provision, f"{mem.name} (city)")
    return out, notes


def _level(level: str) -> str:
    return "context" if level == "context" else level
