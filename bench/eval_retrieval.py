"""Retrieval quality (nDCG@10, Recall@10, MRR@10) of suanli's search on BEIR-style Chinese sets.

A dataset is a folder with one ``corpus*.jsonl`` ({_id, title, text}), one ``queries*.jsonl``
({_id, text}) and one ``qrels*.tsv`` (query-id, corpus-id, score; header optional). Systems:

- ``suanli as shipped`` - ``Segmenter.query_tokens`` + ``TantivyIndex.search`` (documents with
  every token first; since 2026-11-25 partial matches fill the rest of the page);
- ``strict AND`` - only documents with every token, BM25 ranked (suanli's first behaviour);
- ``OR of tokens`` - any token may match, BM25 ranked;
- ``AND, OR if none`` - strict AND, and OR only when AND finds nothing;
- ``bigram BM25`` - the baseline: character bigrams, BM25 (k1=1.2, b=0.75) in plain Python.

The last three use the same tokens and the same tantivy index as suanli, through a second
handle on its folder, with the same per-token query (title boosted, or body).

For ``disc_fin_retrieval`` the distractors its SOURCE.md suggests are merged into the corpus
(``finna_summ/finna_unlabeled_inputs.jsonl`` and the distinct links of
``finreport_news_archive/articles.jsonl``), looked up under ``--distractor-root``.

Usage:
    python bench/eval_retrieval.py                       # both shared sets
    python bench/eval_retrieval.py --data /path/to/a_dataset_folder
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import tantivy
from common import (
    add_common_args,
    command_line,
    default_segmenter,
    machine_line,
    make_article,
    markdown_table,
    ratio,
    text_table,
    write_md_section,
)
from lxml.etree import ParserError

from suanli.search import MAX_QUERY_TOKENS
from suanli.stages.index import index_article
from suanli.stages.segment import Segmenter
from suanli.store.tantivy_index import TITLE_BOOST, IndexFilter, TantivyIndex

K = 10
DEFAULT_SETS = ("disc_fin_retrieval", "cmrc2018_retrieval")
BASELINE = "bigram BM25 (baseline)"


@dataclass(frozen=True, slots=True)
class Doc:
    doc_id: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    docs: tuple[Doc, ...]
    queries: dict[str, str]
    qrels: dict[str, set[str]]
    distractors: int = 0


# -- loading -------------------------------------------------------------------------------


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        names = ", ".join(p.name for p in found) or "none"
        raise SystemExit(f"error: '{folder}' needs exactly one {pattern} file, found {names}")
    return found[0]


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_dataset(folder: Path) -> Dataset:
    docs = tuple(
        Doc(str(r["_id"]), str(r.get("title") or ""), str(r.get("text") or ""))
        for r in _jsonl(_one(folder, "corpus*.jsonl"))
    )
    queries = {str(r["_id"]): str(r["text"]) for r in _jsonl(_one(folder, "queries*.jsonl"))}
    qrels: dict[str, set[str]] = defaultdict(set)
    for line in _one(folder, "qrels*.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0] != "query-id" and float(parts[2]) > 0:
            qrels[parts[0]].add(parts[1])
    judged = {q: t for q, t in queries.items() if q in qrels}
    return Dataset(folder.name, docs, judged, dict(qrels))


def load_distractors(root: Path) -> list[Doc]:
    """FinNA unlabeled flashes and the distinct finreport archive articles (tags stripped)."""
    out: list[Doc] = []
    finna = root / "finna_summ" / "finna_unlabeled_inputs.jsonl"
    if finna.is_file():
        out += [Doc(f"x-{r['id']}", "", str(r["text"])) for r in _jsonl(finna)]
    news = root / "finreport_news_archive" / "articles.jsonl"
    if news.is_file():
        seen: set[str] = set()
        for n, r in enumerate(_jsonl(news)):
            link = str(r.get("link") or n)
            text = _strip_tags(str(r.get("summary_html") or ""))
            if link in seen or not text:
                continue
            seen.add(link)
            out.append(Doc(f"x-news-{n}", str(r.get("title") or ""), text))
    return out


def _strip_tags(html: str) -> str:
    if not html.strip():
        return ""
    try:
        return " ".join(lxml.html.fromstring(f"<div>{html}</div>").text_content().split())
    except ParserError:
        return ""


# -- systems -------------------------------------------------------------------------------

Search = Callable[[str], list[str]]


class BigramBM25:
    """Character-bigram BM25 over title + text: the baseline (plain Python, Lucene idf)."""

    def __init__(self, docs: tuple[Doc, ...], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.ids = [d.doc_id for d in docs]
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths: list[int] = []
        for n, d in enumerate(docs):
            counts = Counter(bigrams(f"{d.title}\n{d.text}"))
            self.lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings[term].append((n, tf))
        self.avg_len = sum(self.lengths) / max(len(self.lengths), 1)

    def search(self, text: str, k: int = K) -> list[str]:
        n_docs = len(self.ids)
        scores: dict[int, float] = defaultdict(float)
        for term in set(bigrams(text)):
            plist = self.postings.get(term)
            if not plist:
                continue
            idf = math.log(1 + (n_docs - len(plist) + 0.5) / (len(plist) + 0.5))
            for doc, tf in plist:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[doc] / self.avg_len)
                scores[doc] += idf * tf * (self.k1 + 1) / (tf + norm)
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [self.ids[d] for d, _ in best]


_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")


def bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of CJK runs (a lone character stays a unigram); Latin words whole."""
    out: list[str] = []
    for run in _RUN_RE.findall(unicodedata.normalize("NFKC", text).lower()):
        if run.isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


class SuanliSystems:
    """suanli's index over the corpus, queried as shipped and as strict AND / OR of the same tokens."""

    def __init__(self, docs: tuple[Doc, ...], folder: Path, seg: Segmenter) -> None:
        self.seg = seg
        self.index = TantivyIndex(folder)
        rows = [index_article(make_article(d.doc_id, d.title, d.text.split("\n")), seg) for d in docs]
        self.index.add(rows, heap_bytes=256 * 2**20)
        # A second handle on the same folder, for queries suanli's API does not offer.
        self._raw = tantivy.Index.open(str(folder))
        self._raw.reload()
        self._searcher = self._raw.searcher()

    def tokens(self, text: str) -> list[str]:
        return self.seg.query_tokens(text)[:MAX_QUERY_TOKENS]

    def search_shipped(self, text: str) -> list[str]:
        return [i for i, _ in self.index.search(self.tokens(text), IndexFilter(), limit=K).hits]

    def search_and(self, text: str) -> list[str]:
        return self._raw_search(text, tantivy.Occur.Must)

    def search_or(self, text: str) -> list[str]:
        return self._raw_search(text, tantivy.Occur.Should)

    def search_or_if_none(self, text: str) -> list[str]:
        return self.search_and(text) or self.search_or(text)

    def _raw_search(self, text: str, occur: tantivy.Occur) -> list[str]:
        q, schema = tantivy.Query, self._raw.schema
        clauses = [
            (
                occur,
                q.disjunction_max_query(
                    [
                        q.boost_query(q.term_query(schema, "title", t), TITLE_BOOST),
                        q.term_query(schema, "body", t),
                    ]
                ),
            )
            for t in self.tokens(text)
        ]
        if not clauses:
            return []
        result = self._searcher.search(q.boolean_query(clauses), limit=K)
        return [str(self._searcher.doc(addr)["article_id"][0]) for _, addr in result.hits]


# -- metrics -------------------------------------------------------------------------------


def score_run(ranked: list[str], relevant: set[str]) -> tuple[float, float, float]:
    """nDCG@10 (binary gains), Recall@10 and MRR@10 of one ranked list."""
    top = ranked[:K]
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(top) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    recall = len(relevant.intersection(top)) / len(relevant)
    mrr = next((1 / (i + 1) for i, d in enumerate(top) if d in relevant), 0.0)
    return dcg / ideal, recall, mrr


def evaluate(ds: Dataset, systems: dict[str, Search]) -> list[dict[str, object]]:
    rows = []
    for name, search in systems.items():
        totals = [0.0, 0.0, 0.0]
        empty = 0
        start = time.perf_counter()
        for qid, text in ds.queries.items():
            ranked = search(text)
            empty += not ranked
            for i, value in enumerate(score_run(ranked, ds.qrels[qid])):
                totals[i] += value
        elapsed = time.perf_counter() - start
        n = len(ds.queries)
        rows.append(
            {
                "dataset": ds.name,
                "system": name,
                "ndcg10": totals[0] / n,
                "recall10": totals[1] / n,
                "mrr10": totals[2] / n,
                "empty": empty,
                "ms_per_query": elapsed * 1000 / n,
            }
        )
    return rows


def run_dataset(ds: Dataset, seg: Segmenter) -> tuple[list[dict[str, object]], dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="suanli-eval-") as tmp:
        suanli = SuanliSystems(ds.docs, Path(tmp) / "index", seg)
        bm25 = BigramBM25(ds.docs)
        systems: dict[str, Search] = {
            "suanli as shipped (exact, then partial)": suanli.search_shipped,
            "strict AND (suanli before 2026-11-25)": suanli.search_and,
            "OR of tokens": suanli.search_or,
            "strict AND, OR if none": suanli.search_or_if_none,
            BASELINE: bm25.search,
        }
        rows = evaluate(ds, systems)
        lengths = [len(suanli.tokens(t)) for t in ds.queries.values()]
    info = {"docs": len(ds.docs), "queries": len(ds.queries), "mean_tokens": sum(lengths) / len(lengths)}
    return rows, info


# -- the run ---------------------------------------------------------------------------------


def find_datasets(args: argparse.Namespace) -> list[tuple[Path, Path]]:
    """(dataset folder, distractor root) pairs; prints 'skipped: ...' for missing folders."""
    data: Path = args.data
    if not data.is_dir():
        print(f"skipped: {data} not found")
        return []
    if list(data.glob("corpus*.jsonl")):
        return [(data, args.distractor_root or data.parent)]
    found = []
    for name in args.sets.split(","):
        folder = data / name.strip()
        if folder.is_dir():
            found.append((folder, args.distractor_root or data))
        else:
            print(f"skipped: {folder} not found")
    return found


HEADERS = ("dataset", "system", "nDCG@10", "Recall@10", "MRR@10", "no results", "ms/query")
RATIO_HEADERS = ("dataset", "system", "nDCG@10", "Recall@10", "MRR@10")


def report(rows: list[dict[str, object]], infos: dict[str, dict[str, float]], run: dict[str, str]) -> str:
    table = [
        [
            r["dataset"],
            r["system"],
            *(f"{float(r[m]):.3f}" for m in ("ndcg10", "recall10", "mrr10")),  # type: ignore[arg-type]
            r["empty"],
            r["ms_per_query"],
        ]
        for r in rows
    ]
    base = {r["dataset"]: r for r in rows if r["system"] == BASELINE}
    ratios = [
        [r["dataset"], r["system"]]
        + [ratio(float(r[m]), float(base[r["dataset"]][m])) for m in ("ndcg10", "recall10", "mrr10")]  # type: ignore[arg-type]
        for r in rows
        if r["system"] != BASELINE and r["dataset"] in base
    ]
    sizes = [
        f"{name}: {info['docs']:,} docs ({info['distractors']:,} of them distractors), "
        f"{info['queries']:,} judged queries, {info['mean_tokens']:.1f} suanli query tokens on average"
        for name, info in infos.items()
    ]
    print(text_table(HEADERS, table))
    print("\nRatio to the bigram BM25 baseline (above 1.00x: better than the baseline)")
    print(text_table(RATIO_HEADERS, ratios))
    print("\n" + "\n".join(sizes))
    return "\n".join(
        [
            f"Measured {run['machine']}.",
            "",
            f"Command: `{run['command']}`",
            "",
            markdown_table(HEADERS, table),
            "",
            "Ratio to the bigram BM25 baseline (above 1.00x: better than the baseline):",
            "",
            markdown_table(RATIO_HEADERS, ratios),
            "",
            *[f"- {s}" for s in sizes],
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser, out_help="write the figures as JSON to this file")
    parser.add_argument(
        "--sets", default=",".join(DEFAULT_SETS), help="dataset folders under --data (comma-separated)"
    )
    parser.add_argument(
        "--distractors",
        choices=("auto", "none"),
        default="auto",
        help="auto: merge the suggested distractors into disc_fin_* corpora",
    )
    parser.add_argument("--distractor-root", type=Path, default=None, help="where distractor sets live")
    parser.add_argument("--report", type=Path, help="print (and --write-md) results saved by --out")
    args = parser.parse_args(argv)
    if args.report:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
        md = report(saved["rows"], saved["datasets"], saved["run"])
        if args.write_md:
            write_md_section(args.write_md, "retrieval", md)
        return 0
    targets = find_datasets(args)
    if not targets:
        return 0
    seg = default_segmenter()
    rows: list[dict[str, object]] = []
    infos: dict[str, dict[str, float]] = {}
    for folder, root in targets:
        ds = load_dataset(folder)
        if args.distractors == "auto" and ds.name.startswith("disc_fin"):
            extra = load_distractors(root)
            ds = Dataset(ds.name, ds.docs + tuple(extra), ds.queries, ds.qrels, len(extra))
        print(f"{ds.name}: indexing {len(ds.docs):,} docs, {len(ds.queries):,} queries", file=sys.stderr)
        ds_rows, info = run_dataset(ds, seg)
        rows += ds_rows
        infos[ds.name] = {**info, "distractors": ds.distractors}
    run = {"machine": machine_line(), "command": command_line()}
    md = report(rows, infos, run)
    if args.out:
        saved = {"rows": rows, "datasets": infos, "run": run}
        args.out.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    if args.write_md:
        write_md_section(args.write_md, "retrieval", md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
