"""Smoke run of bench/bench_related.py on a tiny generated corpus, so it does not rot."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def bench_related() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("bench_related")
    finally:
        sys.path.remove(str(BENCH))


def test_bench_related_times_find_related_against_both_baselines(
    bench_related: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "related.json"
    md = tmp_path / "benchmarks.md"
    argv = ["--n", "120", "--samples", "20", "--exhaustive", "3", "--workers", "1", "--lookup-n", "300"]
    assert bench_related.main([*argv, "--out", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["articles"] == 132  # 120 and a repost of every tenth
    assert figures["stories"] < figures["articles"]  # the reposts joined their originals' stories
    assert figures["own_story_leaks"] == 0
    assert 0 < figures["mean_results"] <= 8
    assert figures["p50_ms"] > 0 and figures["keyword_p50_ms"] > 0 and figures["exhaustive_articles"] == 3
    assert figures["lookups_at_scale"]["n"] == 300 and figures["lookups_at_scale"]["p50_ms"] > 0
    printed = capsys.readouterr().out
    assert "find_related p50 ms (CPU)" in printed and "baseline: keyword lookups" in printed
    assert bench_related.main(["--report", str(out), "--write-md", str(md)]) == 0
    section = md.read_text(encoding="utf-8")
    assert "<!-- bench:related -->" in section and "--lookup-n 300" in section
    assert "over 300 articles" in capsys.readouterr().out


def test_bench_related_refuses_a_workdir_in_use(
    bench_related: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kept.txt").write_text("x", encoding="utf-8")
    assert bench_related.main(["--n", "10", "--workdir", str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().out
