"""Precision and recall of same-story pairs: the project's labelled pairs and two public datasets.

1. ``tests/data/stories/pairs.jsonl`` (in the repository): each pair grouped alone in a fresh
   StoryIndex, then all articles grouped together (so chains through third articles count).
2. ``disc_fin_retrieval`` (dev split): the 2-3 references of one question are often several
   outlets' reports of one event, so they are weak positive pairs; references of different
   questions are negative pairs. The corpus has no dates: the same-event rule needs one, so it is
   scored once without dates (near-duplicate rule only) and once with every date set equal.
3. ``finreport_news_archive``: one article per link (the last collected version). Positives are
   links collected more than once with edited text (their versions must group together), judged
   pairs are the link pairs in ``tests/data/stories/finreport_judged.tsv`` (labelled by reading
   both items; they include every pair sharing a title). Precision over all predicted pairs is
   estimated from the judged ones among them.

Entities come from ``--entities``: ``given`` (annotated in pairs.jsonl; dictionary terms
elsewhere), ``terms`` (shipped dictionary terms found in the text) or ``kb`` (the knowledge base's
entity ids, when ``suanli.knowledge`` is importable). Baselines in the same run: identical
normalised bodies, and the near-duplicate rule alone.

Usage:
    python bench/eval_stories.py                     # all three, entities: given, then kb if present
    python bench/eval_stories.py --entities terms --list-pairs /tmp/pairs.tsv
"""

from __future__ import annotations

import argparse
import csv
import html
import itertools
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from common import REPO_ROOT, add_common_args, command_line, markdown_table, text_table, write_md_section

from suanli.config import Settings
from suanli.dictionary import load_terms
from suanli.stories import StoryConfig, StoryIndex, StoryInput
from suanli.stories.minhash import normalize_for_shingles
from suanli.summary.terms import TermMatcher

PAIRS = REPO_ROOT / "tests" / "data" / "stories" / "pairs.jsonl"
JUDGED = REPO_ROOT / "tests" / "data" / "stories" / "finreport_judged.tsv"
EPOCH_2023 = datetime(2023, 6, 1, tzinfo=UTC)
EntityFn = Callable[[str], frozenset[str]]


@dataclass(frozen=True, slots=True)
class Score:
    dataset: str
    method: str
    positives: int
    negatives: int
    tp: int
    fp: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / self.positives if self.positives else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> list[object]:
        return [
            self.dataset,
            self.method,
            self.positives,
            self.negatives,
            self.precision,
            self.recall,
            self.f1,
        ]


def score_pairs(
    dataset: str, method: str, labels: dict[tuple[str, str], bool], story_of: dict[str, str]
) -> Score:
    """Pair-level counts: a pair is predicted same-story when both ids have the same story."""
    tp = fp = 0
    for (a, b), same in labels.items():
        predicted = story_of.get(a) is not None and story_of.get(a) == story_of.get(b)
        tp += predicted and same
        fp += predicted and not same
    positives = sum(labels.values())
    return Score(dataset, method, positives, len(labels) - positives, tp, fp)


# -- entities --------------------------------------------------------------------------------------


def term_entities() -> EntityFn:
    matcher = TermMatcher(load_terms(Settings(data_dir="/nonexistent")))
    return lambda text: frozenset(matcher.find(text))


def kb_entities() -> EntityFn | None:
    try:
        from suanli.knowledge import find_mentions, load_kb  # optional: built in parallel
    except ImportError:
        return None
    kb = load_kb()
    generic = {"category", "number_format", "index", "exchange", "board"}
    return lambda text: frozenset(
        m.entity_id
        for m in find_mentions(text, kb)
        if m.entity_id is not None and m.entity_type not in generic
    )


# -- methods ---------------------------------------------------------------------------------------


def method_configs() -> dict[str, StoryConfig | None]:
    """``None`` is the exact-body baseline."""
    full = StoryConfig()
    return {
        "exact body (baseline)": None,
        "near-duplicate rule only": replace(full, min_shared_anchors=10_000),
        "both rules (defaults)": full,
    }


def group(items: Sequence[StoryInput], config: StoryConfig | None) -> dict[str, str]:
    if config is None:
        first: dict[str, str] = {}
        out: dict[str, str] = {}
        for item in items:
            normal = normalize_for_shingles(item.text)
            key = normal if len(normal) >= StoryConfig().min_chars else item.article_id
            out[item.article_id] = first.setdefault(key, item.article_id)
        return out
    return StoryIndex.build(items, config).story_ids()


# -- 1. labelled pairs -----------------------------------------------------------------------------


def load_pairs() -> list[dict[str, Any]]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def pair_input(side: dict[str, Any], entity_mode: str, entities: EntityFn) -> StoryInput:
    text, title = str(side["text"]), str(side["title"])
    found = frozenset(side["entities"]) if entity_mode == "given" else entities(f"{title}\n{text}")
    when = datetime.fromisoformat(str(side["published_at"]))
    return StoryInput(str(side["id"]), text, title=title, published_at=when, entities=found)


def eval_labelled(entity_mode: str, entities: EntityFn) -> tuple[list[Score], list[list[object]]]:
    """Scores per method (pairs alone, then all articles together) and, for the defaults, per kind."""
    pairs = load_pairs()
    labels = {(p["a"]["id"], p["b"]["id"]): p["label"] == "same" for p in pairs}
    scores: list[Score] = []
    kinds: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for method, config in method_configs().items():
        alone: dict[str, str] = {}
        for n, pair in enumerate(pairs):
            a, b = pair_input(pair["a"], entity_mode, entities), pair_input(pair["b"], entity_mode, entities)
            story = group([a, b], config)
            same = story[a.article_id] == story[b.article_id]
            alone[a.article_id] = f"{n}a"
            alone[b.article_id] = f"{n}a" if same else f"{n}b"
            if config == StoryConfig():
                kinds[pair["kind"]][0] += same == (pair["label"] == "same")
                kinds[pair["kind"]][1] += 1
        scores.append(score_pairs("labelled pairs, each alone", method, labels, alone))
        everything = [pair_input(p[side], entity_mode, entities) for p in pairs for side in ("a", "b")]
        scores.append(score_pairs("labelled pairs, all together", method, labels, group(everything, config)))
    by_kind: list[list[object]] = [[kind, f"{ok}/{n}"] for kind, (ok, n) in sorted(kinds.items())]
    return scores, by_kind


# -- 2. disc_fin_retrieval ------------------------------------------------------------------------


def eval_disc(folder: Path, entities: EntityFn) -> list[Score]:
    corpus = {}
    for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            corpus[doc["_id"]] = doc
    by_query: defaultdict[str, set[str]] = defaultdict(set)
    with (folder / "qrels_dev.tsv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row and row[0] != "query-id" and row[1] in corpus:
                by_query[row[0]].add(row[1])
    together: set[tuple[str, str]] = set()
    for docs in by_query.values():
        together |= {tuple(sorted(p)) for p in itertools.combinations(docs, 2)}  # type: ignore[misc]
    judged = sorted({d for docs in by_query.values() for d in docs})
    labels = {pair: pair in together for pair in itertools.combinations(judged, 2)}
    scores: list[Score] = []
    for dated in (False, True):
        items = []
        for doc_id, doc in corpus.items():
            body = doc["text"].split("\n", 1)[1] if "\n" in doc["text"] else doc["text"]
            items.append(
                StoryInput(
                    doc_id,
                    body,
                    title=doc["title"],
                    published_at=EPOCH_2023 if dated else None,
                    entities=entities(f"{doc['title']}\n{body[: StoryConfig().anchor_chars]}"),
                )
            )
        for method, config in method_configs().items():
            if dated and config is None:
                continue
            name = "disc_fin_retrieval dev" + (", dates set equal" if dated else ", no dates")
            scores.append(score_pairs(name, method, labels, group(items, config)))
    return scores


# -- 3. finreport_news_archive --------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    text = _TAG.sub("\n", fragment or "")
    return "\n".join(line.strip() for line in html.unescape(text).splitlines() if line.strip())


def _published(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def finreport_items(folder: Path, entities: EntityFn) -> tuple[list[StoryInput], list[StoryInput]]:
    """One input per link (its last version), and the earlier versions whose text differs from it."""
    versions: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            versions[record["link"]].append(record)

    def make(record: dict[str, str], article_id: str) -> StoryInput:
        body = _plain(record.get("summary_html", ""))
        return StoryInput(
            article_id,
            body,
            title=record["title"],
            published_at=_published(record.get("published")),
            entities=entities(f"{record['title']}\n{body[: StoryConfig().anchor_chars]}"),
        )

    latest, edited = [], []
    for link, records in versions.items():
        latest.append(make(records[-1], link))
        last_text = _plain(records[-1].get("summary_html", ""))
        for n, record in enumerate(records[:-1]):
            if _plain(record.get("summary_html", "")) != last_text and len(last_text) > 0:
                edited.append(make(record, f"{link}#v{n}"))
    return latest, edited


def read_judged(path: Path) -> dict[tuple[str, str], bool]:
    labels: dict[tuple[str, str], bool] = {}
    if not path.is_file():
        return labels
    with path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) >= 3 and not row[0].startswith("#") and row[0] != "link_a":
                a, b = sorted((row[0], row[1]))
                labels[(a, b)] = row[2] == "same"
    return labels


def predicted_pairs(story_of: dict[str, str]) -> set[tuple[str, str]]:
    members: defaultdict[str, list[str]] = defaultdict(list)
    for article_id, story in story_of.items():
        members[story].append(article_id)
    out: set[tuple[str, str]] = set()
    for ids in members.values():
        out |= {tuple(sorted(p)) for p in itertools.combinations(ids, 2)}  # type: ignore[misc]
    return out


def eval_finreport(
    folder: Path, entities: EntityFn, list_pairs: Path | None
) -> tuple[list[Score], list[str]]:
    latest, edited = finreport_items(folder, entities)
    judged = read_judged(JUDGED)
    notes: list[str] = []
    scores: list[Score] = []
    for method, config in method_configs().items():
        story_of = group(latest + edited, config)
        edit_labels = {(e.article_id.split("#v")[0], e.article_id): True for e in edited}
        scores.append(score_pairs("finreport: edited re-collections", method, edit_labels, story_of))
        latest_only = {k: v for k, v in story_of.items() if "#v" not in k}
        predicted = predicted_pairs(latest_only)
        scores.append(score_pairs("finreport: judged link pairs", method, judged, latest_only))
        covered = sum(1 for p in predicted if p in judged)
        notes.append(
            f"{method}: {len(predicted):,} predicted same-story pairs among {len(latest):,} links, "
            f"{covered:,} of them judged"
        )
        if list_pairs is not None and config is not None and config == StoryConfig():
            by_id = {i.article_id: i for i in latest}
            with list_pairs.open("w", encoding="utf-8") as fh:
                for a, b in sorted(predicted):
                    ta, tb = by_id[a].title, by_id[b].title
                    fh.write(f"{a}\t{b}\t{judged.get((a, b), '')}\t{ta}\t{tb}\n")
    return scores, notes


# -- main ------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser, out_help="write the scores as JSON to this file")
    parser.add_argument("--entities", choices=("given", "terms", "kb"), default="given")
    parser.add_argument(
        "--list-pairs", type=Path, default=None, help="write finreport's predicted pairs (TSV)"
    )
    args = parser.parse_args(argv)
    entity_fn = kb_entities() if args.entities == "kb" else term_entities()
    if entity_fn is None:
        print("skipped: suanli.knowledge is not available for --entities kb")
        return 0
    scores, kinds = eval_labelled(args.entities, entity_fn)
    notes: list[str] = []
    disc = args.data / "disc_fin_retrieval"
    if disc.is_dir():
        scores += eval_disc(disc, entity_fn)
    else:
        notes.append(f"skipped: {disc} not found")
    finreport = args.data / "finreport_news_archive"
    if finreport.is_dir():
        more, finreport_notes = eval_finreport(finreport, entity_fn, args.list_pairs)
        scores += more
        notes += finreport_notes
    else:
        notes.append(f"skipped: {finreport} not found")
    headers = ["dataset", "method", "pos", "neg", "precision", "recall", "F1"]
    print(f"entities: {args.entities}")
    print(text_table(headers, [s.row() for s in scores]))
    print()
    print(text_table(["labelled pairs by kind (defaults, each alone)", "right"], kinds))
    for note in notes:
        print(note)
    if args.out:
        args.out.write_text(json.dumps([_as_dict(s) for s in scores], indent=2), encoding="utf-8")
    if args.write_md:
        body = f"### Story grouping accuracy (entities: {args.entities})\n\n`{command_line()}`\n\n"
        body += (
            markdown_table(headers, [s.row() for s in scores]) + "\n\n" + "\n".join(f"- {n}" for n in notes)
        )
        write_md_section(Path(args.write_md), f"stories-eval-{args.entities}", body)
    return 0


def _as_dict(score: Score) -> dict[str, object]:
    return {
        "dataset": score.dataset,
        "method": score.method,
        "positives": score.positives,
        "negatives": score.negatives,
        "tp": score.tp,
        "fp": score.fp,
        "precision": score.precision,
        "recall": score.recall,
    }


if __name__ == "__main__":
    sys.exit(main())
