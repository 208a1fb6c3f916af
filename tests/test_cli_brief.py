"""`suanli brief` through CliRunner: formats, --output, --as-of, bad dates and exit codes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefcorpus import CAMBRICON, H20, LATE, LATE_MARKERS, ingest
from suanli.cli import cli
from suanli.config import load_settings
from suanli.workspace import open_workspace


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli_brief")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SUANLI_DATA_DIR", str(folder / "data"))
        mp.setenv("SUANLI_CONFIG", str(folder / "none.toml"))
        with open_workspace(load_settings({})) as ws:
            ingest(folder / "inputs", ws)
    return folder


@pytest.fixture
def runner(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("SUANLI_DATA_DIR", str(data_dir / "data"))
    monkeypatch.setenv("SUANLI_CONFIG", str(data_dir / "none.toml"))
    yield CliRunner()


def test_markdown_is_the_default_and_reads_on_its_own(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["brief", "寒武纪"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("# 简报：寒武纪\n")
    for heading in ("## 主要进展", "## 事件", "## 时间线", "## 关键数字", "## 来源"):
        assert heading in out
    assert CAMBRICON["title"] in out and "另有 1 篇报道" in out
    assert re.search(r"\[[0-9a-f]{8,}§\d+\]", out)


def test_json_format_carries_every_section(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["brief", "寒武纪", "--format", "json", "--as-of", "2025-08-31"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["query"] == "寒武纪" and data["as_of"].startswith("2025-08-31T23:59:59")
    assert data["article_count"] == 4
    assert {"stories", "developments", "timeline", "numbers", "sources"} <= set(data)
    assert any(row["is_conflict"] for row in data["numbers"])


def test_as_of_leaves_later_news_out(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["brief", "寒武纪 英伟达", "--as-of", "2025-08-31"])
    assert result.exit_code == 0, result.output
    assert "截至 2025-08-31" in result.stdout and H20["title"] in result.stdout
    assert not [m for m in LATE_MARKERS if m in result.stdout]
    without = runner.invoke(cli, ["brief", "寒武纪 英伟达"])
    assert LATE["title"] in without.stdout


def test_output_writes_a_standalone_html_file_and_says_where(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "brief.html"
    result = runner.invoke(cli, ["brief", "寒武纪", "--format", "html", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert f"written to '{target}'" in result.output and "articles" in result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<h1>简报：寒武纪</h1>" in page
    assert not re.search(r"<(link|script|img)\b", page)
    assert page not in result.output


def test_since_and_until_narrow_the_period(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["brief", "寒武纪", "--since", "2025-08-26", "--until", "2025-08-26"])
    assert result.exit_code == 0, result.output
    assert "时间范围 2025-08-26 – 2025-08-26" in result.stdout
    assert "1 篇报道" in result.stdout and CAMBRICON["title"] in result.stdout


def test_a_query_matching_nothing_prints_an_empty_brief_and_succeeds(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["brief", "量子计算机"])
    assert result.exit_code == 0, result.output
    assert "没有符合条件的报道。" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--since", "2025-09-01", "--until", "2025-08-01"],
            1,
            "since '2025-09-01' is after until '2025-08-01'",
        ),
        (
            ["--since", "2025-09-01", "--as-of", "2025-08-31"],
            1,
            "since '2025-09-01' is after as-of '2025-08-31'",
        ),
        (["--as-of", "2025-13-01"], 2, "'2025-13-01' does not match the format '%Y-%m-%d'"),
        (["--until", "yesterday"], 2, "Invalid value for '--until'"),
        (["--format", "pdf"], 2, "'pdf' is not one of 'md', 'json', 'html'"),
    ],
)
def test_bad_options_fail_with_a_clear_message(
    runner: CliRunner, args: list[str], code: int, message: str
) -> None:
    result = runner.invoke(cli, ["brief", "寒武纪", *args])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    if code == 1:
        assert result.output.startswith("Error: ")


def test_an_empty_query_is_an_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["brief", "  "])
    assert result.exit_code == 1 and "Error: Query is empty" in result.output


def test_an_unwritable_output_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "brief.md"
    result = runner.invoke(cli, ["brief", "寒武纪", "--output", str(target)])
    assert result.exit_code == 1
    assert f"Error: Cannot write the briefing to '{target}'" in result.output
