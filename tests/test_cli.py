"""The command line through click's CliRunner: exit codes and what users read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from suanli.cli import cli

ZH = (
    "<html><head><meta charset='utf-8'><title>寒武纪市值突破5000亿元</title></head><body><article>"
    "<h1>寒武纪市值突破5000亿元</h1><p>8月22日，寒武纪股价涨停，市值超过5000亿元，国产算力板块大涨，"
    "万得GPU指数上涨9.87%。</p><p>英伟达H20停产的消息推动了国产GPU板块的上涨，市场情绪高涨。</p>"
    "<p>图：寒武纪股价走势 资料来源：Wind</p></article></body></html>"
)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SUANLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUANLI_CONFIG", str(tmp_path / "none.toml"))
    return CliRunner()


def test_add_search_show_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "a.html"
    f.write_text(ZH, encoding="utf-8")
    result = runner.invoke(cli, ["add", str(f)])
    assert result.exit_code == 0, result.output
    assert "added 1, already had 0, failed 0" in result.output

    result = runner.invoke(cli, ["search", "寒武纪 市值", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["total"] == 1
    hit = payload["hits"][0]
    assert hit["title"] == "寒武纪市值突破5000亿元"

    result = runner.invoke(cli, ["search", "寒武纪 市值"])
    assert "寒武纪市值突破5000亿元" in result.output and "[1]" in result.output

    result = runner.invoke(cli, ["show", hit["article_id"][:8]])
    assert result.exit_code == 0
    assert "[1] 8月22日" in result.output and "[2] 英伟达H20停产" in result.output
    assert "(caption) 图：寒武纪股价走势" in result.output

    shown = json.loads(runner.invoke(cli, ["show", hit["article_id"], "--json"]).output)
    assert [p["number"] for p in shown["paragraphs"]] == [1, 2]


def test_add_reports_failures_with_exit_code_1(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(ZH, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(cli, ["add", str(good), str(empty), "ftp://x/y"])
    assert result.exit_code == 1
    assert "added 1, already had 0, failed 2" in result.output
    assert f"failed: {empty}: '{empty}' is empty" in result.output
    assert "failed: ftp://x/y: Input 'ftp://x/y' uses the scheme 'ftp'" in result.output
    again = runner.invoke(cli, ["add", str(good)])
    assert "added 0, already had 1, failed 0" in again.output and again.exit_code == 0


def test_verbose_add_acknowledges_each_article(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "a.html"
    f.write_text(ZH, encoding="utf-8")
    result = runner.invoke(cli, ["add", "-v", str(f)])
    assert result.output.startswith("added ") and str(f) in result.output.splitlines()[0]


def test_bad_query_is_an_error_line_not_a_traceback(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["search", "!!!"])
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == "Error: Query '!!!' has no searchable words; use letters, digits or Chinese characters"
    )


def test_missing_article_is_an_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "abcdef12"])
    assert result.exit_code == 1 and "Error: No article with id 'abcdef12'" in result.output


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["search", "x", "--lang", "fr"]).exit_code == 2
    assert runner.invoke(cli, ["search", "x", "--since", "yesterday"]).exit_code == 2
    assert runner.invoke(cli, ["add"]).exit_code == 2


def test_bad_setting_in_environment_names_it(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUANLI_MAX_BYTES", "lots")
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 1
    assert (
        "Setting 'max_bytes' from environment variable SUANLI_MAX_BYTES has a bad value 'lots'"
        in result.output
    )


def test_demo_loads_samples_and_searches(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert "failed 0" in result.output
    assert "suanli search '寒武纪 市值'" in result.output
    stats = json.loads(runner.invoke(cli, ["stats", "--json"]).output)
    assert stats["articles"] >= 20 and stats["index_documents"] == stats["articles"]
    again = runner.invoke(cli, ["demo", "--query", "H20"])
    assert "added 0" in again.output


def test_stats_sources_reindex_settings(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "a.html"
    f.write_text(ZH, encoding="utf-8")
    runner.invoke(cli, ["add", "--source", "测试源", str(f)])
    assert "articles: 1" in runner.invoke(cli, ["stats"]).output
    assert "测试源" in runner.invoke(cli, ["sources"]).output
    assert "indexed 1 articles" in runner.invoke(cli, ["reindex"]).output
    out = runner.invoke(cli, ["settings"]).output
    assert "max_bytes = 20000000" in out and "SUANLI_ALLOWED_HOSTS" in out


def test_serve_answers_on_the_port_it_was_given(tmp_path: Path) -> None:
    """``suanli serve`` as a user starts it: a real process, a real port on 127.0.0.1."""
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "SUANLI_DATA_DIR": str(tmp_path / "data"), "SUANLI_CONFIG": str(tmp_path / "x.toml")}
    log = tmp_path / "serve.log"
    with (
        log.open("wb") as err,
        subprocess.Popen(
            [sys.executable, "-m", "suanli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        ) as proc,
    ):
        try:
            deadline = time.monotonic() + 60
            response = None
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    response = httpx.get(f"http://127.0.0.1:{port}/api/search?q=算力", timeout=5)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            assert response is not None, log.read_text(encoding="utf-8", errors="replace")
            assert response.status_code == 200
            assert response.json()["total"] == 0  # an empty workspace, searched
        finally:
            proc.terminate()
            proc.wait(timeout=20)
