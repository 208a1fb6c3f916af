"""Numeric facts: precision/recall on the project's labelled set, and span fidelity.

The labelled set (``tests/data/facts/labelled.jsonl``, see the README next to it) holds
project-written texts with hand-labelled facts. A predicted fact matches a gold fact of the
same paragraph when the tuple (subject, metric, value, unit, date) agrees: the subject as an
entity id (or, for unnamed subjects, as words one of which contains the other), the value within
1e-6 relative (both ends of a range; a vague amount by its scale), the unit exactly, the date by
its canonical label (``2025-08-22``, ``2025-Q1``, ``2023/2028``; empty when the text gives none).
Looser levels drop the date, then the subject, to show where errors come from.

Span fidelity: every predicted fact's ``span`` is exactly ``paragraph[span_start:span_end]`` and
contains ``value_text`` (goal 100%). It is measured on the labelled set and, when ``--data``
holds ``finreport_news_archive``, on its articles too.

Usage: python bench/eval_facts.py [--labelled FILE] [--data DIR] [--show-errors]
"""

from __future__ import annotations

import argparse
import html
import json
import math
import re
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA

from suanli.knowledge import KnowledgeBase, extract_facts, load_kb
from suanli.knowledge.models import Fact
from suanli.models import Article, Block

REPO = Path(__file__).resolve().parents[1]
DEFAULT_LABELLED = REPO / "tests" / "data" / "facts" / "labelled.jsonl"
Gold = dict[str, Any]


def article_of(record: dict[str, Any]) -> Article:
    blocks = tuple(Block(i, "body", p, i + 1) for i, p in enumerate(record["paragraphs"]))
    published = datetime.fromisoformat(record["published_at"].replace("Z", "+00:00"))
    return Article(
        record["text_id"],
        record["text_id"],
        blocks,
        record["lang"],
        record["text_id"],
        published_at=published,
    )


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def value_ok(fact: Fact, gold: Gold) -> bool:
    if gold.get("vague"):
        return fact.is_vague and fact.scale == gold["scale"]
    if "low" in gold:
        return _close(fact.value_low, gold["low"]) and _close(fact.value_high, gold["high"])
    return _close(fact.value, gold["value"])


def subject_ok(fact: Fact, gold: Gold) -> bool:
    if "subject" in gold:
        return fact.subject_id == gold["subject"]
    words, said = gold["subject_text"].casefold(), fact.subject_text.casefold()
    return bool(said) and (words in said or said in words)


def date_ok(fact: Fact, gold: Gold) -> bool:
    return (fact.period.label if fact.period else None) == gold["date"]


LEVELS: dict[str, Callable[[Fact, Gold], bool]] = {
    "strict (subject, metric, value, unit, date)": lambda f, g: (
        subject_ok(f, g)
        and f.metric == g["metric"]
        and value_ok(f, g)
        and f.unit == g["unit"]
        and date_ok(f, g)
    ),
    "no date (subject, metric, value, unit)": lambda f, g: (
        subject_ok(f, g) and f.metric == g["metric"] and value_ok(f, g) and f.unit == g["unit"]
    ),
    "no subject, no date (metric, value, unit)": lambda f, g: (
        f.metric == g["metric"] and value_ok(f, g) and f.unit == g["unit"]
    ),
}


def match(
    facts: list[Fact], golds: list[Gold], same: Callable[[Fact, Gold], bool]
) -> tuple[int, list[Gold], list[Fact]]:
    unused = list(facts)
    missed = []
    for gold in golds:
        hit = next((f for f in unused if f.paragraph_number == gold["paragraph"] and same(f, gold)), None)
        if hit is None:
            missed.append(gold)
        else:
            unused.remove(hit)
    return len(golds) - len(missed), missed, unused


def span_fidelity(pairs: Iterable[tuple[Article, list[Fact]]]) -> tuple[int, int, list[str]]:
    ok = total = 0
    bad: list[str] = []
    for article, facts in pairs:
        for fact in facts:
            total += 1
            block = article.paragraph(fact.paragraph_number)
            text = block.text if block else ""
            if text[fact.span_start : fact.span_end] == fact.span and fact.value_text in fact.span:
                ok += 1
            elif len(bad) < 5:
                bad.append(
                    f"{article.article_id}[{fact.paragraph_number}] {fact.value_text!r} not in {fact.span!r}"
                )
    return ok, total, bad


def corpus_articles(data: Path, limit: int) -> list[Article]:
    """Articles of finreport_news_archive, paragraphs split at block tags, tags stripped."""
    path = data / "finreport_news_archive" / "articles.jsonl"
    if not path.is_file():
        return []
    seen: set[str] = set()
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["link"] in seen:
            continue
        seen.add(record["link"])
        raw = re.sub(r"(?i)<br\s*/?>|</(?:p|div|h\d|li)>", "\n", record.get("summary_html") or "")
        paragraphs = [html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in raw.split("\n")]
        blocks = tuple(Block(i, "body", p, i + 1) for i, p in enumerate(p for p in paragraphs if p))
        if blocks:
            lang = "zh" if re.search(r"[\u4e00-\u9fff]", record["title"]) else "en"
            out.append(Article(f"fr{len(out)}", record["title"], blocks, lang, str(len(out))))
        if len(out) >= limit:
            break
    return out[:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=DEFAULT_LABELLED)
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="shared data folder, for span fidelity"
    )
    parser.add_argument(
        "--corpus-limit", type=int, default=2000, help="articles of the corpus to check spans on"
    )
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    if not args.labelled.is_file():
        print(f"skipped: {args.labelled} not found")
        return 0
    kb = load_kb()
    records = [
        json.loads(line) for line in args.labelled.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    results = [(article_of(r), r) for r in records]
    extracted = [(a, extract_facts(a, kb), r) for a, r in results]
    n_gold = sum(len(r["facts"]) for r in records)
    n_pred = sum(len(facts) for _, facts, _ in extracted)
    print(f"Labelled facts: {len(records)} texts, {n_gold} gold facts, {n_pred} predicted")
    print(f"{'level':<44} {'P':>6} {'R':>6} {'F1':>6}")
    for name, same in LEVELS.items():
        tp = sum(match(facts, r["facts"], same)[0] for _, facts, r in extracted)
        p, r = tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:<44} {p:>6.3f} {r:>6.3f} {f1:>6.3f}")
    ok, total, bad = span_fidelity((a, facts) for a, facts, _ in extracted)
    print(f"span fidelity, labelled set: {ok}/{total} = {ok / total if total else 1:.1%}")
    corpus = corpus_articles(args.data, args.corpus_limit)
    if corpus:
        ok2, total2, bad2 = span_fidelity((a, extract_facts(a, kb)) for a in corpus)
        share = ok2 / total2 if total2 else 1
        print(f"span fidelity, {len(corpus)} finreport articles: {ok2}/{total2} = {share:.1%}")
        bad += bad2
    else:
        print(f"span fidelity on a corpus skipped: {args.data / 'finreport_news_archive'} not found")
    for line in bad:
        print("  bad span:", line)
    if args.show_errors:
        _show_errors(extracted, kb)
    return 0


def _show_errors(extracted: list[tuple[Article, list[Fact], dict[str, Any]]], kb: KnowledgeBase) -> None:
    strict = next(iter(LEVELS.values()))
    for article, facts, record in extracted:
        _, missed, extra = match(facts, record["facts"], strict)
        if not missed and not extra:
            continue
        print(f"--- {article.article_id}")
        for gold in missed:
            print("   missed", {k: v for k, v in gold.items() if k != "paragraph"}, "p", gold["paragraph"])
        for fact in extra:
            value = fact.value if fact.value is not None else (fact.value_low, fact.value_high, fact.scale)
            label = fact.period.label if fact.period else None
            subject = fact.subject_id or repr(fact.subject_text)
            print(f"   extra  p{fact.paragraph_number} {subject} {fact.metric} {value} {fact.unit} {label}")


if __name__ == "__main__":
    sys.exit(main())
