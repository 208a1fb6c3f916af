"""Smoke runs of the benchmark scripts in bench/ on tiny generated inputs, so they do not rot.

Each script runs in-process through its ``main(argv)`` on about 200 generated documents and
never reads ../shared: the data folder passed in is missing or built in ``tmp_path``.
"""

from __future__ import annotations

import importlib
import json
import math
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
        names = ("common", "gen_corpus", "bench_ingest", "bench_search", "eval_retrieval")
        yield {name: importlib.import_module(name) for name in names}
    finally:
        sys.path.remove(str(BENCH))


def test_gen_corpus_gives_the_same_documents_for_the_same_seed(bench: dict[str, ModuleType]) -> None:
    gen = bench["gen_corpus"]
    whole = list(gen.generate_docs(6, seed=4))
    assert list(gen.generate_docs(3, seed=4, start=3)) == whole[3:]
    assert gen.make_doc(0, seed=5) != whole[0]
    assert {d.lang for d in gen.generate_docs(200, seed=4)} == {"zh", "en"}
    assert gen.generate_queries(5, seed=2) == gen.generate_queries(5, seed=2)


def test_percentile_interpolates_like_numpy(bench: dict[str, ModuleType]) -> None:
    common = bench["common"]
    assert common.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert common.percentile([5.0], 99) == 5.0
    assert math.isnan(common.percentile([], 50))


def test_write_md_section_replaces_only_its_own_block(bench: dict[str, ModuleType], tmp_path: Path) -> None:
    md = tmp_path / "b.md"
    md.write_text("# B\n\nkept\n", encoding="utf-8")
    bench["common"].write_md_section(md, "x", "first")
    bench["common"].write_md_section(md, "x", "second")
    text = md.read_text(encoding="utf-8")
    assert "kept" in text and "second" in text and "first" not in text
    assert text.count("<!-- bench:x -->") == 1


def test_score_run_gives_ndcg_recall_and_mrr(bench: dict[str, ModuleType]) -> None:
    ndcg, recall, mrr = bench["eval_retrieval"].score_run(["a", "b", "c"], {"b", "z"})
    assert ndcg == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    assert recall == 0.5
    assert mrr == 0.5


def test_bigrams_split_chinese_runs_and_keep_latin_words(bench: dict[str, ModuleType]) -> None:
    assert bench["eval_retrieval"].bigrams("英伟达H20，算") == ["英伟", "伟达", "h20", "算"]


def test_bench_ingest_falls_back_to_generated_articles(
    bench: dict[str, ModuleType], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ingest.json"
    code = bench["bench_ingest"].main(["--data", str(tmp_path / "absent"), "--n", "40", "--out", str(out)])
    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["records"] == 40
    assert result["pipeline"]["added"] + result["pipeline"]["already"] == 40
    assert "articles/s" in capsys.readouterr().out


def test_bench_search_runs_on_a_small_corpus(
    bench: dict[str, ModuleType], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "search.json"
    argv = [
        "--sizes",
        "200",
        "--queries",
        "40",
        "--workers",
        "1",
        "--workdir",
        str(tmp_path),
        "--out",
        str(out),
    ]
    assert bench["bench_search"].main(argv) == 0
    result = json.loads(out.read_text(encoding="utf-8"))["results"][0]
    assert result["tantivy"]["docs"] == 200
    assert set(result["tantivy"]["serve"]["runs"]) == {"plain", "dated", "full_plain", "full_dated"}
    assert len(result["fts"]["serve"]["runs"]["plain"]["lat_ms"]) == 40
    assert "FTS5 trigram (baseline)" in capsys.readouterr().out


def _tiny_dataset(bench: dict[str, ModuleType], folder: Path) -> None:
    folder.mkdir()
    docs = list(bench["gen_corpus"].generate_docs(200, seed=9, zh_share=1.0))
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(
                json.dumps({"_id": d.doc_id, "title": d.title, "text": d.text}, ensure_ascii=False) + "\n"
            )
    with (folder / "queries_dev.jsonl").open("w", encoding="utf-8") as fh:
        for n, d in enumerate(docs[:20]):
            fh.write(json.dumps({"_id": f"q{n}", "text": d.paragraphs[0][:30]}, ensure_ascii=False) + "\n")
    qrels = ["query-id\tcorpus-id\tscore"] + [f"q{n}\t{d.doc_id}\t1" for n, d in enumerate(docs[:20])]
    (folder / "qrels_dev.tsv").write_text("\n".join(qrels) + "\n", encoding="utf-8")


def test_eval_retrieval_scores_a_dataset_folder(
    bench: dict[str, ModuleType], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "toy_retrieval"
    _tiny_dataset(bench, folder)
    out = tmp_path / "eval.json"
    assert bench["eval_retrieval"].main(["--data", str(folder), "--out", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    by_system = {r["system"]: r for r in rows}
    assert len(by_system) == 5
    assert by_system["bigram BM25 (baseline)"]["recall10"] > 0.5
    assert "nDCG@10" in capsys.readouterr().out


def test_eval_retrieval_skips_a_missing_data_folder(
    bench: dict[str, ModuleType], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing"
    assert bench["eval_retrieval"].main(["--data", str(missing)]) == 0
    assert capsys.readouterr().out.strip() == f"skipped: {missing} not found"


def test_process_map_keeps_order_in_spawned_workers_and_in_process(bench: dict[str, ModuleType]) -> None:
    common = bench["common"]
    items = list(range(40))
    # Two workers: spawned processes, results in input order.
    assert list(common.process_map(math.factorial, items, workers=2, chunksize=3)) == [
        math.factorial(i) for i in items
    ]
    # One worker: no pool at all, and the initializer runs here before the first item.
    seen: list[str] = []
    out = common.process_map(str, [1, 2], workers=1, initializer=lambda: seen.append("init"))
    assert seen == []  # nothing runs until the results are read
    assert list(out) == ["1", "2"] and seen == ["init"]
