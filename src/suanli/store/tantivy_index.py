"""TantivyIndex: the search index, a rebuildable copy of the store.

Text is segmented by suanli (tantivy cannot call Python tokenizers), so fields use
tantivy's whitespace tokenizer over pre-joined tokens. A document becomes visible only
at ``commit``, which tantivy makes atomic, so no document is ever half-visible.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy

from suanli.errors import StoreError
from suanli.models import IndexDoc

log = logging.getLogger(__name__)

TITLE_BOOST = 2.0


@dataclass(frozen=True, slots=True)
class IndexFilter:
    since_ts: int | None = None
    until_ts: int | None = None
    source: str | None = None
    lang: str | None = None
    entity_id: str | None = None
    event_type: str | None = None


@dataclass(frozen=True, slots=True)
class IndexHits:
    """``hits`` are (article_id, score); the first ``exact_total`` matches of all pages hold every token."""

    total: int
    hits: tuple[tuple[str, float], ...]
    exact_total: int = 0


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("article_id", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("title", tokenizer_name="whitespace", index_option="freq")
    b.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    b.add_text_field("source", tokenizer_name="raw", index_option="basic")
    b.add_text_field("lang", tokenizer_name="raw", index_option="basic")
    b.add_text_field("entities", tokenizer_name="raw", index_option="basic")
    b.add_text_field("events", tokenizer_name="raw", index_option="basic")
    b.add_integer_field("date", indexed=True, fast=True)
    return b.build()


class TantivyIndex:
    """A tantivy index in a folder. Writers are opened only while writing.

    Example:
        >>> index = TantivyIndex(Path("/tmp/suanli.db.index"))  # doctest: +SKIP
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = _schema()
        try:
            path.mkdir(parents=True, exist_ok=True)
            self._index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except (ValueError, OSError) as exc:
            raise StoreError(
                f"Cannot open search index '{path}': {exc}; rebuild it with 'suanli reindex'"
            ) from exc

    def add(self, docs: Sequence[IndexDoc], *, heap_bytes: int = 128_000_000) -> None:
        """Replace-or-insert ``docs`` and commit them in one step."""
        if not docs:
            return
        try:
            writer = self._index.writer(heap_size=heap_bytes, num_threads=1)
        except ValueError as exc:
            raise StoreError(
                f"Search index '{self.path}' is locked by another suanli process; try again when it ends"
            ) from exc
        try:
            for d in docs:
                writer.delete_documents_by_term("article_id", d.article_id)
                doc = tantivy.Document(
                    article_id=d.article_id,
                    title=d.title_tokens,
                    body=d.body_tokens,
                    source=d.source,
                    lang=d.lang,
                    date=d.date_ts,
                )
                for entity_id in d.entity_ids:
                    doc.add_text("entities", entity_id)
                for event_type in d.event_types:
                    doc.add_text("events", event_type)
                writer.add_document(doc)
            writer.commit()
            writer.wait_merging_threads()
        except ValueError as exc:
            writer.rollback()
            raise StoreError(f"Search index '{self.path}' write failed: {exc}") from exc
        self._index.reload()

    def clear(self) -> None:
        writer = self._index.writer(heap_size=15_000_000, num_threads=1)
        writer.delete_all_documents()
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()

    def count(self) -> int:
        self._index.reload()
        return int(self._index.searcher().num_docs)

    def all_ids(self) -> set[str]:
        """Every article id in the index (for consistency checks; reads stored fields)."""
        self._index.reload()
        searcher = self._index.searcher()
        total = searcher.num_docs
        if total == 0:
            return set()
        result = searcher.search(tantivy.Query.all_query(), limit=total, count=False)
        return {str(searcher.doc(addr)["article_id"][0]) for _, addr in result.hits}

    def search(
        self,
        tokens: Sequence[str],
        flt: IndexFilter,
        *,
        limit: int,
        offset: int = 0,
        by_date: bool = False,
    ) -> IndexHits:
        """Documents with every token first, then (to fill the page) those with only some of them.

        ``total`` includes partial matches only when the page reaches them.

        Both parts are ranked by BM25 (or by date) and honour every filter. Measured on
        question-style queries (docs/benchmarks.md), requiring every token alone finds almost
        nothing, while exact matches first and partial matches after keep both precision and recall.
        """
        q = tantivy.Query
        per_token = [
            q.disjunction_max_query(
                [
                    q.boost_query(q.term_query(self.schema, "title", token), TITLE_BOOST),
                    q.term_query(self.schema, "body", token),
                ]
            )
            for token in tokens
        ]
        filters = self._filters(flt)
        if not per_token and not filters:
            return IndexHits(0, ())
        must = tantivy.Occur.Must
        exact = q.boolean_query([(must, t) for t in per_token] + [(must, f) for f in filters])
        searcher = self._index.searcher()
        hits, exact_total = self._run(searcher, exact, limit=limit, offset=offset, by_date=by_date)
        room = limit - len(hits)
        # A page full of exact matches skips the second query (it would double the cost of common
        # queries); ``total`` then counts exact matches only.
        if len(per_token) < 2 or room <= 0:
            return IndexHits(total=exact_total, hits=hits, exact_total=exact_total)
        # Partial matches: any token, every filter, and not already an exact match.
        partial = q.boolean_query(
            [(must, q.boolean_query([(tantivy.Occur.Should, t) for t in per_token]))]
            + [(must, f) for f in filters]
            + [(tantivy.Occur.MustNot, q.boolean_query([(must, t) for t in per_token]))]
        )
        more, partial_total = self._run(
            searcher, partial, limit=room, offset=max(0, offset - exact_total), by_date=by_date
        )
        return IndexHits(total=exact_total + partial_total, hits=hits + more, exact_total=exact_total)

    def _filters(self, flt: IndexFilter) -> list[tantivy.Query]:
        q = tantivy.Query
        out = [
            q.term_query(self.schema, field, value)
            for field, value in (
                ("source", flt.source),
                ("lang", flt.lang),
                ("entities", flt.entity_id),
                ("events", flt.event_type),
            )
            if value
        ]
        if flt.since_ts is not None or flt.until_ts is not None:
            out.append(
                q.range_query(self.schema, "date", tantivy.FieldType.Integer, flt.since_ts, flt.until_ts)
            )
        return out

    @staticmethod
    def _run(
        searcher: tantivy.Searcher, query: tantivy.Query, *, limit: int, offset: int, by_date: bool
    ) -> tuple[tuple[tuple[str, float], ...], int]:
        kwargs: dict[str, object] = {"limit": limit, "count": True, "offset": offset}
        if by_date:
            kwargs["order_by_field"] = "date"
            kwargs["order"] = tantivy.Order.Desc
        result = searcher.search(query, **kwargs)  # type: ignore[arg-type]
        hits = tuple((str(searcher.doc(addr)["article_id"][0]), float(key)) for key, addr in result.hits)
        # tantivy's bundled type stubs omit SearchResult.count, which exists at run time.
        return hits, int(getattr(result, "count", 0) or 0)

    def reload(self) -> None:
        self._index.reload()

    def doc_freqs(
        self, tokens: Iterable[str], *, fields: Sequence[str] = ("title", "body")
    ) -> tuple[dict[str, int], int]:
        """Documents holding each token (the most of any of ``fields``) and the number of documents.

        Read from the term dictionary, about a microsecond per token and field.
        """
        searcher = self._index.searcher()
        counts = {
            token: max(int(searcher.doc_freq(field, token)) for field in fields) for token in set(tokens)
        }
        return counts, int(searcher.num_docs)
