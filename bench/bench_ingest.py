"""Ingest throughput (articles/s) of local HTML through suanli's full pipeline, with per-stage times.

Input: the 4,795 records of ``finreport_news_archive/articles.jsonl`` (RSS ``summary_html`` as
the page), written as a suanli JSONL file into a temp folder; without that folder, a generated
corpus. Figures:

1. ``add_inputs([file], ws)`` on a fresh workspace: load + extract + store + segment + index.
2. Each stage alone on the same pages (load, ``extract_article``, ``index_article``,
   ``SQLiteStore.add_article``, ``TantivyIndex.add`` in the pipeline's batches), and its share.
3. Baseline: bare ``trafilatura.extract(html)`` on the same pages (no metadata, no storage).

Usage:
    python bench/bench_ingest.py
    python bench/bench_ingest.py --profile 25     # also print the top functions of add_inputs
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import json
import pstats
import sys
import tempfile
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import (
    add_common_args,
    command_line,
    default_segmenter,
    load_average,
    machine_line,
    markdown_table,
    peak_rss_mb,
    ratio,
    text_table,
    timed,
    write_md_section,
)
from gen_corpus import generate_docs, write_jsonl

from suanli.config import Settings
from suanli.errors import StageError
from suanli.models import Article, RawPage
from suanli.pipeline import INDEX_BATCH, add_inputs
from suanli.stages.extract import extract_article
from suanli.stages.index import index_article
from suanli.stages.load import load_path
from suanli.stages.segment import Segmenter
from suanli.workspace import open_workspace

# Stages added after this script was written; a tree without them just skips their rows.
try:
    from suanli.summaries import write_summary
except ImportError:
    write_summary = None  # type: ignore[assignment]
try:
    from suanli.knowledge import analyze_article
    from suanli.models import ArticleTags
except ImportError:
    analyze_article = None  # type: ignore[assignment]
    ArticleTags = None  # type: ignore[assignment,misc]

GOAL_PER_S = 150.0
NOW = datetime(2026, 9, 1, tzinfo=UTC)


def write_input(data: Path, folder: Path, *, n_generated: int, limit: int | None) -> tuple[Path, str]:
    """The JSONL file to ingest and a description of where its records came from."""
    archive = data / "finreport_news_archive" / "articles.jsonl"
    out = folder / "input.jsonl"
    if not archive.is_file():
        print(f"note: {archive} not found; using {n_generated} generated articles", file=sys.stderr)
        count = write_jsonl(out, generate_docs(n_generated, seed=3, min_chars=600, max_chars=2000))
        return out, f"{count:,} generated articles (gen_corpus.py, seed 3)"
    count = 0
    with archive.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            if limit is not None and count >= limit:
                break
            r = json.loads(line)
            record = {
                "title": r.get("title"),
                "url": r.get("link"),
                "source": r.get("source"),
                "published_at": r.get("published"),
                "html": r.get("summary_html"),
            }
            dst.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return out, f"{count:,} records of finreport_news_archive (RSS summary HTML)"


@functools.cache
def _segmenter() -> Segmenter:
    return default_segmenter()


def _settings(data_dir: Path, *, summarize: bool) -> Settings:
    # Older trees have no summaries; the setting is passed only when it exists.
    has_setting = any(f.name == "summarize_on_ingest" for f in fields(Settings))
    extra = {"summarize_on_ingest": summarize} if has_setting else {}
    return Settings(data_dir=str(data_dir), **extra)  # type: ignore[arg-type]


def run_pipeline(path: Path, folder: Path, *, summarize: bool, profile: int) -> dict[str, Any]:
    settings = _settings(folder / f"ws-{summarize}", summarize=summarize)
    with open_workspace(settings, segmenter=_segmenter()) as ws:
        profiler = cProfile.Profile() if profile else None
        with timed() as t:
            if profiler:
                profiler.enable()
            report = add_inputs([str(path)], ws, now=lambda: NOW)
            if profiler:
                profiler.disable()
        indexed = ws.index.count()
    out: dict[str, Any] = {
        "seconds": t.seconds,
        "added": len(report.added),
        "already": len(report.already),
        "failures": len(report.failures),
        "indexed": indexed,
        "failure_examples": [f"{f.input}: {f.reason}" for f in report.failures[:3]],
    }
    if profiler:
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(profile)
        out["profile"] = buf.getvalue()
    return out


def run_stages(path: Path, folder: Path) -> dict[str, dict[str, float]]:
    """Seconds and item counts per stage on the same pages, each stage alone, in pipeline order.

    Stages that a tree does not have yet (knowledge, summaries) are left out.
    """
    settings = _settings(folder / "stages", summarize=True)
    times: dict[str, dict[str, float]] = {}

    def stage(name: str, items: int, seconds: float) -> None:
        times[name] = {"seconds": seconds, "items": items}

    with open_workspace(settings, segmenter=_segmenter()) as ws:
        with timed() as t:
            pages = [p for p in load_path(path, settings) if isinstance(p, RawPage)]
        stage("load (JSONL -> RawPage)", len(pages), t.seconds)
        articles: list[Article] = []
        with timed() as t:
            for page in pages:
                try:
                    articles.append(extract_article(page, tz=settings.tz, now=NOW))
                except StageError:
                    pass
        stage("extract_article", len(pages), t.seconds)
        # The pipeline drops duplicates before the later stages, so they see unique articles.
        unique = list({a.content_hash: a for a in articles}.values())
        extras: list[list[Any]] = [[] for _ in unique]
        knowledge: list[Any] = [None] * len(unique)
        if analyze_article is not None:
            kb = ws.kb()  # loaded once per process, like the pipeline's first article does
            with timed() as t:
                knowledge = [analyze_article(a, kb, tz=settings.tz) for a in unique]
            stage("analyze_article (knowledge)", len(unique), t.seconds)
        if write_summary is not None:
            with timed() as t:
                summaries = [write_summary(a, ws) for a in unique]
            stage("write_summary", len(unique), t.seconds)
            extras = [[s] for s in summaries]
        if analyze_article is not None:
            extras = [[*e, k] if e else [None, k] for e, k in zip(extras, knowledge, strict=True)]
            with timed() as t:
                stories = [ws.stories().assign(a) for a in unique]
            stage("stories.assign (story grouping)", len(unique), t.seconds)
            extras = [[*e, r] for e, r in zip(extras, stories, strict=True)]
        with timed() as t:
            docs = [index_article(a, ws.segmenter, *_tags(k)) for a, k in zip(unique, knowledge, strict=True)]
        stage("index_article (segment)", len(unique), t.seconds)
        with timed() as t:
            for a, extra in zip(unique, extras, strict=True):
                ws.store.add_article(a, *extra)
        stage("store.add_article", len(unique), t.seconds)
        with timed() as t:
            for start in range(0, len(docs), INDEX_BATCH):
                ws.index.add(docs[start : start + INDEX_BATCH])
        stage(f"TantivyIndex.add ({INDEX_BATCH} per commit)", len(docs), t.seconds)
    return times


def _tags(knowledge: Any) -> list[Any]:
    if knowledge is None or ArticleTags is None:
        return []
    return [ArticleTags(knowledge.entity_ids, knowledge.event_types)]


def run_baseline(path: Path) -> float:
    import trafilatura

    htmls = [json.loads(line).get("html") or "" for line in path.read_text(encoding="utf-8").splitlines()]
    with timed() as t:
        for html in htmls:
            if html.strip():
                trafilatura.extract(html)
    return t.seconds


HEADERS = ("what", "items", "seconds", "items/s", "vs baseline", "share of stage time")


def report(result: dict[str, Any]) -> str:
    n = result["records"]
    base_per_s = n / result["baseline_s"]
    stage_total = sum(v["seconds"] for v in result["stages"].values())
    rows: list[list[object]] = []
    for label, key in (("suanli add_inputs (default settings)", "pipeline"),
                       ("suanli add_inputs, summarize_on_ingest off", "pipeline_nosummary")):  # fmt: skip
        if key in result:
            per_s = n / result[key]["seconds"]
            rows.append([label, n, result[key]["seconds"], per_s, ratio(per_s, base_per_s), ""])
    for name, v in result["stages"].items():
        per_s = v["items"] / v["seconds"] if v["seconds"] else float("nan")
        share = f"{v['seconds'] / stage_total:.0%}"
        rows.append([f"  {name}", int(v["items"]), v["seconds"], per_s, ratio(per_s, base_per_s), share])
    rows.append(["bare trafilatura.extract (baseline)", n, result["baseline_s"], base_per_s, "1.00x", ""])
    pipe = result["pipeline"]
    per_s = n / pipe["seconds"]
    verdict = "met" if per_s >= GOAL_PER_S else "MISSED"
    goal = (
        f"Goal: >= {GOAL_PER_S:.0f} articles/s on 2 cores; measured {per_s:.0f} articles/s with default "
        f"settings ({verdict})"
    )
    if "pipeline_nosummary" in result:
        goal += f", {n / result['pipeline_nosummary']['seconds']:.0f} articles/s without summaries"
    outcome = (
        f"{pipe['added']:,} added, {pipe['already']:,} already present (duplicates), "
        f"{pipe['failures']:,} failed, {pipe['indexed']:,} in the index; the stages alone add up to "
        f"{stage_total:.1f} s against the pipeline's {pipe['seconds']:.1f} s; "
        f"peak RSS {result['peak_rss_mb']:.0f} MB"
    )
    print(text_table(HEADERS, rows))
    print(f"\nInput: {result['input']}\n{outcome}\n{goal}.")
    for example in pipe["failure_examples"]:
        print(f"  failure: {example}")
    if pipe.get("profile"):
        print(pipe["profile"])
    return "\n".join(
        [
            f"Measured {result['machine']}.",
            "",
            f"Command: `{result['command']}`",
            "",
            f"Input: {result['input']}. The pipeline rows count input records per second (a duplicate "
            "is extracted before it is recognised); stage rows count the items each stage saw.",
            "",
            markdown_table(HEADERS, rows),
            "",
            f"- {outcome}.",
            f"- {goal}.",
            f"- Load average during the run: {result['load_before']} -> {result['load_after']}.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser, out_help="write the figures as JSON to this file")
    parser.add_argument("--n", type=int, default=2000, help="generated articles when the archive is absent")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N archive records")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions of add_inputs")
    parser.add_argument("--report", type=Path, help="print (and --write-md) results saved by --out")
    args = parser.parse_args(argv)
    if args.report:
        md = report(json.loads(args.report.read_text(encoding="utf-8")))
        if args.write_md:
            write_md_section(args.write_md, "ingest", md)
        return 0
    with tempfile.TemporaryDirectory(prefix="suanli-ingest-") as tmp:
        folder = Path(tmp)
        path, described = write_input(args.data, folder, n_generated=args.n, limit=args.limit)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        records = len(lines)
        print(f"ingesting {described}", file=sys.stderr)
        result: dict[str, Any] = {"input": described, "records": records, "load_before": load_average()}
        # Warm-up: imports, dictionaries and lazy models load once per process, not per article.
        warm = folder / "warm.jsonl"
        warm.write_text("".join(lines[:5]), encoding="utf-8")
        run_pipeline(warm, folder / "warm", summarize=True, profile=0)
        result["pipeline"] = run_pipeline(path, folder, summarize=True, profile=args.profile)
        if write_summary is not None:
            result["pipeline_nosummary"] = run_pipeline(path, folder, summarize=False, profile=0)
        result["stages"] = run_stages(path, folder)
        result["baseline_s"] = run_baseline(path)
        result["peak_rss_mb"] = peak_rss_mb()
        result.update(load_after=load_average(), machine=machine_line(), command=command_line())
    md = report(result)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.write_md:
        write_md_section(args.write_md, "ingest", md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
