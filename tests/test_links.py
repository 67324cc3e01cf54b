"""Tests of geo.links: the labelled sample, false friends, short forms, spans, both indexes.

The sample ``tests/data/links_sample.jsonl`` was labelled by reading each paragraph (not by
running the matcher); its labelling rules are in the docstring of :mod:`geo.links`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from geo.links import (
    build_links,
    evaluate_links,
    find_concepts,
    find_mentions,
    links_records,
    place_provisions,
    read_sample,
    units_of,
)

SAMPLE = Path(__file__).parent / "data" / "links_sample.jsonl"


@pytest.fixture(scope="module")
def gaz(gazetteer):
    return gazetteer


@pytest.fixture(scope="module")
def sample():
    return read_sample(SAMPLE)


@pytest.fixture(scope="module")
def links(corpus, gaz):
    return build_links(corpus, gaz)


# --- the labelled sample ------------------------------------------------------------------------


def test_sample_is_large_and_matches_the_corpus(sample, corpus, gaz):
    assert len(sample) >= 150
    assert len({r["provision"] for r in sample}) == len(sample)
    documents = set()
    for row in sample:
        prov = corpus.get(row["provision"])
        assert prov.text == row["text"], row["provision"]
        assert hashlib.sha1(prov.text.encode()).hexdigest()[:16] == row["sha1"]
        assert all(a in gaz.units for a in row["units"])
        documents.add(prov.document)
    assert len(documents) == 5  # all five texts
    assert {r["set"] for r in sample} == {"random", "hard", "heldout"}


@pytest.mark.parametrize("part", [None, "heldout"])
def test_precision_and_recall_reach_the_goal(sample, gaz, part):
    rows = [r for r in sample if part in (None, r["set"])]
    scores = evaluate_links(rows, lambda text: units_of(text, gaz))
    detail = f"{scores.summary()}; missed {scores.missed[:5]}, extra {scores.extra[:5]}"
    assert scores.precision >= 0.95, detail
    assert scores.recall >= 0.90, detail


def test_rules_beat_the_naive_matcher(sample, gaz):
    ruled = evaluate_links(sample, lambda t: units_of(t, gaz))
    naive = evaluate_links(sample, lambda t: units_of(t, gaz, rules=False))
    assert ruled.precision > naive.precision
    assert naive.precision < 0.95  # the false friends are really in the sample


def test_evaluate_counts():
    rows = [{"provision": "a", "text": "x", "units": ["1", "2"]}]
    scores = evaluate_links(rows, lambda t: {"2", "3"})
    assert (scores.gold, scores.found, scores.correct) == (2, 2, 1)
    assert scores.precision == scores.recall == 0.5
    assert scores.missed == (("a", "1"),) and scores.extra == (("a", "3"),)


# --- false friends and short forms --------------------------------------------------------------

FALSE_FRIENDS = [
    ("加强区域交流合作，发展农民合作社", "623001", "合作 = cooperation"),
    ("加强文化遗产数字化工作交流与合作，广泛开展研究", "623001", "与合作，"),
    ("建设一批健康县城和特色小镇", "621224", "健康县城 holds 康县"),
    ("在环县、会宁县实行耕地轮作休耕制度试点", "621026", "会宁县 holds 宁县"),
    ("保持社会大局安定，人民安居乐业", "621102", "安定 = stable"),
    ("强化绿色金融和政策支持，严格督查考核", "622925", "和政策"),
    ("各级党委和政府要切实承担主体责任", "622925", "和政府"),
    ("一马平川的河谷地带", "620403", "平川 = plain"),
    ("提升两化融合水平", "621024", "融合水平 holds 合水"),
    ("生态空间山清水秀", "620521", "山清水秀 holds 清水"),
    ("加强洮河、大夏河等流域综合治理", "623027", "大夏河 is a river"),
    ("加强对东乡、保安、裕固等少数民族文化的保护", "622926", "peoples"),
    ("挖掘东乡族民俗文化", "622926", "东乡族 is a people"),
    ("以庄浪河、大通河等黄河上游支流为重点", "620825", "庄浪河 is a river"),
    ("加强嘉峪关关城、玉门关遗址等长城点段建设", "620981", "玉门关 is in 敦煌市"),
    ("S18 张掖肃南公路张掖至康乐段", "622922", "康乐 of 肃南县"),
    ("建设循环县域经济", "621022", "循环县域 holds 环县"),
    ("推动人民乐业、人民勤劳致富", "620722", "人民乐 holds 民乐"),
    ("推动平庆城市组团发展", "621021", "平庆 + 城市, not 庆城"),
    ("兰州经济圈地处我省中部", "620100", "a region is not a mention of its units"),
    ("河西五市旅游联盟", "620700", "a region is not a mention of its units"),
]


@pytest.mark.parametrize(("text", "adcode", "why"), FALSE_FRIENDS)
def test_false_friend_not_linked(gaz, text, adcode, why):
    assert adcode not in units_of(text, gaz), why


SHORT_FORMS = [
    ("以甘州、临泽城区为核心", {"620702", "620723"}),
    ("支持临夏州加快发展", {"622900"}),
    ("突出甘南州游牧文化", {"623000"}),
    ("以兰州为中心", {"620100"}),
    ("支持白银资源型城市转型", {"620400"}),
    ("打造华亭县安口镇等特色小城镇", {"620881"}),
    ("推进酒嘉一体化", {"620900", "620200"}),
    ("金武城市经济圈", {"620300", "620600"}),
    ("推进形成平庆城市组团", {"620800", "621000"}),
    ("兰白科技创新改革试验区", {"620100", "620400"}),
    ("着力构建天（水）成（县）徽（县）1小时经济圈", {"620500", "621221", "621227"}),
    ("推动兰（州）白（银）都市圈建设", {"620100", "620400"}),
    ("建设由天水主城区为主的都市圈", {"620502", "620503"}),
    ("优化主城四区功能布局", {"620102", "620103", "620104", "620105"}),
    ("增强武都、合作等城市增长极功能", {"621202", "623001"}),
    ("加快兰州至合作铁路建设", {"620100", "623001"}),
    ("加快推进安定、陇西、渭源、临洮四县区发展", {"621102", "621122", "621123", "621124"}),
    ("积极争取国家支持白银平川建设光伏基地", {"620400", "620403"}),
    ("依托平庆—天平—天陇运输通道", {"620800", "621000", "620500", "621200"}),
    ("依托敦煌莫高窟", {"620982"}),
    ("建设兰州新区和榆中生态创新城", {"620121", "620122", "620123"}),
    ("宁县长庆桥工业集中区", {"621026"}),
    ("争取马鬃山口岸复通", {"620923"}),
    ("融入兰西城市群", {"620100", "630100"}),
]


@pytest.mark.parametrize(("text", "adcodes"), SHORT_FORMS)
def test_short_form_linked(gaz, text, adcodes):
    assert units_of(text, gaz) == adcodes


def test_places_are_partial(gaz, corpus):
    links = build_links(corpus, gaz)
    pl = links.by_provision["xb13-0-p1"]  # 兰州新区管委会
    assert pl.units == ("620121", "620122") and pl.partial == ("620121", "620122")
    box = links.by_provision["xb13-2-box1"]  # names 肃州区 in full and 莫高窟 (partial)
    assert "620982" in box.units and "620902" in box.units
    assert "620902" not in box.partial


# --- spans and indexes --------------------------------------------------------------------------


def test_spans_point_into_the_text(links, corpus):
    n = 0
    for prov in corpus.provisions:
        last = -1
        for m in links.by_provision[prov.id].mentions:
            assert prov.text[m.start : m.end] == m.matched
            if not m.concept:
                assert m.start >= last  # place mentions never overlap
                last = m.end
            n += 1
    assert n > 2000


def test_spelled_out_span_covers_the_parentheses(gaz):
    (m,) = [m for m in find_mentions("天（水）成（县）", gaz) if m.name == "天水"]
    assert (m.start, m.end, m.matched) == (0, 4, "天（水）")


def test_regions_are_found_but_not_counted(gaz):
    found = find_mentions("河西五市和陇东南地区", gaz)
    assert [m.kind for m in found] == ["region", "region"]
    assert not any(m.counted for m in found)
    assert find_mentions("河西五市", gaz, regions=False) == []


def test_routes_and_natural_regions_are_found_but_not_counted(gaz):
    # a railway, a road, a basin and a range run through many units: never a mention of each
    found = find_mentions("依托兰新铁路和连霍高速公路，治理黑河流域，保护祁连山", gaz)
    assert [m.kind for m in found] == ["route", "route", "region", "region"]
    assert not any(m.counted for m in found)
    assert find_mentions("兰新铁路沿线", gaz, regions=False) == []


def test_by_unit_is_ranked(links):
    assert set(links.by_unit) >= {"620702", "620100", "623001"}
    for adcode, ids in links.by_unit.items():
        counts = [
            sum(1 for m in links.by_provision[pid].mentions if m.counted and adcode in m.adcodes)
            for pid in ids
        ]
        assert counts == sorted(counts, reverse=True), adcode
        assert all(adcode in links.by_provision[pid].units for pid in ids)
    # every provision that lists a unit is in that unit's list
    for pid, pl in links.by_provision.items():
        for adcode in pl.units:
            assert pid in links.by_unit[adcode]


def test_links_are_deterministic(corpus, gaz, links):
    again = build_links(corpus, gaz)
    assert links_records(again, mentions=True) == links_records(links, mentions=True)
    records = links_records(links)
    assert [r["provision"] for r in records] == [p.id for p in corpus.provisions]
    assert set(records[0]) == {"provision", "units", "concepts"}


def test_place_provisions_groups_by_document(links, corpus):
    groups = place_provisions(links, corpus, ["620702"])
    assert [g["document"][:3] for g in groups] == ["000", "003"]
    ids = [r["provision"] for g in groups for r in g["provisions"]]
    assert set(ids) == set(links.by_unit["620702"])
    assert all("【" in r["snippet"] for g in groups for r in g["provisions"])


# --- concepts -----------------------------------------------------------------------------------


def test_concept_matcher_on_a_hand_made_list():
    pairs = [
        ("lz_yihe", ("一核", "经济圈主区域")),
        ("lz_sidai", ("四带",)),
        ("hx_yidai", ("一带",)),
        ("hx_siquan_jiujia", ("酒嘉双城经济圈", "酒嘉")),
    ]
    text = "“一核”引领、“四带”联动，融入“一带一路”，建设酒嘉双城经济圈"
    got = [(m.matched, m.concept) for m in find_concepts(text, pairs, stops=["一带一路"])]
    assert got == [
        ("一核", "lz_yihe"),
        ("四带", "lz_sidai"),
        ("酒嘉双城经济圈", "hx_siquan_jiujia"),
    ]
    only_lz = find_concepts(text, pairs, plan="lz", stops=["一带一路"])
    assert {m.concept for m in only_lz} == {"lz_yihe", "lz_sidai"}


def test_concepts_from_the_catalog(corpus, catalog, inputs):
    links = inputs.links  # build_links(corpus, gazetteer, concepts=concept_names(catalog))
    known = {e.id for e in catalog.elements}
    assert links.by_concept and set(links.by_concept) <= known
    for cid, ids in links.by_concept.items():
        plan = cid.split("_", 1)[0]
        for pid in ids:  # a concept is only looked for in its own plan
            assert corpus.get(pid).plan == plan
            assert cid in links.by_provision[pid].concepts
    assert "lz_yihe_xinqu" in links.by_concept  # 兰州新区 in the lz plan


# --- command line -------------------------------------------------------------------------------


def test_cli_links_json(capsys, corpus):
    from geo.cli import main

    assert main(["links", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["provision"] for r in records] == [p.id for p in corpus.provisions]
    first = records[0]
    assert first["units"] == ["620121", "620122"] and isinstance(first["concepts"], list)


def test_cli_place(capsys, corpus, links):
    from geo.cli import main

    assert main(["place", "甘州"]) == 0
    out = capsys.readouterr().out
    # every provision that names 甘州区 or a place inside it (盘道山 …), counted from the links
    expected = [
        p.id
        for p in corpus.provisions
        if p.id in links.by_provision and "620702" in links.by_provision[p.id].units
    ]
    assert len(expected) >= 7
    assert out.startswith(f"甘州 (甘州区 620702): {len(expected)} provisions")
    assert all(f"  {pid}\t" in out for pid in expected)
    assert "000_f2653a2e3b84c563.txt" in out and "hx-3.2-p2" in out
    assert main(["place", "甘州x"]) == 2
    assert "did you mean 甘州" in capsys.readouterr().err
