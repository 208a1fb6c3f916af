"""Search latency (p50/p99) of suanli's tantivy index against SQLite FTS5 (trigram), on generated docs.

For each size: 1. generate short zh/en documents into a TSV file (parallel, deterministic);
2. build the tantivy index through ``index_article`` + ``TantivyIndex.add`` (segmentation in
worker processes, since tantivy-py can only be fed from one Python thread and suanli opens its
writer with one indexing thread); 3. build the baseline, an FTS5 table with the ``trigram``
tokenizer over the same raw text; 4. at sizes up to ``--store-max`` also fill a SQLiteStore so
the full ``search_articles`` path (with snippets) can be timed; 5. serve the same 2-3 word
Chinese queries from a fresh process per engine (so max RSS is the server's own), with and
without a 90-day date filter.

Usage:
    python bench/bench_search.py --quick                 # 20k docs, about 1 minute
    python bench/bench_search.py --sizes 100000,1000000  # the documented run
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3  # noqa: TID251 - the FTS5 baseline talks to SQLite directly
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import (
    add_common_args,
    command_line,
    default_segmenter,
    dir_size_mb,
    load_average,
    machine_line,
    make_article,
    markdown_table,
    peak_rss_mb,
    percentile,
    process_map,
    ratio,
    text_table,
    timed,
    usable_cores,
    write_md_section,
)
from gen_corpus import CORPUS_DAYS, CORPUS_START, generate_queries, make_doc

from suanli.models import IndexDoc
from suanli.stages.index import index_article
from suanli.stages.segment import Segmenter
from suanli.store.tantivy_index import IndexFilter, TantivyIndex

GOAL_P50_MS, GOAL_P99_MS, GOAL_RSS_MB = 2.0, 20.0, 1024.0
CHUNK = 5000
WINDOW_DAYS = 90
_worker_segmenter: Segmenter | None = None


# -- 1. corpus -------------------------------------------------------------------------------


def _gen_chunk(task: tuple[int, int, int]) -> str:
    start, n, seed = task
    lines = []
    for i in range(start, start + n):
        d = make_doc(i, seed=seed, min_chars=200, max_chars=400)
        paras = "\x1f".join(p.replace("\t", " ") for p in d.paragraphs)
        ts = int(d.published_at.timestamp())
        lines.append(f"{d.doc_id}\t{ts}\t{d.source}\t{d.lang}\t{d.title}\t{paras}\n")
    return "".join(lines)


def write_corpus(path: Path, size: int, *, seed: int, workers: int) -> list[tuple[int, int]]:
    """Write ``size`` docs as TSV; return (offset, end) byte ranges of CHUNK-line slices."""
    tasks = [(s, min(CHUNK, size - s), seed) for s in range(0, size, CHUNK)]
    ranges = []
    with path.open("wb") as fh:
        for text in process_map(_gen_chunk, tasks, workers=workers):
            start = fh.tell()
            fh.write(text.encode("utf-8"))
            ranges.append((start, fh.tell()))
    return ranges


def _read_rows(path: Path, start: int, end: int) -> list[list[str]]:
    with path.open("rb") as fh:
        fh.seek(start)
        data = fh.read(end - start).decode("utf-8")
    return [line.split("\t") for line in data.splitlines()]


def _row_article(row: list[str]):  # type: ignore[no-untyped-def]
    doc_id, ts, source, lang, title, paras = row
    published = datetime.fromtimestamp(int(ts), UTC)
    return make_article(doc_id, title, paras.split("\x1f"), source=source, lang=lang, published_at=published)


# -- 2. tantivy build ----------------------------------------------------------------------------


def _init_worker() -> None:
    global _worker_segmenter
    _worker_segmenter = default_segmenter()


def _segment_range(task: tuple[str, int, int]) -> list[IndexDoc]:
    path, start, end = task
    assert _worker_segmenter is not None
    return [index_article(_row_article(r), _worker_segmenter) for r in _read_rows(Path(path), start, end)]


def build_tantivy(
    corpus: Path, ranges: list[tuple[int, int]], index_dir: Path, *, workers: int, batch: int, heap_mb: int
) -> dict[str, float]:
    index = TantivyIndex(index_dir)
    pending: list[IndexDoc] = []
    add_s = 0.0
    tasks = [(str(corpus), s, e) for s, e in ranges]
    with timed() as total:
        # The tasks are byte ranges only; each worker reads and segments its own slice.
        for docs in process_map(_segment_range, tasks, workers=workers, initializer=_init_worker):
            pending.extend(docs)
            if len(pending) >= batch:
                with timed() as t:
                    index.add(pending, heap_bytes=heap_mb * 2**20)
                add_s += t.seconds
                pending = []
        if pending:
            with timed() as t:
                index.add(pending, heap_bytes=heap_mb * 2**20)
            add_s += t.seconds
    return {
        "build_s": total.seconds,
        "add_s": add_s,
        "disk_mb": dir_size_mb(index_dir),
        "docs": index.count(),
    }


# -- 3. FTS5 baseline and 4. store ---------------------------------------------------------------


def build_fts(corpus: Path, ranges: list[tuple[int, int]], db_path: Path) -> dict[str, float]:
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, title, body, date_ts UNINDEXED,"
        " tokenize = 'trigram')"
    )
    with timed() as t:
        db.execute("BEGIN")
        for start, end in ranges:
            rows = _read_rows(corpus, start, end)
            db.executemany(
                "INSERT INTO docs (doc_id, title, body, date_ts) VALUES (?, ?, ?, ?)",
                [(r[0], r[4], r[5].replace("\x1f", "\n"), int(r[1])) for r in rows],
            )
        db.execute("COMMIT")
        db.execute("INSERT INTO docs (docs) VALUES ('optimize')")
    db.close()
    return {"build_s": t.seconds, "disk_mb": db_path.stat().st_size / 2**20}


def fill_store(corpus: Path, ranges: list[tuple[int, int]], db_path: Path) -> dict[str, float]:
    from suanli.store.sqlite import SQLiteStore

    store = SQLiteStore(db_path)
    n = 0
    with timed() as t:
        for start, end in ranges:
            for row in _read_rows(corpus, start, end):
                n += store.add_article(_row_article(row))
    store.mark_all_unindexed()
    store.close()
    return {"fill_s": t.seconds, "articles": n}


# -- 5. serving (runs in a fresh process) ------------------------------------------------------


def query_plan(n: int, seed: int) -> list[dict[str, Any]]:
    """Queries and one 90-day window each (the filtered runs use the window)."""
    rng = random.Random(seed)
    plan = []
    for text in generate_queries(n, seed=seed):
        since = CORPUS_START + timedelta(days=rng.randrange(CORPUS_DAYS - WINDOW_DAYS))
        until = since + timedelta(days=WINDOW_DAYS)
        plan.append({"text": text, "since": int(since.timestamp()), "until": int(until.timestamp())})
    return plan


def stats(run: dict[str, list[float]], n: int | None = None) -> dict[str, float]:
    """Latency percentiles and hit counts of the first ``n`` queries of a served run."""
    lat, totals = run["lat_ms"][:n], run["totals"][:n]
    return {
        "p50_ms": percentile(lat, 50),
        "p99_ms": percentile(lat, 99),
        "mean_ms": sum(lat) / len(lat),
        "queries": len(lat),
        "zero_hits": sum(1 for t in totals if t == 0),
        "median_total": percentile(totals, 50),
    }


def _timed_run(plan: list[dict[str, Any]], search: Any) -> dict[str, list[float]]:
    import time

    lat, totals = [], []
    for q in plan:
        t0 = time.perf_counter()
        total = search(q)
        lat.append((time.perf_counter() - t0) * 1000)
        totals.append(float(total))
    return {"lat_ms": lat, "totals": totals}


def serve_tantivy(index_dir: Path, plan: list[dict[str, Any]], store_db: Path | None) -> dict[str, Any]:
    from suanli.search import MAX_QUERY_TOKENS

    seg = default_segmenter()
    index = TantivyIndex(index_dir)

    def search(q: dict[str, Any], dated: bool) -> int:
        flt = IndexFilter(since_ts=q["since"], until_ts=q["until"]) if dated else IndexFilter()
        return index.search(seg.query_tokens(q["text"])[:MAX_QUERY_TOKENS], flt, limit=10).total

    _timed_run(plan[:50], lambda q: search(q, False))  # warm-up: page in the term dictionaries
    runs = {
        "plain": _timed_run(plan, lambda q: search(q, False)),
        "dated": _timed_run(plan, lambda q: search(q, True)),
    }
    if store_db is not None:
        runs.update(_serve_full(index_dir, index, seg, store_db, plan))
    return {"runs": runs, "peak_rss_mb": peak_rss_mb()}


def _serve_full(
    index_dir: Path, index: TantivyIndex, seg: Segmenter, db: Path, plan: list[dict[str, Any]]
) -> dict[str, dict[str, list[float]]]:
    from suanli.config import Settings
    from suanli.models import SearchQuery
    from suanli.search import search_articles
    from suanli.store.sqlite import SQLiteStore
    from suanli.workspace import Workspace

    settings = Settings(data_dir=str(index_dir.parent), db_url=f"sqlite:///{db}")
    ws = Workspace(settings=settings, store=SQLiteStore(db), index=index, segmenter=seg)

    def search(q: dict[str, Any], dated: bool) -> int:
        since = datetime.fromtimestamp(q["since"], UTC) if dated else None
        until = datetime.fromtimestamp(q["until"], UTC) if dated else None
        return search_articles(SearchQuery(q["text"], since=since, until=until), ws).total

    runs = {
        "full_plain": _timed_run(plan, lambda q: search(q, False)),
        "full_dated": _timed_run(plan, lambda q: search(q, True)),
    }
    ws.close()
    return runs


def serve_fts(db_path: Path, plan: list[dict[str, Any]]) -> dict[str, Any]:
    db = sqlite3.connect(db_path)
    sql = "SELECT doc_id FROM docs WHERE docs MATCH ?{} ORDER BY rank LIMIT 10"
    plain, dated = sql.format(""), sql.format(" AND date_ts BETWEEN ? AND ?")

    def match(q: dict[str, Any]) -> str:
        # Each space-separated word becomes a quoted trigram substring; FTS5 ANDs them.
        return " ".join('"' + w.replace('"', '""') + '"' for w in q["text"].split())

    _timed_run(plan[:50], lambda q: len(db.execute(plain, (match(q),)).fetchall()))  # warm-up
    runs = {
        "plain": _timed_run(plan, lambda q: len(db.execute(plain, (match(q),)).fetchall())),
        "dated": _timed_run(
            plan, lambda q: len(db.execute(dated, (match(q), q["since"], q["until"])).fetchall())
        ),
    }
    return {"runs": runs, "peak_rss_mb": peak_rss_mb()}


def run_server(
    engine: str, target: Path, plan_file: Path, *, limit: int, store_db: Path | None = None
) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--serve", engine, "--target", str(target), "--plan", str(plan_file)]
    cmd += ["--limit", str(limit)]
    if store_db is not None:
        cmd += ["--store-db", str(store_db)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# -- the run ---------------------------------------------------------------------------------


def run_size(size: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    folder = workdir / f"n{size}"
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.tsv"
    _progress(f"[{size:,}] generating documents")
    with timed() as t:
        ranges = write_corpus(corpus, size, seed=args.seed, workers=args.workers)
    result: dict[str, Any] = {"size": size, "gen_s": t.seconds, "load_before": load_average()}
    _progress(f"[{size:,}] building the tantivy index ({t.seconds:.0f} s to generate)")
    result["tantivy"] = build_tantivy(
        corpus, ranges, folder / "tantivy", workers=args.workers, batch=args.batch, heap_mb=args.heap_mb
    )
    if not args.no_fts:
        _progress(f"[{size:,}] building the FTS5 trigram table")
        result["fts"] = build_fts(corpus, ranges, folder / "fts.db")
    store_db = None
    if size <= args.store_max:
        _progress(f"[{size:,}] filling the SQLite store for the full search path")
        store_db = folder / "suanli.db"
        result["store"] = fill_store(corpus, ranges, store_db)
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(query_plan(args.queries, args.seed)), encoding="utf-8")
    _progress(f"[{size:,}] serving {args.queries} queries (FTS5: {args.baseline_queries})")
    result["tantivy"]["serve"] = run_server(
        "tantivy", folder / "tantivy", plan_file, limit=args.queries, store_db=store_db
    )
    if not args.no_fts:
        result["fts"]["serve"] = run_server("fts", folder / "fts.db", plan_file, limit=args.baseline_queries)
    result["load_after"] = load_average()
    if not args.keep:
        shutil.rmtree(folder)
    return result


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


HEADERS = (
    "docs", "engine", "build s", "docs/s", "disk MB", "p50 ms", "p99 ms", "p50 ms (date)",
    "p99 ms (date)", "0-hit", "0-hit (date)", "median matches", "max RSS MB",
)  # fmt: skip
RATIO_HEADERS = ("docs", "queries", "build", "disk", "p50", "p99", "p50 (date)", "p99 (date)", "max RSS")


def _lat_cells(plain: dict[str, float], dated: dict[str, float], *, has_total: bool) -> list[object]:
    n = int(plain["queries"])
    return [
        plain["p50_ms"], plain["p99_ms"], dated["p50_ms"], dated["p99_ms"],
        f"{plain['zero_hits']:.0f}/{n}", f"{dated['zero_hits']:.0f}/{n}",
        plain["median_total"] if has_total else "n/a",
    ]  # fmt: skip


def result_rows(r: dict[str, Any]) -> list[list[object]]:
    tv, size = r["tantivy"], r["size"]
    runs, rss = tv["serve"]["runs"], tv["serve"]["peak_rss_mb"]
    rows: list[list[object]] = [
        [size, "suanli tantivy (engine)", tv["build_s"], round(size / tv["build_s"]), tv["disk_mb"],
         *_lat_cells(stats(runs["plain"]), stats(runs["dated"]), has_total=True), rss],
    ]  # fmt: skip
    if "full_plain" in runs:
        fill = r["store"]["fill_s"]
        cells = _lat_cells(stats(runs["full_plain"]), stats(runs["full_dated"]), has_total=True)
        rows.append([size, "suanli search_articles (store fill)", fill, round(size / fill), "", *cells, rss])
    if "fts" in r:
        fs = r["fts"]
        fr = fs["serve"]["runs"]
        cells = _lat_cells(stats(fr["plain"]), stats(fr["dated"]), has_total=False)
        build = [fs["build_s"], round(size / fs["build_s"]), fs["disk_mb"]]
        rows.append([size, "FTS5 trigram (baseline)", *build, *cells, fs["serve"]["peak_rss_mb"]])
    return rows


def ratio_rows(r: dict[str, Any]) -> list[list[object]]:
    """suanli / baseline on the same queries: below 1.00x suanli is faster or smaller."""
    if "fts" not in r:
        return []
    tv, fs = r["tantivy"], r["fts"]
    n = len(fs["serve"]["runs"]["plain"]["lat_ms"])
    t = {k: stats(v, n) for k, v in tv["serve"]["runs"].items()}
    f = {k: stats(v, n) for k, v in fs["serve"]["runs"].items()}
    cells = [ratio(t[run][key], f[run][key]) for run in ("plain", "dated") for key in ("p50_ms", "p99_ms")]
    return [[
        r["size"], n, ratio(tv["build_s"], fs["build_s"]), ratio(tv["disk_mb"], fs["disk_mb"]), *cells,
        ratio(tv["serve"]["peak_rss_mb"], fs["serve"]["peak_rss_mb"]),
    ]]  # fmt: skip


def goal_line(r: dict[str, Any]) -> str:
    runs = r["tantivy"]["serve"]["runs"]
    p50 = max(stats(runs["plain"])["p50_ms"], stats(runs["dated"])["p50_ms"])
    p99 = max(stats(runs["plain"])["p99_ms"], stats(runs["dated"])["p99_ms"])
    rss = r["tantivy"]["serve"]["peak_rss_mb"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    return (
        f"{r['size']:,} docs: p50 {p50:.2f} ms (goal < {GOAL_P50_MS:g} ms: {verdict(p50 < GOAL_P50_MS)}), "
        f"p99 {p99:.2f} ms (goal < {GOAL_P99_MS:g} ms: {verdict(p99 < GOAL_P99_MS)}), "
        f"max RSS {rss:.0f} MB (goal < {GOAL_RSS_MB:.0f} MB: {verdict(rss < GOAL_RSS_MB)})"
    )


def report(saved: dict[str, Any]) -> str:
    results = saved["results"]
    rows = [row for r in results for row in result_rows(r)]
    ratios = [row for r in results for row in ratio_rows(r)]
    goals = [goal_line(r) for r in results]
    print(text_table(HEADERS, rows))
    if ratios:
        print("\nsuanli tantivy / FTS5 trigram on the same queries (below 1.00x: suanli faster or smaller)")
        print(text_table(RATIO_HEADERS, ratios))
    print("\nGoals (engine, worst of plain and dated):\n" + "\n".join(goals))
    a = saved["args"]
    notes = [
        f"Queries: {a['queries']} generated 2-3 word Chinese queries (seed {a['seed']}); FTS5 ran the first "
        f"{a['baseline_queries']}. Date filter: a 90-day window of the 3-year corpus.",
        "Engine latency = `Segmenter.query_tokens` + `TantivyIndex.search` (top 10 + total count);"
        " `search_articles` adds the SQLite reads and snippets; 'build s' of that row is the store fill.",
        "FTS5: each space-separated word is a quoted trigram substring (ANDed), ranked by bm25;"
        " words of 1-2 characters (算力, 液冷) match nothing, hence its 0-hit counts.",
        "Tantivy build = segmentation in worker processes + `TantivyIndex.add` (one indexing thread, "
        f"batches of {a['batch']:,}); FTS5 build = one transaction + 'optimize'. Generation is excluded.",
        "Max RSS = peak resident memory of a fresh process that opens the index and serves the queries.",
    ]
    loads = "; ".join(
        f"{r['size']:,} docs: generated in {r['gen_s']:.0f} s, "
        f"load average {r['load_before']} -> {r['load_after']}"
        for r in results
    )
    return "\n".join([
        f"Measured {saved['machine']}.", "", f"Command: `{saved['command']}`", "",
        markdown_table(HEADERS, rows), "",
        "suanli tantivy / FTS5 trigram on the same queries (below 1.00x: suanli is faster or smaller):", "",
        markdown_table(RATIO_HEADERS, ratios) if ratios else "(baseline skipped)", "",
        *[f"- {g}" for g in goals], *[f"- {n}" for n in notes], f"- {loads}.",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser, out_help="write the raw results as JSON to this file")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated document counts")
    parser.add_argument("--quick", action="store_true", help="one run at 20,000 documents")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--baseline-queries", type=int, default=200, help="queries FTS5 serves (it is slow)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=usable_cores())
    parser.add_argument("--batch", type=int, default=100_000, help="documents per TantivyIndex.add call")
    parser.add_argument("--heap-mb", type=int, default=512, help="tantivy writer heap per add call")
    parser.add_argument("--store-max", type=int, default=100_000, help="fill a store up to this size")
    parser.add_argument("--no-fts", action="store_true", help="skip the FTS5 baseline")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the built indexes")
    parser.add_argument("--report", type=Path, help="print (and --write-md) results saved by --out")
    parser.add_argument("--serve", choices=("tantivy", "fts"), help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store-db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        plan = json.loads(args.plan.read_text(encoding="utf-8"))[: args.limit]
        if args.serve == "tantivy":
            print(json.dumps(serve_tantivy(args.target, plan, args.store_db)))
        else:
            print(json.dumps(serve_fts(args.target, plan)))
        return 0
    if args.report:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
    else:
        sizes = [20_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
        base = Path(tempfile.mkdtemp(prefix="suanli-bench-", dir=args.workdir))
        try:
            results = [run_size(size, args, base) for size in sizes]
        finally:
            if not args.keep:
                shutil.rmtree(base, ignore_errors=True)
        keys = ("queries", "baseline_queries", "seed", "batch")
        saved = {
            "machine": machine_line(),
            "command": command_line(),
            "args": {k: getattr(args, k) for k in keys},
            "results": results,
        }
        if args.out:
            args.out.write_text(json.dumps(saved), encoding="utf-8")
    md = report(saved)
    if args.write_md:
        write_md_section(args.write_md, "search", md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
