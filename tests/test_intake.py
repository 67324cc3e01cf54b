"""Tests of geo.intake (plan intake) and the plans.toml checks of geo.corpus it relies on."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path

import pytest

from geo.corpus import check_metadata, citation, read_corpus, unregistered_texts
from geo.errors import AtlasError, DataError, PlanTextError
from geo.intake import add_plan, inspect_plan

HERE = Path(__file__).parent
LAYERS = HERE.parent / "layers"
SAMPLE = HERE / "data" / "intake" / "linxia_county.txt"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A data root with the five seed texts and their plans.toml."""
    shutil.copytree(LAYERS / "plans", tmp_path / "plans")
    return tmp_path


def test_seed_provision_ids_are_unchanged() -> None:
    want = (HERE / "data" / "seed_provision_ids.txt").read_text(encoding="utf-8")
    got = "".join(
        f"{p.id}\t{hashlib.sha1(p.text.encode()).hexdigest()[:12]}\n"
        for p in read_corpus(root=LAYERS).provisions
    )
    assert got == want


def test_inspect_finds_notice_number_date_signature_contents_and_furniture() -> None:
    report = inspect_plan(SAMPLE, id="lxx15")
    assert report.title == "临夏县“十五五”发展规划"
    assert report.number == "临州办发〔2026〕12号"
    assert report.date == "2026-03-02"
    assert report.issuer == "临夏州人民政府办公室"
    assert report.notice == (3, 8)  # lines 3–8; the title is line 9
    reasons = {s.line: s.reason for s in report.skips}
    assert reasons[1] == "letterhead"
    assert reasons[2] == "document number"
    assert reasons[6] == "signature"
    assert [n for n, r in reasons.items() if r == "contents (目录)"] == [10, 11, 12]
    assert [n for n, r in reasons.items() if r == "page number"] == [16, 25, 32]
    assert [n for n, r in reasons.items() if r == "running head"] == [18, 26, 31]
    assert 9 not in reasons  # the title line itself is kept (first copy of the running head)
    text = report.text()
    assert "document number" in text and "(dry run)" in text


def test_add_plan_writes_entry_and_text_and_parses(root: Path) -> None:
    before = read_corpus(root=root)
    report = add_plan(SAMPLE, root=root, id="lxx15")
    assert report.written
    assert (root / "plans" / "lxx15.txt").read_bytes() == SAMPLE.read_bytes()
    corpus = read_corpus(root=root)
    ids = [p.id for p in corpus.provisions if p.plan == "lxx15"]
    # headings of every style, the contents block gone, a sentence joined across a page number
    assert "lxx15-2.1-h1" in ids and "lxx15-2-box1" in ids
    assert sum(p.kind == "heading" for p in corpus.provisions if p.plan == "lxx15") == 5
    joined = corpus.get("lxx15-1.1-p1")
    assert joined.text == "“十四五”以来，全县经济持续向好，城乡面貌明显改善。"
    kinds = [corpus.get(i).kind for i in ("lxx15-3-item1", "lxx15-3-item2", "lxx15-3-item3")]
    assert kinds == ["item", "item", "item"]  # ●, -- and （1）
    # the seeds are untouched
    assert [p.id for p in before.provisions] == [
        p.id for p in corpus.provisions if not p.plan.startswith("lxx15")
    ]
    assert citation(corpus, "lxx15") == "《临夏县“十五五”发展规划》（临州办发〔2026〕12号）"
    doc = next(d for d in corpus.documents if d.id == "lxx15")
    assert doc.number == "临州办发〔2026〕12号"
    assert unregistered_texts(root=root) == []


def test_add_plan_refuses_an_id_in_use_and_writes_nothing(root: Path) -> None:
    meta = (root / "plans" / "plans.toml").read_bytes()
    with pytest.raises(DataError, match="plan id 'lz' is already used; choose another with --id"):
        add_plan(SAMPLE, root=root, id="lz")
    assert (root / "plans" / "plans.toml").read_bytes() == meta
    assert not (root / "plans" / "lz.txt").exists()


def test_add_plan_refuses_non_ascii_id_and_unparsable_text(root: Path, tmp_path: Path) -> None:
    with pytest.raises(PlanTextError, match="not ASCII"):
        add_plan(SAMPLE, root=root, id="临夏")
    blank = tmp_path / "x.txt"
    blank.write_text("目 录\n第一章 总则\n", encoding="utf-8")
    with pytest.raises(PlanTextError):
        add_plan(blank, root=root, id="x")


def test_a_text_without_entry_is_reported(root: Path) -> None:
    (root / "plans" / "dropped.txt").write_text("一、总则\n这是一段。\n", encoding="utf-8")
    assert [p.name for p in unregistered_texts(root=root)] == ["dropped.txt"]


@pytest.mark.parametrize(
    ("documents", "plans", "message"),
    [
        ([{"id": "a"}], [], "entry a has no `file`; add file ="),
        ([{"file": "a.txt"}], [], "entry a.txt has no `id`; add id ="),
        ([{"id": "a", "file": "a.txt"}], [{"document": "a"}], "has no `id`"),
        ([{"id": "a", "file": "a.txt"}], [{"id": "x"}], "has no `document`"),
        (
            [{"id": "a", "file": "a.txt"}],
            [{"id": "x", "document": "a"}, {"id": "x", "document": "a"}],
            "plan id 'x' is given twice; give each [[plans]] entry its own id",
        ),
        ([{"id": "a", "file": "a.txt"}], [{"id": "兰州", "document": "a"}], "is not ASCII"),
        (
            [{"id": "a", "file": "a.txt"}, {"id": "a", "file": "b.txt"}],
            [],
            "document id 'a' is given twice",
        ),
        ([{"id": "a", "file": "a.txt"}], [{"id": "x", "document": "b"}], "no [[documents]] entry"),
    ],
)
def test_bad_plans_toml_gets_one_line(documents, plans, message) -> None:
    with pytest.raises(DataError) as info:
        check_metadata(documents, plans, where="plans.toml")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_plan_id_twice_in_the_corpus_is_not_blamed_on_headings(root: Path) -> None:
    path = root / "plans" / "plans.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('id = "xbxgj"', 'id = "xb13"'), encoding="utf-8")
    with pytest.raises(AtlasError) as info:
        read_corpus(root=root)
    msg = str(info.value)
    assert "plan id 'xb13' is given twice" in msg and "headings" not in msg


def test_missing_file_key_is_one_line_not_a_traceback(root: Path) -> None:
    path = root / "plans" / "plans.toml"
    meta = tomllib.loads(path.read_text(encoding="utf-8"))
    assert meta["documents"][0]["file"]
    text = path.read_text(encoding="utf-8").replace('file = "000_f2653a2e3b84c563.txt"\n', "", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="entry 000 has no `file`"):
        read_corpus(root=root)


ARTICLES = """甘肃省发展和改革委员会
甘肃省自然资源厅
关于印发《示例县国土空间总体规划》的通知
各有关单位：
现将《示例县国土空间总体规划》印发给你们，请认真贯彻执行。
甘 肃 省 发 展 和 改 革 委 员 会
甘肃省自然资源厅
2026 年 4 月 8 日
示例县国土空间总体规划
第一章 总则
第一条 为统筹全县国土空间开发保护，依据上位规划，制定本规划。
第二条　本规划范围包括临夏县全域。
第二章 空间格局
第三条
构建“一核两翼”的县域空间格局。
甘肃省自然资源厅办公室 2026年4月9日印发
"""


def test_articles_are_headings_and_joint_signatures_and_print_lines_are_skipped() -> None:
    report = inspect_plan(ARTICLES, id="sxgk", title="示例县国土空间总体规划")
    reasons = {s.line: s.reason for s in report.skips}
    assert reasons[6] == reasons[7] == "signature"  # a joint document: two issuers
    assert reasons[8] == "date line"  # a date written with spaces
    assert reasons[16] == "issuer and date"  # the print line: issuer and date on one line
    assert report.date == "2026-04-08"
    assert report.issuer == "甘肃省发展和改革委员会"
    assert report.notice == (3, 8)
    # 第一章, 第二章 and the bare 第三条 are headings; 第一条/第二条 head their own text
    assert report.headings == 3
    kept = "\n".join(
        "" if i + 1 in reasons or i < 8 else raw for i, raw in enumerate(ARTICLES.split("\n"))
    )
    from geo.corpus import parse_text

    corpus = parse_text(kept, plan="sxgk", title="示例县国土空间总体规划")
    by_head = {p.heading[-1]: p for p in corpus.provisions if p.kind == "paragraph"}
    assert by_head["第二条"].text.startswith("第二条")
    assert by_head["第一条"].heading == ("第一章 总则", "第一条")
    assert by_head["第三条"].text == "构建“一核两翼”的县域空间格局。"
    assert "issuer and date" in report.text()
