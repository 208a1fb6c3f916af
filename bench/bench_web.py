"""Requests/s and p50/p99 latency of the web app's search page and search API over generated articles.

Steps: 1. generate articles and fill a SQLite store and the tantivy index (``bench_search``'s
helpers: segmentation in worker processes); 2. time ``search_articles`` in-process on the same
queries (the baseline: no HTTP, no rendering) and what opening a workspace per request would cost;
3. start the app under uvicorn in a fresh process on 127.0.0.1; 4. for each endpoint, a warm-up and
then ``--clients`` concurrent keep-alive clients (minimal asyncio HTTP/1.1) for ``--seconds``.

Usage:
    python bench/bench_web.py                      # 100,000 articles, 8 clients (build ~4 min on 2 cores)
    python bench/bench_web.py --n 20000 --seconds 5
    python bench/bench_web.py --workdir /tmp/bw          # keep the build there and reuse it next time
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench_search import build_tantivy, fill_store, write_corpus
from common import (
    add_common_args,
    command_line,
    default_segmenter,
    machine_line,
    markdown_table,
    percentile,
    ratio,
    text_table,
    write_md_section,
)
from gen_corpus import generate_queries

GOAL_API_P50_MS, GOAL_PAGE_P50_MS = 20.0, 50.0
HEADERS = ["endpoint", "requests", "req/s", "p50 ms", "p99 ms", "server CPU ms/req", "errors"]


# -- 1. corpus -------------------------------------------------------------------------------------


def build(workdir: Path, n: int, *, seed: int, workers: int) -> dict[str, Any]:
    """Store and index of ``n`` generated articles in ``workdir`` (reused when already built)."""
    from suanli.store.sqlite import SQLiteStore

    marker = workdir / "built.json"
    if marker.exists() and json.loads(marker.read_text())["n"] == n:
        return dict(json.loads(marker.read_text()), reused=True)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    corpus = workdir / "corpus.tsv"
    t0 = time.perf_counter()
    ranges = write_corpus(corpus, n, seed=seed, workers=workers)
    db = workdir / "suanli.db"
    fill = fill_store(corpus, ranges, db)
    index = build_tantivy(
        corpus, ranges, workdir / "suanli.db.index", workers=workers, batch=50_000, heap_mb=256
    )
    store = SQLiteStore(db)
    while ids := store.unindexed_ids(5000):  # the index holds them all: tell the store
        store.mark_indexed(ids)
    store.close()
    with corpus.open(encoding="utf-8") as fh:
        sample_ids = [line.split("\t", 1)[0] for _, line in zip(range(2000), fh, strict=False)]
    info: dict[str, Any] = {
        "n": n,
        "build_s": time.perf_counter() - t0,
        "fill_s": fill["fill_s"],
        "index_s": index["build_s"],
    }
    info["sample_ids"] = sample_ids
    marker.write_text(json.dumps(info), encoding="utf-8")
    corpus.unlink()
    return dict(info, reused=False)


# -- 2. in-process baseline -------------------------------------------------------------------------


def baseline(workdir: Path, queries: list[str]) -> dict[str, float]:
    from suanli.config import Settings
    from suanli.models import SearchQuery
    from suanli.search import search_articles
    from suanli.workspace import open_workspace

    settings = Settings(data_dir=str(workdir))
    seg = default_segmenter()
    opens = []
    for _ in range(30):
        t0 = time.perf_counter()
        open_workspace(settings, segmenter=seg).close()
        opens.append((time.perf_counter() - t0) * 1000)
    lat = []
    with open_workspace(settings, segmenter=seg) as ws:
        for q in queries[:50]:
            search_articles(SearchQuery(q), ws)
        for q in queries:
            t0 = time.perf_counter()
            search_articles(SearchQuery(q), ws)
            lat.append((time.perf_counter() - t0) * 1000)
    return {
        "search_p50_ms": percentile(lat, 50),
        "search_p99_ms": percentile(lat, 99),
        "open_workspace_p50_ms": percentile(opens, 50),
    }


# -- 3. server ----------------------------------------------------------------------------------------


def serve(workdir: Path, port: int, workers: int) -> None:
    """The server process: the real app, access log off (a log line per request is not the app's cost)."""
    import uvicorn

    from suanli.config import Settings
    from suanli.web import WebOptions, create_app

    app = create_app(Settings(data_dir=str(workdir)), options=WebOptions(workers=workers))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workdir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    argv = [sys.executable, __file__, "--serve", str(workdir), "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(argv, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the web server did not start within 60 s")


# -- 4. load -----------------------------------------------------------------------------------------


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str) -> int:
    """One keep-alive HTTP/1.1 GET; returns the status. A few lines of asyncio, so the load generator
    spends far less CPU per request than a full client would on the machine it shares with the server."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _load(base: str, paths: list[str], *, clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    counter = 0
    host = base.removeprefix("http://")
    ip, port = host.split(":")
    stop_at = time.perf_counter() + seconds

    async def one_client() -> None:
        nonlocal errors, counter
        reader, writer = await asyncio.open_connection(ip, int(port))
        try:
            while time.perf_counter() < stop_at:
                path = paths[counter % len(paths)]
                counter += 1
                t0 = time.perf_counter()
                status = await _get(reader, writer, host, path)
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += status != 200
        finally:
            writer.close()

    started = time.perf_counter()
    cpu0 = _cpu_s(SERVER_PID[0])
    await asyncio.gather(*(one_client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    server_cpu = _cpu_s(SERVER_PID[0]) - cpu0
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "errors": errors,
        "server_cpu_ms_per_request": server_cpu * 1000 / max(1, len(latencies)),
    }


SERVER_PID = [0]


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc (nan elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(base: str, paths: list[str], *, clients: int, seconds: float, warmup: float) -> dict[str, Any]:
    asyncio.run(_load(base, paths, clients=clients, seconds=warmup))
    return asyncio.run(_load(base, paths, clients=clients, seconds=seconds))


# -- report --------------------------------------------------------------------------------------------


def _rows(result: dict[str, Any]) -> list[list[object]]:
    return [
        [
            name,
            r["requests"],
            f"{r['rps']:.0f}",
            f"{r['p50_ms']:.1f}",
            f"{r['p99_ms']:.1f}",
            f"{r['server_cpu_ms_per_request']:.2f}",
            r["errors"],
        ]
        for name, r in result["endpoints"].items()
    ]


def _verdict(value: float, goal: float) -> str:
    return f"{value:.1f} ms ({'met' if value < goal else 'missed'})"


def report(result: dict[str, Any]) -> str:
    base = result["baseline"]
    clients = result["clients"]
    api, page = result["endpoints"]["search API"], result["endpoints"]["search page"]
    return "\n".join(
        [
            "## Web app: search API and pages under load",
            "",
            f"Measured {result['machine']}; 1-minute load average {result['load_before']:.1f} before and "
            f"{result['load_after']:.1f} after the run (other work on the machine inflates latency).",
            "",
            f"Command: `{result['command']}`",
            "",
            markdown_table(HEADERS, _rows(result)),
            "",
            f"- {result['n']:,} generated articles. Load: {clients} concurrent keep-alive HTTP/1.1 clients "
            "(a minimal asyncio client in this script, on the same machine), each sending its next request "
            f"as soon as the last one is answered, {result['seconds']:g} s per endpoint after a warm-up; "
            "rows marked '1 client' send one request at a time (latency without queueing). "
            f"The server runs {result['workers']} reader threads; its CPU per request is read from /proc.",
            f"- Goals with {clients} clients: search API p50 < {GOAL_API_P50_MS:.0f} ms: "
            f"{_verdict(api['p50_ms'], GOAL_API_P50_MS)}; search page p50 < {GOAL_PAGE_P50_MS:.0f} ms: "
            f"{_verdict(page['p50_ms'], GOAL_PAGE_P50_MS)}.",
            f"- Why: each client waits for its answer, so with {clients} clients a request queues behind the "
            f"others; at {api['server_cpu_ms_per_request']:.1f} ms of server CPU per search on one Python "
            f"process that is about {clients} x {api['server_cpu_ms_per_request']:.1f} = "
            f"{clients * api['server_cpu_ms_per_request']:.0f} ms, more while other work shares the cores. "
            f"The goal needs under {GOAL_API_P50_MS / clients:.1f} ms of CPU per search, or several server "
            "processes; with one client the same requests take the '1 client' rows' time.",
            f"- Baseline, `search_articles` in-process, one caller: p50 {base['search_p50_ms']:.2f} ms, "
            f"p99 {base['search_p99_ms']:.2f} ms; the API's p50 with one client is "
            f"{ratio(result['endpoints']['search API, 1 client']['p50_ms'], base['search_p50_ms'])} of it "
            "(HTTP, routing, JSON).",
            f"- Opening a workspace (store + index) costs {base['open_workspace_p50_ms']:.2f} ms p50; "
            "the app opens one per reader thread, not one per request.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser, out_help="write the raw results as JSON to this file")
    parser.add_argument("--n", type=int, default=100_000, help="generated articles")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="load per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=2, help="reader threads of the server")
    parser.add_argument("--build-workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument(
        "--workdir", type=Path, default=None, help="build here and keep it (default: a temp dir)"
    )
    parser.add_argument("--report", type=Path, help="print and --write-md the results saved by --out")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.workers)
        return 0
    if args.report:
        result = json.loads(args.report.read_text(encoding="utf-8"))
    else:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="suanli-bench-web-"))
        try:
            result = run(workdir, args)
        finally:
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)
    print(text_table(HEADERS, _rows(result)))
    print(report(result).split("\n\n", 4)[-1])
    if args.out and not args.report:
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    if args.write_md:
        write_md_section(args.write_md, "web", report(result))
    return 0


def run(workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    built = build(workdir, args.n, seed=args.seed, workers=args.build_workers)
    queries = generate_queries(args.queries, seed=args.seed)
    result: dict[str, Any] = {
        "n": args.n,
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
        "build": {k: v for k, v in built.items() if k != "sample_ids"},
        "load_before": os.getloadavg()[0],
        "baseline": baseline(workdir, queries),
        "endpoints": {},
    }
    ids = list(built["sample_ids"])
    random.Random(args.seed).shuffle(ids)
    plans = {
        "search API": [f"/api/search?{urlencode({'q': q})}" for q in queries],
        "search page": [f"/?{urlencode({'q': q})}" for q in queries],
        "article page": [f"/articles/{i}" for i in ids[:500]],
    }
    proc, base = start_server(workdir, args.workers)
    SERVER_PID[0] = proc.pid
    try:
        for clients in (args.clients, 1):
            for name, paths in plans.items():
                label = name if clients == args.clients else f"{name}, 1 client"
                result["endpoints"][label] = run_load(
                    base, paths, clients=clients, seconds=args.seconds, warmup=args.warmup
                )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result.update(load_after=os.getloadavg()[0], machine=machine_line(), command=command_line())
    return result


if __name__ == "__main__":
    raise SystemExit(main())
