"""``suanli show`` with related reads (你可能还想读): the text section, ``--json`` and ``--no-related``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from relatedcorpus import RECORDS
from suanli.cli import cli


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A data folder with the related-reads corpus added through ``suanli add``; record key -> id."""
    folder = tmp_path_factory.mktemp("cli_related")
    path = folder / "related.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS.values()), encoding="utf-8"
    )
    env = _env(folder)
    result = CliRunner().invoke(cli, ["add", str(path), "--json"], env=env)
    assert result.exit_code == 0, result.output
    added = json.loads(result.output)["added"]
    assert len(added) == len(RECORDS)  # one line each, stored in order
    return folder, dict(zip(RECORDS, added, strict=True))


def _env(folder: Path) -> dict[str, str]:
    return {
        "SUANLI_DATA_DIR": str(folder / "data"),
        "SUANLI_CONFIG": str(folder / "none.toml"),
        "SUANLI_SUMMARIZE_ON_INGEST": "false",
        "SUANLI_TIMEZONE": "Asia/Shanghai",
    }


def _show(stored: tuple[Path, dict[str, str]], *args: str) -> str:
    result = CliRunner().invoke(cli, ["show", *args], env=_env(stored[0]))
    assert result.exit_code == 0, result.output
    return result.output


def test_show_prints_related_reads_after_the_body_with_date_source_title_id_and_excerpt(
    stored: tuple[Path, dict[str, str]],
) -> None:
    _, ids = stored
    out = _show(stored, ids["halt"])
    body, related = out.split("你可能还想读", 1)
    assert "[3] 市场人士表示" in body
    lic = RECORDS["license"]
    assert f"- 2025-07-15 · 测试财经 · {lic['title']} · {ids['license']}" in related
    assert "\n  7月15日，英伟达表示已获得美国政府对H20芯片出口中国的许可" in related
    assert ids["halt_repost"] not in related  # a repost is the same story
    assert len([line for line in related.splitlines() if line.startswith("- ")]) <= 8


def test_show_json_has_a_related_list_without_the_own_story(stored: tuple[Path, dict[str, str]]) -> None:
    _, ids = stored
    data = json.loads(_show(stored, ids["halt_repost"], "--json"))
    related = data["related"]
    assert 1 <= len(related) <= 8
    assert {r["article_id"] for r in related}.isdisjoint({ids["halt"], ids["halt_repost"]})
    first = related[0]
    assert first["article_id"] == ids["license"]
    assert first["published_at"] == "2025-07-15T12:00:00+00:00"
    assert first["excerpt"].startswith("7月15日") and first["excerpt"].endswith("…")
    assert first["story_id"].startswith("s-") and first["shared_entities"] == ["nvidia", "nvidia-h20"]
    assert first["score"] > 0 and first["url"] == RECORDS["license"]["url"]


def test_show_without_neighbours_says_so(stored: tuple[Path, dict[str, str]]) -> None:
    _, ids = stored
    out = _show(stored, ids["tulip"])
    assert "你可能还想读\n  (no related stories yet)" in out
    assert json.loads(_show(stored, ids["tulip"], "--json"))["related"] == []


def test_show_no_related_leaves_the_section_and_the_json_key_out(stored: tuple[Path, dict[str, str]]) -> None:
    _, ids = stored
    assert "你可能还想读" not in _show(stored, ids["halt"], "--no-related")
    assert "related" not in json.loads(_show(stored, ids["halt"], "--json", "--no-related"))
