"""TantivyIndex: the search index, a rebuildable copy of the store.

Text is segmented by suanli (tantivy cannot call Python tokenizers), so fields use
tantivy's whitespace tokenizer over pre-joined tokens. A document becomes visible only
at ``commit``, which tantivy makes atomic, so no document is ever half-visible.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
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
    total: int
    hits: tuple[tuple[str, float], ...]


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
        """Documents containing every token (in title or body), ranked by BM25 or by date."""
        q = tantivy.Query
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for token in tokens:
            either = q.disjunction_max_query(
                [
                    q.boost_query(q.term_query(self.schema, "title", token), TITLE_BOOST),
                    q.term_query(self.schema, "body", token),
                ]
            )
            clauses.append((tantivy.Occur.Must, either))
        for field, value in (
            ("source", flt.source),
            ("lang", flt.lang),
            ("entities", flt.entity_id),
            ("events", flt.event_type),
        ):
            if value:
                clauses.append((tantivy.Occur.Must, q.term_query(self.schema, field, value)))
        if flt.since_ts is not None or flt.until_ts is not None:
            clauses.append(
                (
                    tantivy.Occur.Must,
                    q.range_query(self.schema, "date", tantivy.FieldType.Integer, flt.since_ts, flt.until_ts),
                )
            )
        if not clauses:
            return IndexHits(0, ())
        searcher = self._index.searcher()
        kwargs: dict[str, object] = {"limit": limit, "count": True, "offset": offset}
        if by_date:
            kwargs["order_by_field"] = "date"
            kwargs["order"] = tantivy.Order.Desc
        result = searcher.search(q.boolean_query(clauses), **kwargs)  # type: ignore[arg-type]
        hits = tuple((str(searcher.doc(addr)["article_id"][0]), float(key)) for key, addr in result.hits)
        # tantivy's bundled type stubs omit SearchResult.count, which exists at run time.
        return IndexHits(total=int(getattr(result, "count", 0) or 0), hits=hits)

    def reload(self) -> None:
        self._index.reload()
