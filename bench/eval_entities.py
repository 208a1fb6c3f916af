"""Entity recognition on CFBenchmark company and product tasks: suanli vs a plain dictionary match.

Gold is a list of names per text (no offsets), so scores are set precision/recall/F1 of names,
micro-averaged over texts, after width folding and case folding. Three systems run on the same
texts:

- ``dictionary``: every shipped alias found as a plain substring, longest first, no boundaries,
  no ambiguity handling, no discovery (the baseline the issue asks for);
- ``kb``: suanli's alias matcher with boundaries, weak-alias confirmation and ambiguity handling;
- ``kb+discover``: the same plus company names found by how the text marks companies.

Company task: mentions of type ``company``. Product task: chips, systems, architectures, software,
models, number formats and categories. The knowledge base covers the AI compute market while
CFBenchmark covers all A-share news, so recall is bounded by coverage; see ``--show-misses``.
The set has no holdout split: the discovery patterns were written while looking at the
even-numbered records, so ``--split odd`` is the fairer figure.

Usage: python bench/eval_entities.py [--data DIR] [--split all|even|odd] [--show-misses N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from common import DEFAULT_DATA

from suanli.knowledge import KnowledgeBase, find_mentions, load_kb
from suanli.summary.numbers import fold_width

PRODUCT_TYPES = frozenset(
    {"chip", "system", "architecture", "software", "model", "number_format", "category"}
)
Predictor = Callable[[str], set[str]]


def norm(name: str) -> str:
    return fold_width(name).strip().casefold()


def dictionary_predictor(kb: KnowledgeBase, types: frozenset[str]) -> Predictor:
    names = sorted(
        {n for e in kb if e.type in types for n in (e.name_zh, e.name_en, *e.aliases, *e.weak_aliases) if n},
        key=len,
        reverse=True,
    )

    def predict(text: str) -> set[str]:
        found, rest = set(), text
        for name in names:
            if name in rest:
                found.add(name)
                rest = rest.replace(name, "\0")
        return found

    return predict


def suanli_predictor(kb: KnowledgeBase, types: frozenset[str], *, discover: bool) -> Predictor:
    def predict(text: str) -> set[str]:
        return {m.text for m in find_mentions(text, kb, discover=discover) if m.entity_type in types}

    return predict


def score(records: Iterable[dict[str, object]], predict: Predictor) -> dict[str, float]:
    tp = fp = fn = 0
    for record in records:
        gold = {norm(str(g)) for g in record["entities"] if str(g).strip()}  # type: ignore[attr-defined]
        pred = {norm(p) for p in predict(str(record["text"]))}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help=f"data folder (default {DEFAULT_DATA})"
    )
    parser.add_argument("--split", choices=("all", "even", "odd"), default="all")
    parser.add_argument("--show-misses", type=int, default=0, help="print N texts with errors per task")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    path = args.data / "cfbench_entities" / "cfbench_entities.jsonl"
    if not path.is_file():
        print(f"skipped: {path} not found")
        return 0
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.split != "all":
        parity = 0 if args.split == "even" else 1
        records = [r for r in records if int(r["id"].rsplit("-", 1)[1]) % 2 == parity]
    kb = load_kb()
    results: dict[str, dict[str, dict[str, float]]] = {}
    for task, types in (("company", frozenset({"company"})), ("product", PRODUCT_TYPES)):
        subset = [r for r in records if r["task"] == task]
        systems = {
            "dictionary": dictionary_predictor(kb, types),
            "kb": suanli_predictor(kb, types, discover=False),
            "kb+discover": suanli_predictor(kb, types, discover=True),
        }
        results[task] = {name: score(subset, predict) for name, predict in systems.items()}
        results[task]["_texts"] = {"n": float(len(subset))}
        if args.show_misses:
            _show_misses(subset, systems["kb+discover"], args.show_misses)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    print(f"CFBenchmark entities, split={args.split}, knowledge base of {len(kb)} entities")
    print(
        f"{'task':<8} {'system':<12} {'texts':>5} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    )
    for task, by_system in results.items():
        n = int(by_system["_texts"]["n"])
        for name, s in by_system.items():
            if name == "_texts":
                continue
            print(
                f"{task:<8} {name:<12} {n:>5} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"
                f" {int(s['tp']):>5} {int(s['fp']):>5} {int(s['fn']):>5}"
            )
    return 0


def _show_misses(records: list[dict[str, object]], predict: Predictor, limit: int) -> None:
    shown = 0
    for record in records:
        gold = {norm(str(g)) for g in record["entities"]}  # type: ignore[attr-defined]
        pred = {norm(p) for p in predict(str(record["text"]))}
        if gold != pred and shown < limit:
            shown += 1
            print(f"--- {record['id']}: missed {sorted(gold - pred)} extra {sorted(pred - gold)}")
            print("    " + str(record["text"])[:200].replace("\n", " "))


if __name__ == "__main__":
    sys.exit(main())
