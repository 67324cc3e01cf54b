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
   …等3个片区) or defined by the list after it (五大旅游目的地，即A、B…); the list of named
   zones in the sentence of the slogan (以…为主的…区，…构建“一带五区”), sharing the head of its
   last name (A、B和C生态安全屏障), or in the sentences after it; the places listed right before
   a part of points (民乐、临泽等城镇，作为“多点”); and the plan's scope (本规划范围包括…). A
   布局 section whose paragraphs open with named regions is a layout without a slogan, and so
   is a sentence listing named zones each with its places (以A、B为主的X基地，以C为主的Y基地)
   or stringing cities into a named route (将A-B-C串联打造成X廊道), or a list of routes
   closed by a line noun (陇海铁路—连霍高速公路、西平铁路—青兰高速公路等发展轴线), or a verb's
   run of clauses each opening with a place (形成河西…产业带，甘南…示范区).
   A slogan whose parts the text does not define is listed with its parts and no members.
3. **Members** through the gazetteer: combined names (酒嘉) and regions (陇东) expand and
   say so; parts of units (中心城区, 新区, 片区, 南部 …) are partial; a prefecture named as a
   city (in a list of cities, a stop of a route, a growth pole, 酒嘉双城) is its city proper
   (``[seats]``); an area named by a combined name of cities is the districts its paragraph
   names; an area named by nature (长江上游) is read through a gazetteer name (``[areas]``);
   a city without counties (嘉峪关市) is the whole unit; places outside Gansu stay named
   outside members. Regions named by nature (祁连山, 黑河流域) are partial; a route of the
   gazetteer (兰新铁路) gives a line its nodes, the counties it passes in order, partial;
   both are clipped to the plan's area (its scope, else the place its title opens with).
   The modules ``geo._draft_*`` hold the parts: vocabulary, records, slogans, definitions,
   members, writing.
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

import dataclasses
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

from geo._paths import data_root
from geo.corpus import Corpus, Provision
from geo.gazetteer import Gazetteer
from geo.links import find_mentions

__all__ = [
    "Draft",
    "DraftElement",
    "DraftMember",
    "Slogan",
    "Vocabulary",
    "draft_plan",
    "draft_report",
    "draft_toml",
    "find_slogans",
    "read_vocabulary",
    "write_draft",
]
from geo._draft_define import (
    _clauses,
    _define_part,
    _fits,
    _Item,
    _member_clause,
    _quoted_index,
    _run_items,
    _section,
    _sentences,
    _strip_lead,
    places_in,
)
from geo._draft_members import _members, _nodes, as_cities, on_route, within
from geo._draft_records import Draft, DraftElement, DraftMember, Slogan
from geo._draft_slogans import _Hit, _noun_kind, _noun_phrase, find_slogans
from geo._draft_vocab import _ITEM_NO, Vocabulary, _norm, read_vocabulary
from geo._draft_write import draft_report, draft_toml, write_draft

# --- the drafter -----------------------------------------------------------------------------

_ROLE = {"node": "node", "pole": "pole", "core": "core"}


def _catalog_names(catalog: Any, plan: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if catalog is None:
        return out
    for e in catalog.elements:
        if e.plan == plan or getattr(e, "drafted", False):
            continue  # its own plan, or another machine draft: link to reviewed elements only
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
        self.area: frozenset[str] = frozenset()  # the scope's county-level units, if stated

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

    def _of_cities(self, name: str, kind: str) -> bool:
        """An area named by a combined name of cities (平庆组团, 酒嘉一体化), not one that
        reaches beyond its core (a circle, ``reach_kinds``): the districts its paragraph
        names are the element."""
        return kind not in self.vocab.reach_kinds and any(
            m.kind == "combined" for m in find_mentions(name, self.gaz)
        )

    def element_from(self, item: _Item, *, eid: str, kind: str, parent: str) -> DraftElement:
        point = self.geometry(kind) == "point"
        role = _ROLE.get(kind, "member")
        line = self.geometry(kind) == "line"
        members, notes = _members(item, self.gaz, self.vocab, role, point=point, line=line)
        if item.body and (line or self._of_cities(item.name, kind)):
            members, more = _nodes(members, item, self.gaz, self.vocab, role, line=line)
            notes += more
        if kind in self.vocab.node_kinds:
            members, more = as_cities(members, item.places, self.gaz, self.vocab)
            notes += more
        members, more = within(members, self.area, self.gaz)
        notes += more
        path: tuple[str, ...] = ()
        if self.geometry(kind) == "line" and len([m for m in members if m.adcodes]) >= 2:
            path = tuple(
                m.name for m in members if m.adcodes and (not m.partial or on_route(m, self.gaz))
            )
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
    if not b.area:  # no 规划范围: the place the title opens with (张掖市国土空间总体规划)
        b.area = _title_area(corpus.plan(plan_id).title, provs, b)
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
                    key=lambda k: not places_in(items[k].places, gazetteer),
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
    slogans += _heading_layouts(provs, b, {h.provision.id for h in hits})
    slogans += _list_layouts(provs, b, {h.provision.id for h in hits})
    elements = tuple(b.elements[i] for i in dict.fromkeys(b.order) if i in b.elements)
    return Draft(plan_id, tuple(slogans), elements, dict(b.links))


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
                b.area = _counties_of(el.members, b.gaz)
                return


_TITLE = re.compile(r"(?:规划|方案|意见|纲要|计划)(?:[（(][^）)]{0,16}[）)])?$")
_PERIOD = re.compile(r"^“[^”]{1,8}”")  # “十五五”: a period before the place


def _title_area(title: str, provs: list[Provision], b: _Builder) -> frozenset[str]:
    """The county-level units of the place a plan's title opens with (张掖市…规划, 天水—陇南
    协同发展规划), when the text states no scope; the first line stands for a missing title."""
    if not title and provs and provs[0].kind == "paragraph" and _TITLE.search(provs[0].text):
        title = provs[0].text.strip()
    title = _PERIOD.sub("", title.strip())
    members, end = [], 0
    for m in places_in(title, b.gaz):
        if m.start != end or m.partial or m.kind in ("place", "composite"):
            break
        members.append(m)
        end = m.end + (1 if title[m.end : m.end + 1] in "—-－、与和" else 0)
    return _counties_of(
        [DraftMember(m.name, m.adcodes, "", "", False, "", "") for m in members], b.gaz
    )


def _counties_of(members: Iterable[DraftMember], gazetteer: Gazetteer) -> frozenset[str]:
    """The county-level units of ``members`` (a prefecture or the province stands for its
    counties; 嘉峪关市, without counties, for itself)."""
    out: set[str] = set()
    todo = [a for m in members for a in m.adcodes]
    while todo:
        a = todo.pop()
        below = gazetteer.children(a)
        if below:
            todo += below
        else:
            out.add(a)
    return frozenset(out)


def _heading_layouts(provs: list[Provision], b: _Builder, slogan_provs: set[str]) -> list[Slogan]:
    """Layouts without a slogan: a section headed by a layout word (三、发展布局) whose
    paragraphs open with a named region or place (陇东南地区。…), one element each."""
    out: list[Slogan] = []
    for i, head in enumerate(provs):
        if head.kind != "heading" or not any(w in head.text for w in b.vocab.layout_words):
            continue
        section = _section(provs, i)
        if head.id in slogan_provs or any(p.id in slogan_provs for p in section):
            continue  # a slogan's own section: drafted with the slogan
        run = [it for it in _run_items(section, b.vocab) if places_in(it.name, b.gaz)]
        if len(run) < 2:
            continue
        sid = f"{b.plan}_draft_h{len(out) + 1}"
        children = []
        for k, it in enumerate(run, start=1):
            kind = it.kind or "zone"
            children.append(b.add(b.element_from(it, eid=f"{sid}_{k}", kind=kind, parent=sid)))
        label = head.text.strip()
        b.elements[sid] = DraftElement(
            id=sid,
            name=label,
            plan=b.plan,
            kind="zone",
            label=label,
            members=(),
            quotes=((label, head.id),),
            parts=tuple(children),
            notes=("a layout without a slogan: one element per paragraph of its section",),
        )
        b.order.insert(b.order.index(f"{sid}_1") if f"{sid}_1" in b.order else len(b.order), sid)
        out.append(Slogan(sid, label, b.plan, (), head.id, True))
    return out


def _list_items(sentence: str, prov: Provision, b: _Builder) -> list[_Item]:
    """The named zones of one sentence that lists them each with its places: ``以A、B为主的
    X基地，以C为主的Y基地`` (the places are A、B; C) or ``以D文化为核心的兰州都市圈文化区`` (no
    place before 为: the zone's own name holds its places)."""
    items: list[_Item] = []
    for clause in _clauses(sentence):
        mc = _member_clause(clause, b.vocab)
        if mc is None:
            continue
        places, name = mc
        name = _strip_lead(name, b.vocab)
        for w in b.vocab.tail_words:  # …文化历史区建设: the name ends before 建设
            if name.endswith(w) and len(name) > len(w) + 2:
                name = name[: -len(w)]
        kind = b.vocab.kind_of_name(name)
        if not kind or "为" in name or not 3 <= len(name) <= 40:
            continue
        if not _only_places(places, b):  # 以敦煌文化为核心: a theme, not a list of places
            places = name if places_in(name, b.gaz) else ""
        if places:
            items.append(_Item(name, places, clause.strip(), prov.id, kind))
    for pattern in b.vocab.chain_patterns:  # 将A-B-C串联打造成X廊道: a route through cities
        for m in pattern.finditer(sentence):
            name = _strip_lead(m.group("name"), b.vocab)
            kind = b.vocab.kind_of_name(name)
            if kind and _only_places(m.group("places"), b):
                items.append(_Item(name, m.group("places"), m.group(0), prov.id, kind, cities=True))
    return items


def _route_items(sentence: str, prov: Provision, b: _Builder) -> list[_Item]:
    """The lines of a list of routes closed by 等 and a line noun: ``陇海铁路—连霍高速公路、
    西平铁路—青兰高速公路等发展轴线`` is one line per item, named by its routes (a route the
    gazetteer does not know gives no nodes: never guessed)."""
    if not b.vocab.route_words or not b.vocab.route_heads:
        return []
    word = "|".join(re.escape(w) for w in b.vocab.route_words)
    heads = "|".join(re.escape(w) for w in b.vocab.route_heads)
    route = rf"[\u4e00-\u9fffA-Z0-9]{{1,10}}?(?:{word})"
    piece = rf"{route}(?:[—\-－]{route})*"
    items = []
    for m in re.finditer(rf"((?:{piece}、)+{piece})等({heads})", sentence):
        head = m.group(2)
        kind = b.vocab.kind_of_name(head)
        if not kind or b.geometry(kind) != "line":
            continue
        for name in m.group(1).split("、"):
            name = _strip_lead(name, b.vocab)
            items.append(_Item(f"{name}{head}", name, m.group(0), prov.id, kind))
    return items


def _placed_items(sentence: str, prov: Provision, b: _Builder) -> list[_Item]:
    """The zones of a verb's run of clauses, each named by the place it opens with: ``形成
    河西…产业带，甘南…示范区，“两江一水”…示范区、…和…高地`` is one zone per clause (the
    clause's name, or its first name when the clause lists more), its places its opening
    place; a clause that does not open with a place ends the run."""
    items: list[_Item] = []
    run = False
    for clause in re.split(r"[，；]", sentence):
        verb = next((v for v in b.vocab.verbs if clause.startswith(v)), "")
        body = clause[len(verb) :]
        found = places_in(body.lstrip("“"), b.gaz)
        opens = bool(found) and found[0].start == 0 and found[0].kind != "place"
        if not (opens and (verb or run)):
            if items and len(items) < b.vocab.list_min:
                items = []
            if items:
                break
            run = False
            continue
        first = body.split("、")[0]  # A基地、B基地: the first name; A粮食、制种…产业带: one name
        name = first if b.vocab.kind_of_name(first) or not b.vocab.kind_of_name(body) else body
        kind = b.vocab.kind_of_name(name)
        if not kind or not 4 <= len(name) <= 40 or "的" in name:
            if items:
                break
            continue
        items.append(_Item(name, name, clause, prov.id, kind))
        run = True
    return items if len(items) >= b.vocab.list_min else []


def _unknown_routes(el: DraftElement, route: bool) -> DraftElement:
    """A line of a list of routes without nodes says why: the gazetteer does not hold its
    routes (十天铁路—凤合高速公路), and no node is guessed."""
    if not route or el.members:
        return el
    note = f"{el.name}: no route of the gazetteer (kind route) in its name: no nodes, none guessed"
    return dataclasses.replace(el, notes=(*el.notes, note))


def _only_places(text: str, b: _Builder) -> bool:
    """Whether ``text`` is nothing but place names and the words that join them
    (兰州、陇南、平凉等地; 河西地区), not a theme named after a place (敦煌文化)."""
    found = places_in(text, b.gaz)
    rest = list(text)
    for m in found:
        rest[m.start : m.end] = [""] * (m.end - m.start)
    return bool(found) and not "".join(rest).strip(b.vocab.list_fillers)


def _whole_or_part(el: DraftElement, vocab: Vocabulary) -> DraftElement:
    """A zone whose name ends with a partial word (…加工基地, …园区) is part of each unit
    listed for it: its members are partial."""
    word = next((w for w in vocab.partial_words if el.name.endswith(w)), "")
    if not word or all(m.partial for m in el.members):
        return el
    members = tuple(dataclasses.replace(m, partial=True) for m in el.members)
    note = f"a {word} is part of each unit listed for it: partial, never filled"
    return dataclasses.replace(el, members=members, notes=(*el.notes, note))


def _list_layouts(provs: list[Provision], b: _Builder, slogan_provs: set[str]) -> list[Slogan]:
    """Layouts without a slogan: one sentence listing at least ``list_min`` named zones, each
    with its places (重点建设以A、B为主的X基地，以C为主的Y基地…), or stringing cities into a
    named route (``chain_patterns``: 将A-B-C串联打造成X廊道), one element each, under the title
    of the item or paragraph that holds the sentence (7.农产品加工基地重点工程。…)."""
    out: list[Slogan] = []
    for prov in provs:
        if prov.kind == "heading":
            continue
        for s, e in _sentences(prov.text):
            routes = _route_items(prov.text[s:e], prov, b)
            run = routes + _placed_items(prov.text[s:e], prov, b)
            if prov.id not in slogan_provs:  # a slogan's text: only its lists of routes
                run = _list_items(prov.text[s:e], prov, b) + run
            run = [it for it in run if _norm(it.name) not in b.by_name]  # a slogan's parts
            if len(run) < b.vocab.list_min and not any(it.cities for it in run):
                continue
            sid = f"{b.plan}_draft_l{len(out) + 1}"
            children = [
                b.add(
                    _unknown_routes(
                        _whole_or_part(
                            b.element_from(
                                it, eid=f"{sid}_{k}", kind=it.kind or "zone", parent=sid
                            ),
                            b.vocab,
                        ),
                        it in routes,
                    )
                )
                for k, it in enumerate(run, start=1)
            ]
            line = prov.text.rfind("\n", 0, s) + 1  # the numbered item that holds it
            title = prov.text[line:s].split("。")[0] if line < s else ""
            title = _ITEM_NO.sub("", re.sub(r"^第[一二三四五六七八九十百\d]+条\s*", "", title))
            title = title.strip(" 　。")
            label = (
                title
                if 2 <= len(title) <= 24
                else "、".join(it.name for it in run)
                if len(run) > 1
                else run[0].quote  # a lone route: its sentence, not its own name again
            )
            if run == routes:  # a list of routes is named by itself (A—B、C—D等发展轴线)
                label = _strip_lead(routes[0].quote, b.vocab)
            if b.vocab.negative(label, 0, len(label)):  # 推进“一带一路”建设: not a name
                label = "、".join(it.name for it in run)
            b.elements[sid] = DraftElement(
                id=sid,
                name=label,
                plan=b.plan,
                kind=run[0].kind or "zone",
                label=label,
                members=(),
                quotes=((prov.text[s:e].strip(), prov.id),),
                parts=tuple(children),
                notes=(
                    "a layout without a slogan: one sentence lists routes, one line each"
                    if run == routes
                    else "a layout without a slogan: one sentence lists named zones, each with"
                    " its places",
                ),
            )
            first = f"{sid}_1"
            b.order.insert(b.order.index(first) if first in b.order else len(b.order), sid)
            out.append(Slogan(sid, label, b.plan, (), prov.id, True))
    return out


def _read_kinds(root: str | os.PathLike[str] | None) -> dict[str, Any]:
    path = data_root(root) / "concepts" / "kinds.toml"
    try:
        with open(path, "rb") as fh:
            return dict(tomllib.load(fh).get("kind", {}))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return {}
