"""`suanli search` folds reposts into one card; `suanli story ID` lists a story's reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from suanli.cli import cli

WIRE = (
    "8月22日，英伟达通知部分供应商暂停H20芯片的生产工作，涉及封装和测试环节的多家合作企业。\n\n"
    "知情人士称，英伟达此前已要求安靠和三星暂停与H20相关的工作，公司尚未就此事公开置评。\n\n"
    "分析人士认为，H20停产将给国内算力采购带来不确定性，寒武纪、海光信息等国产厂商有望受益。"
)
RECORDS = [
    {
        "title": "英伟达要求供应商暂停H20生产",
        "url": "https://news.example.invalid/first",
        "source": "新华社",
        "published_at": "2025-08-22T09:00:00+08:00",
        "text": WIRE,
    },
    {
        "title": "H20停产？英伟达回应",
        "url": "https://news.example.invalid/repost",
        "source": "财联社",
        "published_at": "2025-08-23T10:00:00+08:00",
        "text": WIRE + "（来源：财联社）",
    },
    {
        "title": "寒武纪发布半年报",
        "url": "https://news.example.invalid/other",
        "source": "新华社",
        "published_at": "2025-08-22T12:00:00+08:00",
        "text": "寒武纪发布2025年半年度报告，上半年实现营业收入28.81亿元，同比增长4347.82%。\n\n"
        "公司表示，云端智能芯片及加速卡业务收入增长明显，国内客户订单增加。",
    },
]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SUANLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUANLI_CONFIG", str(tmp_path / "none.toml"))
    runner = CliRunner()
    inputs = tmp_path / "news.jsonl"
    inputs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    result = runner.invoke(cli, ["add", str(inputs)])
    assert result.exit_code == 0, result.output
    return runner


def _search(runner: CliRunner, *args: str) -> dict[str, object]:
    result = runner.invoke(cli, ["search", "英伟达 H20", "--json", *args])
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.output)
    return payload


def test_search_json_shows_one_card_per_story_with_its_other_reports(runner: CliRunner) -> None:
    payload = _search(runner)
    hits = payload["hits"]
    assert isinstance(hits, list) and len(hits) == 1
    card = hits[0]
    assert card["title"] == "英伟达要求供应商暂停H20生产"
    assert card["story_id"] == "s-" + card["article_id"]
    [other] = card["other_reports"]
    assert other["title"] == "H20停产？英伟达回应" and other["source"] == "财联社"
    assert other["published_at"] == "2025-08-23T02:00:00+00:00"
    assert other["url"] == "https://news.example.invalid/repost"
    assert set(other) == {"article_id", "title", "source", "published_at", "url"}
    assert payload["total"] == 2 and payload["card_total"] == 1


def test_search_all_reports_shows_every_article(runner: CliRunner) -> None:
    hits = _search(runner, "--all-reports")["hits"]
    assert isinstance(hits, list)
    assert sorted(h["source"] for h in hits) == ["新华社", "财联社"]
    assert len({h["story_id"] for h in hits}) == 1
    assert all(h["other_reports"] == [] for h in hits)


def test_search_cards_say_how_many_more_reports_and_name_the_story(runner: CliRunner) -> None:
    card = _search(runner)["hits"][0]  # type: ignore[index]
    result = runner.invoke(cli, ["search", "英伟达 H20"])
    assert result.exit_code == 0, result.output
    assert f"  + 1 more report: 财联社 2025-08-23 (suanli story {card['story_id']})" in result.output
    assert "2 articles have every word" in result.output and "; 1 story" in result.output
    plain = runner.invoke(cli, ["search", "英伟达 H20", "--all-reports"]).output
    assert "more report" not in plain and "H20停产？英伟达回应" in plain


def test_story_lists_its_reports_earliest_first_by_story_or_article_id(runner: CliRunner) -> None:
    card = _search(runner)["hits"][0]  # type: ignore[index]
    repost = card["other_reports"][0]["article_id"]
    by_story = runner.invoke(cli, ["story", card["story_id"]])
    assert by_story.exit_code == 0, by_story.output
    lines = by_story.output.splitlines()
    assert lines[0] == "英伟达要求供应商暂停H20生产"
    assert lines[1] == f"{card['story_id']} · 2 reports"
    assert lines[2].endswith(f"新华社 · 英伟达要求供应商暂停H20生产 · {card['article_id']} · new")
    assert lines[3].endswith(f"财联社 · H20停产？英伟达回应 · {repost} · near_duplicate")
    assert runner.invoke(cli, ["story", repost[:6]]).output == by_story.output


def test_story_json_has_the_reports_with_sources_dates_and_rules(runner: CliRunner) -> None:
    card = _search(runner)["hits"][0]  # type: ignore[index]
    result = runner.invoke(cli, ["story", card["article_id"], "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["story_id"] == card["story_id"]
    assert [(r["source"], r["rule"]) for r in payload["reports"]] == [
        ("新华社", "new"),
        ("财联社", "near_duplicate"),
    ]
    assert payload["reports"][0]["published_at"] == "2025-08-22T01:00:00+00:00"
    assert payload["reports"][0]["lang"] == "zh"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("s-0000000000000000", "Error: No story with id 's-0000000000000000'"),
        ("ffffffff", "Error: No article with id 'ffffffff'"),
    ],
)
def test_story_with_an_unknown_id_fails_with_one_clear_error(
    runner: CliRunner, ref: str, message: str
) -> None:
    result = runner.invoke(cli, ["story", ref])
    assert result.exit_code == 1
    assert result.output.startswith(message) and "Traceback" not in result.output
