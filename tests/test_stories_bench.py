"""Smoke runs of bench/eval_stories.py and bench/bench_stories.py on tiny inputs, so they do not rot.

Neither reads ../shared: the data folder passed in does not exist, so only the labelled pairs
in the repository are scored, and the throughput run generates a few hundred articles.
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


@pytest.fixture(scope="module")
def bench() -> Iterator[dict[str, ModuleType]]:
    sys.path.insert(0, str(BENCH))
    try:
        yield {name: importlib.import_module(name) for name in ("eval_stories", "bench_stories")}
    finally:
        sys.path.remove(str(BENCH))


def test_eval_stories_scores_the_labelled_pairs_and_skips_missing_datasets(
    bench: dict[str, ModuleType], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.json"
    assert bench["eval_stories"].main(["--data", str(tmp_path / "missing"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "skipped:" in printed and "disc_fin_retrieval" in printed
    scores = {(s["dataset"], s["method"]): s for s in json.loads(out.read_text(encoding="utf-8"))}
    defaults = scores[("labelled pairs, each alone", "both rules (defaults)")]
    assert defaults["positives"] >= 30 and defaults["precision"] >= 0.99


def test_bench_stories_runs_on_a_few_hundred_generated_articles(
    bench: dict[str, ModuleType], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "figures.json"
    assert bench["bench_stories"].main(["--n", "300", "--out", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["articles"] == 300 and figures["repost_found"] >= 0.9
    assert "grouping, articles per CPU-second" in capsys.readouterr().out
    # The saved figures print again, and fill the Markdown section, without running anything.
    md = tmp_path / "benchmarks.md"
    assert bench["bench_stories"].main(["--report", str(out), "--write-md", str(md)]) == 0
    section = md.read_text(encoding="utf-8")
    assert "<!-- bench:stories -->" in section and "bench/bench_stories.py --n 300" in section
    assert "| articles | 300 |" in section and "in 2 worker processes" in section
    assert "grouping, articles per CPU-second" in capsys.readouterr().out
