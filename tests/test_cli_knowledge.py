"""Knowledge through the command line: entity, facts, timeline, kb list and search filters."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from suanli.cli import cli

ARTICLES = [
    {
        "title": "国产算力板块大涨，寒武纪市值突破5000亿元",
        "source": "测试甲",
        "published_at": "2025-08-24 10:00",
        "text": "8月22日，万得GPU指数上涨9.87%，寒武纪股价涨停，市值超过5000亿元。\n\n"
        "当地时间8月21日，有媒体报道称英伟达已要求供应商暂停H20芯片相关的生产。",
    },
    {
        "title": "寒武纪市值回落",
        "source": "测试乙",
        "published_at": "2025-08-23 09:00",
        "text": "8月22日，寒武纪市值为4800亿元，成为科创板市值最高的公司之一。\n\n"
        "分析人士认为，国产AI芯片的需求仍在增长。",
    },
    {
        "title": "Nvidia tells suppliers to halt H20 work",
        "source": "测试丙",
        "published_at": "2025-08-22T08:00:00Z",
        "text": "Nvidia has asked Amkor and Samsung to halt production work related to the H20 chip, "
        "according to a report on Thursday.\n\n"
        "The H20 was designed for China to comply with US export controls.",
    },
]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SUANLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUANLI_CONFIG", str(tmp_path / "none.toml"))
    runner = CliRunner()
    corpus = tmp_path / "k.jsonl"
    corpus.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["add", str(corpus)])
    assert "added 3" in result.output, result.output
    return runner


def test_entity_shows_codes_facts_conflicts_and_timeline(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["entity", "寒武纪"]).output
    assert "688256.SH" in out
    assert "market_cap" in out
    assert "conflict: market_cap 2025-08-22" in out
    data = json.loads(runner.invoke(cli, ["entity", "Cambricon", "--json"]).output)
    assert data["entity"]["entity_id"] == "cambricon"
    caps = [f for f in data["facts"] if f["metric"] == "market_cap"]
    assert {f["value"] for f in caps} == {5e11, 4.8e11}
    for fact in caps:
        assert fact["value_text"] in fact["span"]
    over = next(f for f in caps if f["value"] == 5e11)
    assert over["qualifiers"] == ["over"] and over["period"]["label"] == "2025-08-22"


def test_facts_filters_and_formats(runner: CliRunner) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(runner.invoke(cli, ["facts", "--entity", "寒武纪", "--format", "csv"]).output)
        )
    )
    assert rows and all(r["subject"] == "cambricon" for r in rows)
    pct = json.loads(runner.invoke(cli, ["facts", "--metric", "price_change", "--format", "json"]).output)
    assert any(f["value"] == 9.87 and f["unit"] == "%" for f in pct)
    none = json.loads(runner.invoke(cli, ["facts", "--since", "2026-01-01", "--format", "json"]).output)
    assert none == []
    assert runner.invoke(cli, ["facts", "--metric", "mood"]).exit_code == 2


def test_timeline_merges_reports_of_the_same_event(runner: CliRunner) -> None:
    events = json.loads(runner.invoke(cli, ["timeline", "H20", "--json"]).output)
    halts = [e for e in events if e["event_type"] == "production_halt"]
    assert len(halts) == 1
    assert len({ev["article_id"] for ev in halts[0]["evidence"]}) == 2
    text = runner.invoke(cli, ["timeline", "英伟达"]).output
    assert "[production_halt]" in text and "§" in text


def test_search_filters_by_entity_and_event(runner: CliRunner) -> None:
    hits = json.loads(runner.invoke(cli, ["search", "H20", "--entity", "NVDA", "--json"]).output)["hits"]
    assert len(hits) == 2
    halts = json.loads(
        runner.invoke(cli, ["search", "寒武纪", "--event", "production_halt", "--json"]).output
    )
    assert [h["title"] for h in halts["hits"]] == ["国产算力板块大涨，寒武纪市值突破5000亿元"]
    unknown = runner.invoke(cli, ["search", "H20", "--entity", "不存在的公司"])
    assert unknown.exit_code == 1 and "No entity called '不存在的公司'" in unknown.output
    assert runner.invoke(cli, ["search", "H20", "--event", "party"]).exit_code == 2


def test_user_entities_from_kb_files(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[[entity]]\nid = "acme-ai"\ntype = "company"\nname_zh = "极算科技"\nname_en = "Acme AI"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SUANLI_KB_FILES", str(mine))
    listed = runner.invoke(cli, ["kb", "list", "--type", "company"]).output
    assert "acme-ai" in listed and "极算科技" in listed
    note = tmp_path / "note.txt"
    note.write_text("极算科技发布新一代推理芯片\n\n极算科技表示，新芯片将于明年量产。", encoding="utf-8")
    runner.invoke(cli, ["add", str(note)])
    hits = json.loads(runner.invoke(cli, ["search", "芯片", "--entity", "极算科技", "--json"]).output)["hits"]
    assert len(hits) == 1


def test_entity_errors_are_clear(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["entity", "nobody-knows"])
    assert result.exit_code == 1 and "No entity called 'nobody-knows'" in result.output
