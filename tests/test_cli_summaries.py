"""Summaries through the command line: on ingest, show, search cards, summarize, the llm engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from llmserver import ChatReply, LLMServer, chat_json
from suanli.cli import cli

PARAS = [
    "8月22日，国产算力板块迎来大幅上涨，万得GPU指数上涨9.87%，寒武纪股价涨停，市值超过5000亿元。",
    "海光信息股价上涨20%，市值超过4000亿元，国产GPU相关公司的合计市值突破万亿大关。",
    "大涨背后主要受到英伟达H20停产消息的催化。当地时间8月21日，有媒体报道称英伟达已要求供应商暂停H20相关生产。",
    "H20是英伟达专为遵守美国出口管制而设计、面向中国市场的AI加速芯片，此前曾因许可证要求暂停销售。",
    "此外，深度求索披露DeepSeek-V3.1使用了UE8M0 FP8 Scale的参数精度，该格式针对下一代国产芯片设计。",
    "分析人士认为，国产AI芯片的生态正在加速完善，但短期涨幅较大，部分个股估值已处于历史高位。",
]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SUANLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUANLI_CONFIG", str(tmp_path / "none.toml"))
    return CliRunner()


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    record = {
        "title": "H20停产，国产GPU板块突破万亿大关",
        "source": "测试",
        "published_at": "2025-08-24",
        "text": "\n\n".join(PARAS),
    }
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _added_id(runner: CliRunner, path: Path) -> str:
    result = runner.invoke(cli, ["add", "-v", str(path)])
    assert result.exit_code == 0, result.output
    return result.output.split()[1]


def test_summary_is_written_on_ingest_and_shown(runner: CliRunner, article_file: Path) -> None:
    article_id = _added_id(runner, article_file)
    shown = runner.invoke(cli, ["show", article_id])
    assert "机器生成摘要 · extractive" in shown.output
    assert "快速阅读" in shown.output and "文章核心观点" in shown.output and "关键词：" in shown.output
    data = json.loads(runner.invoke(cli, ["show", article_id, "--json"]).output)
    summary = data["summary"]
    assert 2 <= len(summary["core_points"]) <= 3
    bullets = summary["core_points"] + [b for s in summary["sections"] for b in s["bullets"]]
    assert bullets and all(b["citations"] and b["verdict"]["is_supported"] for b in bullets)
    assert all(1 <= n <= len(PARAS) for b in bullets for n in b["citations"])


def test_search_cards_carry_core_points(runner: CliRunner, article_file: Path) -> None:
    _added_id(runner, article_file)
    out = runner.invoke(cli, ["search", "寒武纪 市值"]).output
    assert "文章核心观点" in out
    hit = json.loads(runner.invoke(cli, ["search", "寒武纪 市值", "--json"]).output)["hits"][0]
    assert hit["summary"]["engine"] == "extractive"


def test_summarize_needs_ids_or_all_and_skips_existing(runner: CliRunner, article_file: Path) -> None:
    article_id = _added_id(runner, article_file)
    assert runner.invoke(cli, ["summarize"]).exit_code == 2
    assert "already had 1" in runner.invoke(cli, ["summarize", "--all"]).output
    assert "summarized 1" in runner.invoke(cli, ["summarize", article_id[:8], "--force"]).output
    missing = runner.invoke(cli, ["summarize", "ffffffff"])
    assert missing.exit_code == 1 and "No article with id 'ffffffff'" in missing.output


def test_no_summary_when_turned_off(
    runner: CliRunner, article_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUANLI_SUMMARIZE_ON_INGEST", "false")
    article_id = _added_id(runner, article_file)
    assert json.loads(runner.invoke(cli, ["show", article_id, "--json"]).output)["summary"] is None
    assert "summarized 1" in runner.invoke(cli, ["summarize", "--all"]).output


LLM_REPLY = {
    "quick_read": {"text": "8月22日国产算力板块大涨，寒武纪市值超过5000亿元。", "citations": [1]},
    "core_points": [
        {"text": "万得GPU指数上涨9.87%，寒武纪股价涨停", "citations": [1]},
        {"text": "英伟达H20停产消息是上涨的催化剂", "citations": [3]},
    ],
    "sections": [
        {
            "heading": "行情",
            "bullets": [
                {"text": "海光信息市值超过4000亿元", "citations": [2]},
                {"text": "寒武纪市值超过9000亿元", "citations": [1]},
            ],
        },
        {
            "heading": "催化",
            "bullets": [
                {"text": "DeepSeek-V3.1使用UE8M0 FP8 Scale的参数精度", "citations": [5]},
                {"text": "部分个股估值处于历史高位", "citations": [99]},
            ],
        },
    ],
    "keywords": ["寒武纪", "英伟达", "H20", "UE8M0"],
}


def test_llm_engine_summary_is_checked_and_marked(
    runner: CliRunner, article_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUANLI_SUMMARIZE_ON_INGEST", "false")
    article_id = _added_id(runner, article_file)
    with LLMServer() as server:
        server.queue(chat_json(LLM_REPLY))
        monkeypatch.setenv("SUANLI_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("SUANLI_LLM_MODEL", "test-model")
        result = runner.invoke(cli, ["summarize", article_id, "--engine", "llm"])
    assert "summarized 1" in result.output, result.output
    shown = runner.invoke(cli, ["show", article_id]).output
    assert "寒武纪市值超过9000亿元[1] (未通过核查 / not supported)" in shown
    assert "部分个股估值处于历史高位[99] (未通过核查 / not supported)" in shown
    assert "海光信息市值超过4000亿元[2]\n" in shown
    monkeypatch.setenv("SUANLI_SUMMARY_POLICY", "drop")
    dropped = runner.invoke(cli, ["show", article_id]).output
    assert "9000亿元" not in dropped and "海光信息市值超过4000亿元[2]" in dropped


def test_llm_failure_falls_back_to_extractive_and_says_so(
    runner: CliRunner, article_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUANLI_SUMMARIZE_ON_INGEST", "false")
    monkeypatch.setenv("SUANLI_LLM_MAX_RETRIES", "0")
    article_id = _added_id(runner, article_file)
    with LLMServer(default=ChatReply(status=500, body="boom")) as server:
        monkeypatch.setenv("SUANLI_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("SUANLI_LLM_MODEL", "test-model")
        result = runner.invoke(cli, ["summarize", article_id, "--engine", "llm"])
    assert result.exit_code == 0
    assert "warning:" in result.output and "summarized 1" in result.output
    data = json.loads(runner.invoke(cli, ["show", article_id, "--json"]).output)
    assert data["summary"]["engine"] == "extractive" and data["summary"]["fallback_reason"]


def test_llm_engine_without_endpoint_is_a_clear_error(runner: CliRunner, article_file: Path) -> None:
    article_id = _added_id(runner, article_file)
    result = runner.invoke(cli, ["summarize", article_id, "--engine", "llm", "--force"])
    assert result.exit_code == 1
    assert "llm_base_url" in result.output


def test_settings_never_print_the_api_key(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUANLI_LLM_API_KEY", "sk-secret-value")
    out = runner.invoke(cli, ["settings"]).output
    assert "sk-secret-value" not in out and "llm_api_key = '***'" in out
