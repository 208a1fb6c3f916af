"""Smoke run of bench/eval_summary.py on a tiny project-written --data folder, plus its metrics.

The folder mirrors the shared layout (``finna_summ/finna_dev.jsonl``,
``cfbench_summary/cfbench_summary_dev.jsonl``) and is built in ``tmp_path``; ../shared is never read.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

FINNA = [
    {
        "id": "f1",
        "text": "寒武纪公告，2025年上半年营收达28.8亿元，同比增长4347.82%。"
        "公司表示，增长主要来自云端智能芯片。分析人士称，国产算力需求仍在上升。",
        "summary": "寒武纪：上半年营收28.8亿元 同比增长超43倍",
    },
    {
        "id": "f2",
        "text": "8月22日消息，英伟达据悉已要求供应商暂停H20芯片的生产。此前监管部门约谈了英伟达。\n"
        "市场人士认为，国产芯片厂商将因此受益。",
        "summary": "英伟达要求供应商暂停H20生产",
    },
    {"id": "f3", "text": "沪指收涨0.79%，成交额9200亿元。", "summary": "沪指涨0.79%"},
]
CFBENCH = [
    {
        "id": "c1",
        "instruction": "请撰写摘要：",
        "text": "　　事件　　公司发布2024年年报，全年实现营收129.0亿元，同比增长58.5%；归母净利润17.4亿元，"
        "同比增长166.83%。　　　　价升量增：主要产品价格中枢上移，甲醇产销同比增长8.31%。"
        "天然气销售量同比增长27.03%。　　公司未来几年仍有新产能投产，"
        "LNG接收站三期建成后转运能力将提升至300万吨。",
        "summary": "2024年营收增长58.5%, 归母净利润增长166.83%｜主要产品量价齐升｜产能继续投放, 期待长期成长",
    },
    {
        "id": "c2",
        "instruction": "请撰写摘要：",
        "text": "公司发布半年报，上半年实现营收9.17亿元，同比增长16.33%。智算中心订单快速增长，毛利率提升。"
        "公司与三家运营商签订算力服务合同，金额合计5540万元。在手订单充足，业绩有望持续上行。"
        "风险提示：算力需求不及预期，芯片供应受限，行业竞争加剧导致价格下降，项目交付进度延后。" * 2,
        "summary": "业绩增速符合预期, 盈利水平提升｜接连签订算力订单, 业绩有望上行",
    },
]


@pytest.fixture(scope="module")
def ev() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("eval_summary")
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    for folder, name, records in (
        ("finna_summ", "finna_dev.jsonl", FINNA),
        ("cfbench_summary", "cfbench_summary_dev.jsonl", CFBENCH),
    ):
        (tmp_path / "data" / folder).mkdir(parents=True)
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        (tmp_path / "data" / folder / name).write_text(lines, encoding="utf-8")
    return tmp_path / "data"


def test_eval_summary_scores_engine_and_baselines_on_both_sets(
    ev: ModuleType, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "summary.json"
    assert ev.main(["--data", str(data), "--throughput-n", "4", "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["counts"] == {"finna": 3, "cfbench": 2}
    assert list(result["finna"]) == ["suanli quick read", "Lead-1", "TextRank"]
    assert list(result["cfbench"]) == ["suanli core points", "Lead-k", "TextRank-k"]
    for row in result["finna"].values():
        assert all(0.0 <= row[f] <= 1.0 for f in ("ROUGE-1", "ROUGE-2", "ROUGE-L"))
    assert result["citations"]["citation precision"] == 1.0
    assert result["citations"]["number fidelity"] == 1.0
    assert result["throughput"]["articles"] >= 2
    printed = capsys.readouterr().out
    assert "ratio to Lead-1" in printed and "Goals" in printed


def test_eval_summary_skips_missing_datasets(
    ev: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ev.main(["--data", str(tmp_path / "absent")]) == 0
    assert capsys.readouterr().out.count("skipped:") == 2


def test_write_md_appends_summaries_section_after_existing_text(
    ev: ModuleType, data: Path, tmp_path: Path
) -> None:
    md = tmp_path / "benchmarks.md"
    md.write_text("# Benchmarks\n\nOther sections.\n", encoding="utf-8")
    ev.main(["--data", str(data), "--limit", "1", "--throughput-n", "2", "--write-md", str(md)])
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nOther sections.\n")
    assert text.index("## Summaries") > text.index("Other sections.")


def test_character_rouge_ignores_punctuation_and_uses_lcs(ev: ModuleType) -> None:
    assert ev.rouge_n("英伟达，涨了", "英伟达涨了", 1) == 1.0
    assert ev.rouge_n("abcd", "abce", 2) == pytest.approx(2 / 3)
    assert ev.rouge_l("abcd", "acbd") == pytest.approx(0.75)
    assert ev.rouge_l("", "abc") == 0.0


def test_rouge_lsum_unions_matches_of_several_bullets(ev: ModuleType) -> None:
    # Reference "abcdef": bullet 1 covers abc, bullet 2 covers def -> recall 1, precision 6/8.
    assert ev.rouge_lsum(["abcx", "defy"], ["abcdef"]) == pytest.approx(2 * 0.75 / 1.75)


def test_keypoint_recall_counts_points_half_covered_by_one_bullet(ev: ModuleType) -> None:
    assert ev.keypoint_recall(["营收增长58.5%", "无关"], ["营收大增", "产能投放"]) == 0.5


def test_article_of_splits_fullwidth_space_runs_and_marks_short_headings(ev: ModuleType) -> None:
    article = ev.article_of("a", "　　公司动态　　营收增长5%，利润增长8%。　　 订单充足。")
    assert [(b.kind, b.number) for b in article.blocks] == [("heading", None), ("body", 1), ("body", 2)]


def test_article_of_groups_sentences_of_one_long_block(ev: ModuleType) -> None:
    text = "算力需求持续增长，订单充足。" * 30
    numbers = [b.number for b in ev.article_of("a", text).paragraphs]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 1


def test_number_recheck_compares_whole_digit_strings(ev: ModuleType) -> None:
    assert ev.number_misses("营收5,000亿元", ["营收 5000 亿元"]) == (1, [])
    assert ev.number_misses("增长15%", ["增长150%"]) == (1, ["15"])
    assert ev.number_misses("（2020.6.5）", ["据说明书（2020.6.5）"]) == (2, [])
