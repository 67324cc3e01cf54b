"""Definitions of slogan parts in every form plan texts use (private: see :mod:`geo.draft`).

“X”是指/即/为/包括…, a name with its part in parentheses, a run of paragraphs or a 专栏 under a
heading that names the part, enumerations closed by the counted slogan, lists of named zones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from geo._draft_slogans import _Hit
from geo._draft_vocab import _HAN, _ITEM_NO, Vocabulary, _norm
from geo.corpus import Provision
from geo.gazetteer import Gazetteer
from geo.links import Mention, find_mentions

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


def places_in(text: str, gazetteer: Gazetteer, *, routes: bool = False) -> list[Mention]:
    """The places ``text`` names; a route (兰新铁路) only with ``routes``: it places the
    nodes of a line, never an area or a point."""
    return [m for m in find_mentions(text, gazetteer) if routes or m.kind != "route"]


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
    name = name.strip(' “”"')
    if name.count("”") > name.count("“"):  # “两江一水”流域: keep the opening quote
        name = "“" + name
    return name


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
        found = find_mentions(m.group(1), gazetteer) if m and noun in m.group(2) else []
        line = _joined_routes(found, m.group(1), m.group(2), clause, prov, kind) if m else None
        if line is not None:  # 以兰新铁路和连霍高速公路为发展主轴
            items.append(line)
        elif found:
            for piece in _split_names(m.group(1), gazetteer):
                if piece.strip():
                    items.append(_Item(piece.strip(), piece.strip(), clause, prov.id, kind))
    return items


def _joined_routes(
    found: list[Mention], places: str, head: str, quote: str, prov: Provision, kind: str
) -> _Item | None:
    """Routes named together before a line noun (以A和B为发展主轴, 沿A和B形成的X轴) are one
    line, its nodes those of every route; ``found``: the mentions in ``places``."""
    if found and all(f.kind == "route" for f in found):
        return _Item(f"{places}{head}", places, quote, prov.id, kind)
    return None


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[，；,;：:。]|[、和](?=以)", text) if c.strip()]


def _split_names(text: str, gazetteer: Gazetteer) -> list[str]:
    """Split a list of names at 、 and at 和/及/与 outside place names (西和, 和政 stay whole)."""
    inside = {k for m in find_mentions(text, gazetteer) for k in range(m.start, m.end)}
    out, start = [], 0
    for k, ch in enumerate(text):
        if k < start:
            continue
        if text.startswith("以及", k) and k not in inside:  # A以及B: one separator
            out.append(text[start:k])
            start = k + 2
        elif ch == "、" or (ch in "和及与" and k > start and k not in inside):
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
        waiting: list[str] = []  # names before the one that carries the shared head
        for piece in _split_names(clause, gazetteer):
            name = _strip_lead(piece, vocab)
            name = re.sub(r"等$", "", name)
            kind = vocab.kind_of_name(name)
            if "“" in piece or "为" in name:
                waiting = []
                continue
            if not kind:
                if 2 <= len(name) <= 16:
                    waiting.append(name)
                continue
            if 3 <= len(name) <= 30:
                # only a plain name shares its head (not …等组成的天水都市圈)
                head = "" if re.search(r"的|组成|构成", name) else _shared_head(name, vocab)
                for w in waiting if head else ():
                    # A、B和C生态安全屏障: the head names every piece of the list
                    items.append(_Item(w + head, w, piece.strip(), prov.id, kind))
                items.append(_Item(name, name, piece.strip(), prov.id, kind))
            waiting = []
    return items


def _shared_head(name: str, vocab: Vocabulary) -> str:
    """The head noun a list shares with its last name (…黄土高原生态安全屏障 → 生态安全屏障)."""
    return next((h for h in vocab.shared_heads if name.endswith(h) and len(name) > len(h)), "")


def _place_items(
    stretch: str, prov: Provision, kind: str, vocab: Vocabulary, gazetteer: Gazetteer
) -> list[_Item]:
    """Places listed before a part of points (多点, 多极), one item each; a list closed by a
    town word (等一批特色小城镇) names the towns of those places: partial."""
    clauses = re.split(r"[，；：,;]", stretch)
    for clause in clauses[-2:][::-1]:  # the list right before, or one clause before (…，作为)
        found = [
            m
            for m in find_mentions(clause, gazetteer)
            if m.kind in ("unit", "short", "former")
            and all(
                a in gazetteer.units and gazetteer.units[a].level in ("prefecture", "county")
                for a in m.adcodes
            )
        ]
        if len(found) >= 2 and "、" in clause:
            stretch = clause
            break
    else:
        return []
    tail = stretch[found[-1].end :]
    town = next((w for w in vocab.town_words if w in tail), "")
    end = stretch.find(town, found[-1].end) + len(town) if town else found[-1].end
    quote = stretch[found[0].start : end]
    return [_Item(m.matched, m.matched + town, quote, prov.id, kind) for m in found]


def _definition_items(text: str, prov: Provision, kind: str, gazetteer: Gazetteer) -> list[_Item]:
    """Named things after a definer (“一核”是指A、B和C在内的…): one item each.

    One name followed by what it includes, in places inside its own (“一心”指武威中心城区，
    包括凉州区城区及武南片区), takes its members from those places: the finer reading. Routes
    a line runs along (沿A和B形成的X轴) are one line, as in 以A和B为X轴.
    """
    body = re.split(
        r"(?:在内的|组成的|构成的|等?[一二两三四五六七八九十\d]+个|等(?=[^、]{0,12}$)|，|。|；)",
        text,
        maxsplit=1,
    )[0]
    along = re.match(r"沿(.+?)(?:形成|布局|打造|建设)?的([^的]{2,12})$", body.strip(" “”"))
    if along:  # 沿连霍高速公路和兰新铁路形成的城镇发展轴
        found = find_mentions(along.group(1), gazetteer)
        line = _joined_routes(found, along.group(1), along.group(2), body.strip(), prov, kind)
        if line is not None:
            return [line]
    pieces = [p for p in _split_names(body, gazetteer) if 2 <= len(p.strip(" “”")) <= 30]
    detail = re.match(r"，(?:包括|包含|涵盖|含)([^，。；]{2,60})", text[len(body) :])
    items = []
    for piece in pieces:
        name = piece.strip(" “”")
        item = _Item(name, name, piece.strip(), prov.id, kind)
        if detail and len(pieces) == 1 and _within(detail.group(1), name, gazetteer):
            item.places = detail.group(1)
            item.quote = text[: len(body) + detail.end()].strip()
        items.append(item)
    return items


def _within(inner: str, outer: str, gazetteer: Gazetteer) -> bool:
    """True if ``inner`` names places and every one lies in a unit ``outer`` names."""
    around = {a for m in places_in(outer, gazetteer) for a in m.adcodes}
    around |= {c for a in around for c in gazetteer.children(a)}
    named = [m for m in places_in(inner, gazetteer) if m.adcodes]
    return bool(named) and all(set(m.adcodes) <= around for m in named)


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
            if vocab.negative(text, qs, qe):  # “一带”与“一路”: not this slogan's part
                continue
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
                items.append(_opening_item(rest[1:], prov, kind, label, vocab, gazetteer))
            # 1c. named zones before the quoted part in its sentence: …形成“两区”联动
            elif prov.kind != "heading":
                sent = next(s for s in _sentences(text) if s[0] <= qs < s[1])
                got = _near_items(text[sent[0] : qs], prov, kind, vocab, gazetteer)
                if not got and kind in vocab.place_kinds:  # 培育民乐、临泽等城镇，作为“多点”
                    got = _place_items(text[sent[0] : qs], prov, kind, vocab, gazetteer)
                for it in got:
                    it.label = label
                    items.append(it)
    if items:
        return _dedupe(items)
    definers = "|".join(re.escape(d) for d in vocab.definers)
    roles = "|".join(re.escape(w) for w in sorted(vocab.member_words, key=len, reverse=True))
    # 3. a run of paragraphs or a box under a heading that names the part
    for lbl in sorted(labels):
        heads = [i for i, _, _ in quoted.get(lbl, ()) if provs[i].kind == "heading"]
        if not heads:  # the heading names this part alone, without quotes: 第二节 三片区
            others = [u for u, _ in first.units if u != lbl]
            heads = [
                i
                for i, p in enumerate(provs)
                if p.kind == "heading" and lbl in p.text and not any(u in p.text for u in others)
            ]
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
            listed = re.match(rf"”?[，：:]?(?:{definers})", after)
            if listed and re.match(rf"”?为(?:{roles})", after):
                listed = None  # 以A、B…五大X为重点: 为 closes the 以 frame, the list is before
            if listed:  # 五大旅游目的地，即A、B、C…: the list after the group
                stretch = re.split(r"[。；]", after[listed.end() :])[0]
                quote = text[h.start : h.end + listed.end() + len(stretch)]
                found += _named_items(stretch, quote, h.provision.id, vocab, gazetteer)
                if found:
                    break
            raw_tail = re.split(r"[，。；：]", before)[-1]
            quote = text[h.start - len(raw_tail) : h.end]
            tail = re.sub(r"等$", "", raw_tail)
            verb_cut = max(  # not at a word that joins the list (A、B和C五大X)
                (
                    tail.rfind(w) + len(w)
                    for w in vocab.lead_words
                    if w in tail and w not in vocab.joiners
                ),
                default=0,
            )
            body = tail[verb_cut:] if verb_cut < len(tail) else tail
            if "、" in body or "和" in body:
                cities = "城市" in text[h.start : h.end + 4]
                found += _named_items(
                    body, quote, h.provision.id, vocab, gazetteer, longest=20, cities=cities
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


def _near_items(
    before: str, prov: Provision, kind: str, vocab: Vocabulary, gazetteer: Gazetteer
) -> list[_Item]:
    """The names of ``kind`` in the clauses right before a quoted part (建设A区、B区，C区，
    形成“三区”联动): the clause of the quote, then each clause before it while it gives names;
    not a preamble beyond a clause without any (全面贯彻党的基本理论、基本路线…，以…为主线，
    着力构建“一轴”贯通: 基本路线 is no 轴)."""
    clauses = re.split(r"(?<=[，；,;])", before)
    start = len(clauses)
    for k in range(len(clauses) - 1, -1, -1):
        got = [
            it
            for it in _enumeration_items(clauses[k], prov, vocab, gazetteer)
            if _fits(it.kind, kind)
        ]
        if not got and k < len(clauses) - 1:
            break
        start = k
    near = "".join(clauses[start:])
    return [it for it in _enumeration_items(near, prov, vocab, gazetteer) if _fits(it.kind, kind)]


def _named_items(
    text: str,
    quote: str,
    provision: str,
    vocab: Vocabulary,
    gazetteer: Gazetteer,
    *,
    longest: int = 30,
    cities: bool = False,
) -> list[_Item]:
    """One item per name of a list (A、B和C等), each with the list's quote."""
    out = []
    for piece in _split_names(text, gazetteer):
        nm = re.sub(r"等$", "", _strip_lead(piece, vocab))
        if 2 <= len(nm) <= longest:
            out.append(_Item(nm, nm, quote, provision, vocab.kind_of_name(nm), cities=cities))
    return out


def _opening_item(
    body: str, prov: Provision, kind: str, label: str, vocab: Vocabulary, gazetteer: Gazetteer
) -> _Item:
    """The element of a paragraph that opens with its part (“一圈”。…): the members of its
    由…组成的 or 以…为主的 clause, else of its first sentence, else (when that names no
    place) of the sentences of the paragraph that do."""
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
    if not places_in(sentence, gazetteer):  # “多增长极”。依托…。重点增强平凉、庆阳…
        named = [(a, b) for a, b in _sentences(body) if places_in(body[a:b], gazetteer)]
        if named:  # the paragraph's sentences that name places (quoted verbatim, as a stretch)
            text = "".join(body[a:b] for a, b in named)
            stretch = body[named[0][0] : named[-1][1]]
            return _Item(label, text, stretch, prov.id, kind, label=label)
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
