"""Throughput of story grouping alone (StoryIndex.add) on generated zh/en articles with reposts.

1. Generate ``--n`` articles in publication order. Text is drawn from jieba's word frequencies
   (English from a made-up vocabulary) with dictionary terms as entities, numbers and a date in the
   lede, ``--min-chars``..``--max-chars`` long. A ``--repost-share`` of them are light edits of a
   recent article (prefix, a few changed characters, a source line, up to two days later) and a
   ``--coverage-share`` are other outlets' reports of a recent article's event (fresh words, the
   same entities, date and one figure). Entities are given, as the knowledge layer would give them.
2. Time ``StoryIndex.add`` over all of them (signature, LSH, anchors, same-event rule), once with
   anchors extracted from the text and once with them given; then signatures alone, anchors alone.
3. Time ``StoryIndex.from_records`` (the restart path) and read the peak RSS.
4. Baseline in the same run: signatures with datasketch's default hash function (SHA-1 of every
   shingle) on the first 5,000 articles.

Rates are per second of this process's CPU time (``time.process_time``), so other load on the
machine does not count; wall-clock rates are printed beside them. Before each timed part, the objects
already alive are frozen out of the garbage collector (``gc.freeze``): the 100k generated articles
held in one list would otherwise make every full collection several times slower, which grouping
in ingest (articles read from the store a batch at a time) does not pay.

Usage:
    python bench/bench_stories.py --quick          # 20k articles, ~1 min
    python bench/bench_stories.py                  # 100k articles, the documented run
"""

from __future__ import annotations

import argparse
import bisect
import gc
import itertools
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jieba
from common import (
    add_common_args,
    command_line,
    machine_line,
    markdown_table,
    peak_rss_mb,
    rss_mb,
    text_table,
    write_md_section,
)
from datasketch import MinHash

from suanli.config import Settings
from suanli.dictionary import load_terms
from suanli.stories import StoryConfig, StoryIndex, StoryInput, extract_anchors, make_signature
from suanli.stories.minhash import normalize_for_shingles

GOAL_PER_S = 1000.0
BASELINE_N = 5000
START = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 365


@dataclass(frozen=True, slots=True)
class Item:
    story_input: StoryInput
    kind: str  # "original", "repost" or "coverage"
    original_id: str | None = None
    date_text: str = ""
    figure: str = ""


@dataclass(slots=True)
class Watch:
    cpu_s: float = 0.0
    wall_s: float = 0.0


@contextmanager
def watch() -> Iterator[Watch]:
    """Time the block; what is alive before it (the generated corpus, indexes built earlier) is
    frozen out of the garbage collector first, so its collections walk only what the block makes,
    as in ingest, where articles stream from the store instead of sitting in one list."""
    gc.collect()
    gc.freeze()
    w = Watch()
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        yield w
    finally:
        w.cpu_s, w.wall_s = time.process_time() - cpu, time.perf_counter() - wall


@dataclass(slots=True)
class Vocab:
    words: list[str]
    cum: list[float]
    entities_zh: list[str]
    entities_en: list[str]
    en_words: list[str] = field(default_factory=list)

    def zh_word(self, rng: random.Random) -> str:
        return self.words[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def load_vocab(seed: int) -> Vocab:
    """The 40,000 most frequent jieba words with their frequencies; dictionary terms as entities."""
    path = Path(jieba.__file__).with_name("dict.txt")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        if all("\u4e00" <= ch <= "\u9fff" for ch in word):
            rows.append((int(freq), word))
    rows.sort(reverse=True)
    rows = rows[:40_000]
    cum = list(itertools.accumulate(float(f) for f, _ in rows))
    terms = load_terms(Settings(data_dir="/nonexistent"))
    rng = random.Random(seed)
    syllables = [a + b for a in "bcdfgklmnprstvw" for b in ("a", "e", "i", "o", "u", "ai", "ou", "er")]
    en_words = ["".join(rng.choice(syllables) for _ in range(rng.randrange(1, 4))) for _ in range(8000)]
    return Vocab(
        words=[w for _, w in rows],
        cum=cum,
        entities_zh=[t for t in terms if not t.isascii()],
        entities_en=[t for t in terms if t.isascii()],
        en_words=en_words,
    )


def _zipf(rng: random.Random, items: Sequence[str]) -> str:
    return items[min(int(len(items) ** rng.random()) - 1, len(items) - 1)]


def _figure(rng: random.Random, lang: str) -> str:
    value = round(rng.uniform(1, 999), 1)
    if lang == "zh":
        return rng.choice((f"{value}亿元", f"{value}%", f"{value}万台", f"{value}亿美元"))
    return rng.choice((f"${value} billion", f"{value}%", f"{value} million units"))


def _sentence(rng: random.Random, vocab: Vocab, lang: str, extra: Sequence[str]) -> str:
    n = rng.randrange(10, 26)
    if lang == "zh":
        words = [vocab.zh_word(rng) for _ in range(n)]
    else:
        words = [rng.choice(vocab.en_words) for _ in range(n)]
    for piece in extra:
        words.insert(rng.randrange(len(words) + 1), piece)
    return ("".join(words) + "。") if lang == "zh" else (" ".join(words).capitalize() + ".")


def _body(
    rng: random.Random, vocab: Vocab, lang: str, entities: Sequence[str], lede: Sequence[str], chars: int
) -> str:
    parts = [_sentence(rng, vocab, lang, [*lede, *entities[:2]])]
    while sum(len(p) for p in parts) < chars:
        extra: list[str] = []
        if rng.random() < 0.35:
            extra.append(rng.choice(entities))
        if rng.random() < 0.25:
            extra.append(_figure(rng, lang))
        parts.append(_sentence(rng, vocab, lang, extra))
    return ("" if lang == "zh" else " ").join(parts)


def _date_text(when: datetime, lang: str) -> str:
    if lang == "zh":
        return f"{when.month}月{when.day}日"
    return when.strftime("%b. ") + str(when.day)


def _date_of(item: StoryInput) -> datetime:
    assert item.published_at is not None  # every generated article is dated
    return item.published_at


def generate(
    n: int, *, seed: int, repost_share: float, coverage_share: float, min_chars: int, max_chars: int
) -> list[Item]:
    """``n`` items, deterministic by ``seed``; reposts and coverage refer to one of the last 300 originals."""
    vocab = load_vocab(seed)
    items: list[Item] = []
    originals: list[Item] = []
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        roll = rng.random()
        if originals and roll < repost_share:
            source = originals[rng.randrange(max(0, len(originals) - 300), len(originals))]
            base = source.story_input
            chars = list(base.text)
            for _ in range(max(1, len(chars) // 100)):
                chars[rng.randrange(len(chars))] = rng.choice("的了和与在是")
            text = "【来源：网络】" + "".join(chars) + "（责任编辑：张三）"
            when = _date_of(base) + timedelta(hours=rng.randrange(1, 48))
            item = replace(
                base, article_id=f"r{i:07d}", text=text, title="转载：" + base.title, published_at=when
            )
            items.append(Item(item, "repost", base.article_id))
            continue
        lang = "zh" if rng.random() < 0.85 else "en"
        pool = vocab.entities_zh if lang == "zh" else vocab.entities_en
        chars_n = rng.randrange(min_chars, max_chars + 1)
        if originals and roll < repost_share + coverage_share:
            source = originals[rng.randrange(max(0, len(originals) - 300), len(originals))]
            entities = sorted(source.story_input.entities)
            lang = "zh" if "月" in source.date_text else "en"  # coverage repeats the original's figure
            when = _date_of(source.story_input) + timedelta(hours=rng.randrange(1, 48))
            text = _body(rng, vocab, lang, entities, [source.date_text, source.figure], chars_n)
            title = "".join(vocab.zh_word(rng) for _ in range(6)) if lang == "zh" else "Report"
            item = StoryInput(f"c{i:07d}", text, title=title, published_at=when, entities=frozenset(entities))
            items.append(Item(item, "coverage", source.story_input.article_id))
            continue
        entities = sorted({_zipf(rng, pool) for _ in range(rng.randrange(1, 4))})
        when = START + timedelta(seconds=rng.randrange(DAYS * 86400))
        event_day = when - timedelta(days=rng.randrange(0, 2))
        date_text, figure = _date_text(event_day, lang), _figure(rng, lang)
        text = _body(rng, vocab, lang, entities, [date_text, figure], chars_n)
        title = entities[0] + ("".join(vocab.zh_word(rng) for _ in range(6)) if lang == "zh" else " news")
        item = StoryInput(f"a{i:07d}", text, title=title, published_at=when, entities=frozenset(entities))
        original = Item(item, "original", None, date_text, figure)
        items.append(original)
        originals.append(original)
    # Publication order, as a feed would deliver them.
    items.sort(key=lambda it: (it.story_input.published_at, it.story_input.article_id))
    return items


def run(args: argparse.Namespace) -> dict[str, float]:
    config = StoryConfig()
    # 1. corpus
    with watch() as gen_time:
        items = generate(
            args.n,
            seed=args.seed,
            repost_share=args.repost_share,
            coverage_share=args.coverage_share,
            min_chars=args.min_chars,
            max_chars=args.max_chars,
        )
    inputs = [i.story_input for i in items]
    n = len(inputs)
    chars = sum(len(i.text) for i in inputs) / n
    print(f"generated {n:,} articles (mean {chars:,.0f} chars) in {gen_time.wall_s:.1f} s", file=sys.stderr)
    # 2. grouping, then its halves. One signature first loads the compiled signature code (numba and
    # LLVM, about 100 MB of RSS once per process), which is not memory of the index.
    make_signature(inputs[0].text, config)
    gc.collect()
    before_mb = rss_mb()
    index = StoryIndex(config)
    with watch() as group_time:
        for item in inputs:
            index.add(item)
    index_mb = rss_mb() - before_mb
    print(f"grouped in {group_time.wall_s:.1f} s", file=sys.stderr)
    given = [replace(i, anchors=frozenset(index.record(i.article_id).anchors)) for i in inputs]
    second = StoryIndex(config)
    with watch() as given_time:
        for item in given:
            second.add(item)
    assert second.story_ids() == index.story_ids()
    del second
    with watch() as sign_time:
        for item in inputs:
            make_signature(item.text, config)
    with watch() as anchor_time:
        for item in inputs:
            extract_anchors(
                f"{item.title}\n{item.text[: config.anchor_chars]}", published_at=item.published_at
            )
    # 2b. the same grouping with signatures and anchors worked out by worker processes
    parallel = StoryIndex(config)
    with watch() as parallel_time:
        parallel.add_many(inputs, workers=args.workers)
    assert parallel.story_ids() == index.story_ids()
    del parallel
    # 3. restart path
    records = index.records()
    with watch() as restore_time:
        restored = StoryIndex.from_records(records, config)
    assert restored.story_ids() == index.story_ids()
    del restored, records
    # 4. baseline: datasketch defaults (SHA-1 per shingle)
    base_n = min(BASELINE_N, n)
    with watch() as base_time:
        for item in inputs[:base_n]:
            normal = normalize_for_shingles(item.text)
            m = MinHash(num_perm=config.num_perm, seed=config.seed)
            k = config.shingle_size
            m.update_batch([normal[j : j + k].encode("utf-8") for j in range(max(len(normal) - k + 1, 1))])
    figures = {
        "articles": float(n),
        "mean_chars": chars,
        "group_per_cpu_s": n / group_time.cpu_s,
        "group_per_wall_s": n / group_time.wall_s,
        "group_anchors_given_per_cpu_s": n / given_time.cpu_s,
        "group_parallel_per_wall_s": n / parallel_time.wall_s,
        "signature_per_cpu_s": n / sign_time.cpu_s,
        "anchors_per_cpu_s": n / anchor_time.cpu_s,
        "restore_per_cpu_s": n / restore_time.cpu_s,
        "baseline_signature_per_cpu_s": base_n / base_time.cpu_s,
        "stories": float(len(index.stories())),
        "index_mb": index_mb,
        "peak_rss_mb": peak_rss_mb(),
    }
    for kind in ("repost", "coverage"):
        group = [i for i in items if i.kind == kind]
        hits = sum(
            1
            for i in group
            if index.story_of(i.story_input.article_id) == index.story_of(i.original_id or "")
        )
        figures[f"{kind}_found"] = hits / len(group) if group else float("nan")
    originals = [i for i in items if i.kind == "original"]
    joined = sum(1 for i in originals if index.assignment(i.story_input.article_id).rule != "new")
    figures["originals_joined"] = joined / len(originals) if originals else float("nan")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser, out_help="write the figures as JSON to this file")
    parser.add_argument("--n", type=int, default=100_000, help="articles to group (default 100,000)")
    parser.add_argument("--quick", action="store_true", help="20,000 articles")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes for the parallel grouping run (default 2)"
    )
    parser.add_argument("--repost-share", type=float, default=0.15)
    parser.add_argument("--coverage-share", type=float, default=0.15)
    parser.add_argument("--min-chars", type=int, default=400)
    parser.add_argument("--max-chars", type=int, default=1600)
    parser.add_argument("--report", type=Path, default=None, help="print figures saved by --out, run nothing")
    args = parser.parse_args(argv)
    if args.quick:
        args.n = min(args.n, 20_000)
    figures: dict[str, Any]
    if args.report is not None:
        figures = json.loads(args.report.read_text(encoding="utf-8"))
    else:
        figures = run(args)
        command = command_line() if argv is None else " ".join(["python", "bench/bench_stories.py", *argv])
        figures.update(machine=machine_line(), command=command, workers=args.workers)
    workers = int(figures.get("workers", args.workers))
    base = figures["baseline_signature_per_cpu_s"]
    headers = ["measure", "value", "vs baseline"]

    def rate(name: str, key: str) -> list[object]:
        return [name, figures[key], f"{figures[key] / base:.2f}x"]

    rows: list[list[object]] = [
        ["articles", int(figures["articles"]), ""],
        ["mean body chars", figures["mean_chars"], ""],
        rate("grouping, articles per CPU-second (goal >= 1,000)", "group_per_cpu_s"),
        rate("grouping, articles per wall-second", "group_per_wall_s"),
        rate("grouping with anchors given, articles per CPU-second", "group_anchors_given_per_cpu_s"),
        rate(
            f"grouping, signatures and anchors in {workers} worker processes, articles per wall-second",
            "group_parallel_per_wall_s",
        ),
        rate("signatures alone, articles per CPU-second", "signature_per_cpu_s"),
        rate("anchors alone, articles per CPU-second", "anchors_per_cpu_s"),
        rate("restore from records, articles per CPU-second", "restore_per_cpu_s"),
        ["baseline: datasketch SHA-1 signatures, articles per CPU-second", base, "1.00x"],
        ["stories", int(figures["stories"]), ""],
        ["reposts placed in their original's story", figures["repost_found"], ""],
        ["other outlets' coverage placed in the original's story", figures["coverage_found"], ""],
        ["originals wrongly joined to another story", figures["originals_joined"], ""],
        ["memory of the index (RSS growth while grouping), MiB", figures["index_mb"], ""],
        ["peak RSS of the whole run (corpus included), MiB", figures["peak_rss_mb"], ""],
    ]
    print(text_table(headers, rows))
    one = "met" if figures["group_per_cpu_s"] >= GOAL_PER_S else "NOT met"
    many = "met" if figures["group_parallel_per_wall_s"] >= GOAL_PER_S else "NOT met"
    print(f"goal {one} in one process; {many} with {workers} worker processes")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    if args.write_md:
        machine, command = figures.get("machine", machine_line()), figures.get("command", command_line())
        body = f"### Story grouping\n\n{machine}\n\n`{command}`\n\n" + markdown_table(headers, rows)
        write_md_section(Path(args.write_md), "stories", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
