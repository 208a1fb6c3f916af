"""'suanli watch' through click's CliRunner: add, list, remove and run, as text and as JSON."""

from __future__ import annotations

import json
from itertools import count
from pathlib import Path

import pytest
from click.testing import CliRunner

from storytexts import EARNINGS, REPOST, WIRE
from suanli.cli import cli

_files = count()


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SUANLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUANLI_CONFIG", str(tmp_path / "none.toml"))
    return CliRunner()


def add(runner: CliRunner, tmp_path: Path, *records: tuple[str, str, str, list[str]]) -> None:
    """Ingest (title, source, published_at, paragraphs) records with 'suanli add', as 'update' would."""
    path = tmp_path / f"batch{next(_files)}.jsonl"
    lines = [
        json.dumps({"title": t, "source": s, "published_at": d, "text": "\n\n".join(p)}, ensure_ascii=False)
        for t, s, d, p in records
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["add", str(path)])
    assert result.exit_code == 0, result.output
    assert f"added {len(records)}," in result.output


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, ["watch", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_add_list_remove(runner: CliRunner) -> None:
    assert invoke(runner, "add", "H20 停产") == 'Watching #1 query "H20 停产"\n'
    assert invoke(runner, "add", "H20  停产") == 'Already watching #1 query "H20 停产"\n'
    assert invoke(runner, "add", "英伟达", "--entity") == "Watching #2 entity 英伟达 (nvidia)\n"
    listed = invoke(runner, "list")
    assert "H20 停产" in listed and "英伟达 (nvidia)" in listed and "never" in listed
    rows = json.loads(invoke(runner, "list", "--json"))
    assert [(r["watch_id"], r["kind"], r["value"]) for r in rows] == [
        (1, "query", "H20 停产"),
        (2, "entity", "nvidia"),
    ]
    assert rows[0]["last_run_at"] is None and rows[0]["created_at"].endswith("+00:00")
    assert invoke(runner, "remove", "1") == "Removed watch #1\n"
    assert [r["watch_id"] for r in json.loads(invoke(runner, "list", "--json"))] == [2]


def test_run_lists_new_stories_then_nothing(runner: CliRunner, tmp_path: Path) -> None:
    invoke(runner, "add", "H20 停产")
    invoke(runner, "add", "寒武纪", "--entity")
    add(
        runner,
        tmp_path,
        ("英伟达要求供应商暂停H20生产", "财联社", "2025-08-22 09:00", WIRE),
        ("H20停产？英伟达回应", "新浪", "2025-08-22 15:00", REPOST),
        ("寒武纪半年报", "证券时报", "2025-08-28 18:00", EARNINGS),
    )
    out = invoke(runner, "run", "--peek")
    lines = out.splitlines()
    assert lines[0] == '#1 query "H20 停产" — 1 new story'
    assert lines[1].split(" · ")[1:3] == ["财联社", "英伟达要求供应商暂停H20生产 (+1 report)"]
    assert lines[1].lstrip().startswith("new    2025-08-22") and lines[1].split(" · ")[-1].startswith("s-")
    assert lines[2] == "#2 entity 寒武纪 (cambricon) — 2 new stories"
    assert "寒武纪半年报" in lines[3] and "英伟达要求供应商暂停H20生产" in lines[4]

    assert invoke(runner, "run", "--id", "1") == out.split("#2")[0]  # --peek left it unmarked
    assert invoke(runner, "run", "--id", "1") == '#1 query "H20 停产" — nothing new\n'

    add(
        runner,
        tmp_path,
        ("英伟达暂停H20生产，国产芯片受关注", "界面", "2025-08-23 08:00", [*WIRE, "另据报道。"]),
    )
    out = invoke(runner, "run")
    assert '#1 query "H20 停产" — 1 older story with new reports' in out
    assert "update 2025-08-23 · 界面 · 英伟达暂停H20生产，国产芯片受关注 (3 reports in all) · s-" in out
    # watch #2 has not been marked yet: everything since it was added is still new to it
    assert "#2 entity 寒武纪 (cambricon) — 2 new stories" in out
    assert "· 财联社 · 英伟达要求供应商暂停H20生产 (+2 reports) · s-" in out


def test_run_json_is_one_document(runner: CliRunner, tmp_path: Path) -> None:
    invoke(runner, "add", "H20 停产")
    add(runner, tmp_path, ("英伟达要求供应商暂停H20生产", "财联社", "2025-08-22 09:00", WIRE))
    [report] = json.loads(invoke(runner, "run", "--json"))
    assert (report["watch_id"], report["kind"], report["value"], report["last_run_at"]) == (
        1,
        "query",
        "H20 停产",
        None,
    )
    assert report["since"] == report["created_at"] and report["until"] > report["since"]
    [story] = report["stories"]
    assert story["is_new_story"] is True and (story["new_reports"], story["total_reports"]) == (1, 1)
    lead = story["lead"]
    assert (lead["title"], lead["source"], lead["published_at"][:10]) == (
        "英伟达要求供应商暂停H20生产",
        "财联社",
        "2025-08-22",
    )
    assert story["story_id"] == f"s-{lead['article_id']}" and story["article_ids"] == [lead["article_id"]]

    [again] = json.loads(invoke(runner, "run", "--json"))
    assert again["stories"] == [] and again["last_run_at"] == report["until"]


def test_run_without_watches_says_how_to_add_one(runner: CliRunner) -> None:
    assert "add one with 'suanli watch add QUERY'" in invoke(runner, "run")
    assert json.loads(invoke(runner, "run", "--json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["add", "不存在的公司", "--entity"],
            "Error: No entity called '不存在的公司'; list known ones with 'suanli kb list'",
        ),
        (
            ["add", "？！"],
            "Error: Query '？！' has no searchable words; use letters, digits or Chinese characters",
        ),
        (["remove", "7"], "Error: No watch with id 7; list them with 'suanli watch list'"),
        (["run", "--id", "7"], "Error: No watch with id 7; list them with 'suanli watch list'"),
    ],
)
def test_errors_exit_1_with_one_message(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(cli, ["watch", *args])
    assert result.exit_code == 1
    assert result.output.strip() == message
