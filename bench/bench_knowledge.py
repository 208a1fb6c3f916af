"""Throughput of entity and fact extraction (find_article_mentions + extract_facts) per article.

Articles come from ``finreport_news_archive`` (distinct links, HTML summaries split at block
tags; the goal of 300 articles/s is for news of this kind) and, as a second set, the labelled
facts texts repeated. One process and ``--workers`` processes (default 2, one per core) are
timed; each worker loads its own knowledge base, which is not counted. Events are timed too but
are not part of the goal. When other work shares the machine the wall clock understates the
rate, so CPU time is reported as well: the busiest worker's CPU time gives the rate the workers
reach on cores of their own.

Usage: python bench/bench_knowledge.py [--data DIR] [--limit N] [--workers N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from common import DEFAULT_DATA
from eval_facts import DEFAULT_LABELLED, article_of, corpus_articles

from suanli.knowledge import KnowledgeBase, detect_events, extract_facts, find_article_mentions, load_kb
from suanli.models import Article

GOAL = 300.0
_KB: KnowledgeBase | None = None


def _init() -> None:
    global _KB
    _KB = load_kb()


def _extract(articles: list[Article]) -> tuple[int, int, float]:
    assert _KB is not None
    mentions = facts = 0
    start = time.process_time()
    for article in articles:
        found = find_article_mentions(article, _KB)
        mentions += len(found)
        facts += len(extract_facts(article, _KB, mentions=found))
    return mentions, facts, time.process_time() - start


def run_serial(kb: KnowledgeBase, articles: list[Article], *, events: bool = False) -> dict[str, float]:
    start, cpu = time.perf_counter(), time.process_time()
    mentions = facts = n_events = 0
    for article in articles:
        found = find_article_mentions(article, kb)
        extracted = extract_facts(article, kb, mentions=found)
        mentions += len(found)
        facts += len(extracted)
        if events:
            n_events += len(detect_events(article, kb, extracted, mentions=found))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "per_s": len(articles) / seconds,
        "per_cpu_s": len(articles) / cpu,
        "mentions": mentions,
        "facts": facts,
        "events": n_events,
    }


def run_parallel(articles: list[Article], workers: int) -> dict[str, float]:
    chunks = [articles[i::workers] for i in range(workers)]
    # Spawned, not forked: a forked worker can inherit a lock another thread holds and hang.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, mp_context=context) as pool:
        list(pool.map(_extract, [[] for _ in range(workers)]))  # start the workers, load the KB
        start = time.perf_counter()
        results = list(pool.map(_extract, chunks))
        seconds = time.perf_counter() - start
    return {
        "per_s": len(articles) / seconds,
        "per_s_own_cores": len(articles) / max(r[2] for r in results),
        "facts": sum(r[1] for r in results),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help=f"data folder (default {DEFAULT_DATA})"
    )
    parser.add_argument("--limit", type=int, default=3373, help="distinct corpus articles to use")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=20, help="copies of the labelled texts")
    args = parser.parse_args(argv)
    kb = load_kb()
    sets: list[tuple[str, list[Article]]] = []
    corpus = corpus_articles(args.data, args.limit)
    if corpus:
        sets.append(("finreport_news_archive", corpus))
    else:
        print(f"skipped corpus: {args.data / 'finreport_news_archive'} not found")
    if DEFAULT_LABELLED.is_file():
        lines = DEFAULT_LABELLED.read_text(encoding="utf-8").splitlines()
        labelled = [article_of(json.loads(line)) for line in lines if line.strip()]
        sets.append(("labelled texts", labelled * args.repeat))
    for name, articles in sets:
        chars = sum(len(b.text) for a in articles for b in a.blocks)
        print(f"{name}: {len(articles)} articles, {chars / len(articles):.0f} characters each on average")
        run_serial(kb, articles[:50])  # warm caches
        one = run_serial(kb, articles)
        with_events = run_serial(kb, articles, events=True)
        many = run_parallel(articles, args.workers)
        print(
            f"  1 process: {one['per_s']:5.0f} articles/s wall, {one['per_cpu_s']:5.0f} per CPU second"
            f" ({one['facts']:.0f} facts, {one['mentions']:.0f} mentions)"
        )
        print(
            f"  1 process with events: {with_events['per_s']:5.0f} articles/s wall,"
            f" {with_events['per_cpu_s']:5.0f} per CPU second ({with_events['events']:.0f} events)"
        )
        verdict = "meets" if many["per_s_own_cores"] >= GOAL else "misses"
        print(
            f"  {args.workers} processes: {many['per_s']:5.0f} articles/s wall,"
            f" {many['per_s_own_cores']:5.0f} on cores of their own; {verdict} the goal of {GOAL:.0f}/s"
        )
    print(
        f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
