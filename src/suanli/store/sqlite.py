"""SQLiteStore: the default store, one file, WAL mode, one transaction per article."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from suanli.errors import MigrationError, NotFoundError, StoreError
from suanli.knowledge.models import ArticleKnowledge, Event, Fact
from suanli.knowledge.records import event_from_dict, event_to_dict, fact_from_dict, fact_to_dict
from suanli.models import (
    Article,
    ArticleTags,
    Block,
    EventQuery,
    FactQuery,
    Failure,
    Source,
    SourceStats,
    Stats,
)
from suanli.store.migrations import MIGRATIONS
from suanli.store.sqlite_stories import StoryTables
from suanli.stories.models import StoryRecord
from suanli.summary.models import Summary, summary_from_dict, summary_to_dict

log = logging.getLogger(__name__)

_ARTICLE_COLUMNS = (
    "article_id, title, url, canonical_url, source, published_at, fetched_at, lang, authors, "
    "content_hash, is_sample, warnings"
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class SQLiteStore(StoryTables):
    """Store on one SQLite file.

    Example:
        >>> store = SQLiteStore(Path("/tmp/suanli.db"))  # doctest: +SKIP
    """

    def __init__(self, path: Path, *, busy_timeout_ms: int = 10_000) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"Cannot open database '{path}': {exc}") from exc
        self._migrate()

    # -- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        db = self._db
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
        except sqlite3.Error as exc:
            raise MigrationError(f"Cannot read migrations of '{self.path}': {exc}") from exc
        for name, fn in MIGRATIONS:
            if name in done:
                continue
            try:
                db.execute("BEGIN IMMEDIATE")
                if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                    db.execute("ROLLBACK")
                    continue
                fn(db)
                db.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    (name, datetime.now(UTC).isoformat()),
                )
                db.execute("COMMIT")
                log.info("Applied migration %s to %s", name, self.path)
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise MigrationError(f"Migration '{name}' failed on '{self.path}': {exc}") from exc

    # -- articles ----------------------------------------------------------------------

    def find_duplicate(self, article: Article) -> str | None:
        row = self._db.execute(
            "SELECT article_id FROM articles WHERE content_hash = ? OR article_id = ?"
            " OR (canonical_url IS NOT NULL AND canonical_url = ?) LIMIT 1",
            (article.content_hash, article.article_id, article.canonical_url),
        ).fetchone()
        return str(row[0]) if row else None

    def find_by_url(self, url: str) -> str | None:
        row = self._db.execute(
            "SELECT article_id FROM articles WHERE canonical_url = ? OR url = ? LIMIT 1", (url, url)
        ).fetchone()
        return str(row[0]) if row else None

    def add_article(
        self,
        article: Article,
        summary: Summary | None = None,
        knowledge: ArticleKnowledge | None = None,
        story: StoryRecord | None = None,
    ) -> bool:
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            if self.find_duplicate(article) is not None:
                db.execute("ROLLBACK")
                return False
            db.execute(
                f"INSERT INTO articles ({_ARTICLE_COLUMNS}, is_indexed, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                (
                    article.article_id,
                    article.title,
                    article.url,
                    article.canonical_url,
                    article.source,
                    _iso(article.published_at),
                    _iso(article.fetched_at),
                    article.lang,
                    json.dumps(list(article.authors), ensure_ascii=False),
                    article.content_hash,
                    int(article.is_sample),
                    json.dumps(list(article.warnings), ensure_ascii=False),
                    datetime.now(UTC).isoformat(),
                ),
            )
            db.executemany(
                "INSERT INTO blocks (article_id, position, kind, number, text) VALUES (?, ?, ?, ?, ?)",
                [(article.article_id, b.position, b.kind, b.number, b.text) for b in article.blocks],
            )
            if summary is not None:
                self._write_summary(summary)
            if knowledge is not None:
                self._write_knowledge(article.article_id, knowledge)
            if story is not None:
                self.write_story(story)
            db.execute(
                "INSERT OR IGNORE INTO sources (name, added_at) VALUES (?, ?)",
                (article.source, datetime.now(UTC).isoformat()),
            )
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreError(f"Cannot store article '{article.title}': {exc}") from exc
        return True

    def get_article(self, article_id: str) -> Article:
        key = article_id.strip().lower()
        rows = []
        if len(key) >= 4 and all(c in "0123456789abcdef" for c in key):
            rows = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id >= ? AND article_id < ? LIMIT 2",
                (key, key + "g"),
            ).fetchall()
        if len(rows) > 1:
            raise NotFoundError(f"Article id '{article_id}' is ambiguous; give more characters")
        if not rows:
            raise NotFoundError(f"No article with id '{article_id}'; find ids with 'suanli search'")
        return self._hydrate([rows[0]])[0]

    def get_articles(self, article_ids: Sequence[str]) -> list[Article]:
        if not article_ids:
            return []
        marks = ",".join("?" * len(article_ids))
        rows = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id IN ({marks})", list(article_ids)
        ).fetchall()
        by_id = {a.article_id: a for a in self._hydrate(rows)}
        return [by_id[i] for i in article_ids if i in by_id]

    def iter_articles(self, *, batch_size: int = 500) -> Iterator[Article]:
        last = ""
        while True:
            rows = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id > ? ORDER BY article_id LIMIT ?",
                (last, batch_size),
            ).fetchall()
            if not rows:
                return
            yield from self._hydrate(rows)
            last = rows[-1][0]

    def _hydrate(self, rows: Sequence[Sequence[object]]) -> list[Article]:
        ids = [str(r[0]) for r in rows]
        marks = ",".join("?" * len(ids))
        blocks: dict[str, list[Block]] = {i: [] for i in ids}
        for aid, position, kind, number, text in self._db.execute(
            f"SELECT article_id, position, kind, number, text FROM blocks WHERE article_id IN ({marks})"
            " ORDER BY article_id, position",
            ids,
        ):
            blocks[aid].append(Block(position=position, kind=kind, text=text, number=number))
        out = []
        for r in rows:
            (aid, title, url, canonical, source, published, fetched, lang, authors, chash, sample, warns) = r
            out.append(
                Article(
                    article_id=str(aid),
                    title=str(title),
                    blocks=tuple(blocks[str(aid)]),
                    lang=lang,  # type: ignore[arg-type]
                    content_hash=str(chash),
                    url=url,  # type: ignore[arg-type]
                    canonical_url=canonical,  # type: ignore[arg-type]
                    source=str(source),
                    published_at=_dt(published),  # type: ignore[arg-type]
                    fetched_at=_dt(fetched),  # type: ignore[arg-type]
                    authors=tuple(json.loads(str(authors))),
                    is_sample=bool(sample),
                    warnings=tuple(json.loads(str(warns))),
                )
            )
        return out

    # -- summaries ---------------------------------------------------------------------

    def _write_summary(self, summary: Summary) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO summaries"
            " (article_id, engine, engine_version, is_fully_supported, created_at, data)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                summary.article_id,
                summary.engine,
                summary.engine_version,
                int(summary.is_fully_supported),
                datetime.now(UTC).isoformat(),
                json.dumps(summary_to_dict(summary), ensure_ascii=False),
            ),
        )

    def save_summary(self, summary: Summary) -> None:
        with self._tx():
            self._write_summary(summary)

    def get_summaries(self, article_ids: Sequence[str]) -> dict[str, Summary]:
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        rows = self._db.execute(
            f"SELECT article_id, data FROM summaries WHERE article_id IN ({marks})", list(article_ids)
        )
        return {str(aid): summary_from_dict(json.loads(data)) for aid, data in rows}

    def ids_without_summary(self, limit: int = 1000) -> list[str]:
        rows = self._db.execute(
            "SELECT a.article_id FROM articles a LEFT JOIN summaries s ON s.article_id = a.article_id"
            " WHERE s.article_id IS NULL ORDER BY a.rowid LIMIT ?",
            (limit,),
        )
        return [str(r[0]) for r in rows]

    def all_ids(self) -> list[str]:
        return [str(r[0]) for r in self._db.execute("SELECT article_id FROM articles ORDER BY rowid")]

    # -- knowledge -------------------------------------------------------------------------

    def _write_knowledge(self, article_id: str, knowledge: ArticleKnowledge) -> None:
        db = self._db
        for table in ("mentions", "facts", "events"):
            db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        db.executemany(
            'INSERT INTO mentions (article_id, paragraph, entity_id, text, start, "end")'
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (article_id, m.paragraph_number, m.entity_id, m.text, m.start, m.end)
                for m in knowledge.mentions
            ],
        )
        db.executemany(
            "INSERT INTO facts (article_id, paragraph, subject_id, metric, period_start, period_end, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    article_id,
                    f.paragraph_number,
                    f.subject_id,
                    f.metric,
                    f.period.start.isoformat() if f.period else None,
                    f.period.end.isoformat() if f.period else None,
                    json.dumps(fact_to_dict(f), ensure_ascii=False),
                )
                for f in knowledge.facts
            ],
        )
        db.executemany(
            "INSERT INTO events (article_id, event_type, period_start, period_end, entity_ids, data)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    article_id,
                    e.event_type,
                    e.period.start.isoformat() if e.period else None,
                    e.period.end.isoformat() if e.period else None,
                    " " + " ".join(sorted(set(e.subject_ids) | set(e.entity_ids))) + " ",
                    json.dumps(event_to_dict(e), ensure_ascii=False),
                )
                for e in knowledge.events
            ],
        )

    def save_knowledge(self, article_id: str, knowledge: ArticleKnowledge) -> None:
        with self._tx():
            self._write_knowledge(article_id, knowledge)

    def article_tags(self, article_ids: Sequence[str]) -> dict[str, ArticleTags]:
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        entities: dict[str, set[str]] = {i: set() for i in article_ids}
        events: dict[str, set[str]] = {i: set() for i in article_ids}
        for aid, eid in self._db.execute(
            f"SELECT DISTINCT article_id, entity_id FROM mentions WHERE entity_id IS NOT NULL"
            f" AND article_id IN ({marks})",
            list(article_ids),
        ):
            entities[aid].add(eid)
        for aid, etype in self._db.execute(
            f"SELECT DISTINCT article_id, event_type FROM events WHERE article_id IN ({marks})",
            list(article_ids),
        ):
            events[aid].add(etype)
        return {i: ArticleTags(tuple(sorted(entities[i])), tuple(sorted(events[i]))) for i in article_ids}

    def find_facts(self, query: FactQuery) -> list[Fact]:
        where = [("f.subject_id = ?", query.entity_id), ("f.metric = ?", query.metric)]
        rows = self._find(
            "facts f", "f.fact_id", where, query.since, query.until, query.article_ids, query.limit
        )
        return [fact_from_dict(data) for data in rows]

    def find_events(self, query: EventQuery) -> list[Event]:
        like = f"% {query.entity_id} %" if query.entity_id else None
        where = [("f.entity_ids LIKE ?", like), ("f.event_type = ?", query.event_type)]
        rows = self._find(
            "events f", "f.event_row", where, query.since, query.until, query.article_ids, query.limit
        )
        return [event_from_dict(data) for data in rows]

    def _find(
        self,
        table: str,
        order_key: str,
        where: Sequence[tuple[str, str | None]],
        since: date | None,
        until: date | None,
        article_ids: Sequence[str] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Rows of a knowledge table (aliased ``f``) whose period (else publish day) meets the range."""
        sql = f"SELECT f.data FROM {table} JOIN articles a ON a.article_id = f.article_id WHERE 1 = 1"
        params: list[object] = []
        for clause, value in where:
            if value:
                sql += f" AND {clause}"
                params.append(value)
        if since:
            sql += " AND COALESCE(f.period_end, substr(a.published_at, 1, 10)) >= ?"
            params.append(since.isoformat())
        if until:
            sql += " AND COALESCE(f.period_start, substr(a.published_at, 1, 10)) <= ?"
            params.append(until.isoformat())
        if article_ids is not None:
            sql += f" AND f.article_id IN ({','.join('?' * len(article_ids))})"
            params.extend(article_ids)
        sql += f" ORDER BY COALESCE(f.period_start, a.published_at) DESC, {order_key} LIMIT ?"
        params.append(limit)
        return [json.loads(row[0]) for row in self._db.execute(sql, params)]

    # -- index bookkeeping ---------------------------------------------------------------

    def unindexed_ids(self, limit: int = 1000) -> list[str]:
        rows = self._db.execute(
            "SELECT article_id FROM articles WHERE is_indexed = 0 ORDER BY rowid LIMIT ?", (limit,)
        )
        return [str(r[0]) for r in rows]

    def mark_indexed(self, article_ids: Sequence[str]) -> None:
        with self._tx():
            self._db.executemany(
                "UPDATE articles SET is_indexed = 1 WHERE article_id = ?", [(i,) for i in article_ids]
            )

    def mark_all_unindexed(self) -> None:
        with self._tx():
            self._db.execute("UPDATE articles SET is_indexed = 0")

    def _tx(self) -> _Transaction:
        return _Transaction(self._db)

    # -- sources and feed state ------------------------------------------------------------

    def add_source(self, source: Source) -> None:
        with self._tx():
            self._db.execute(
                "INSERT INTO sources (name, feed_url, etag, last_modified, polled_at, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
                " feed_url = COALESCE(excluded.feed_url, sources.feed_url)",
                (
                    source.name,
                    source.feed_url,
                    source.etag,
                    source.last_modified,
                    _iso(source.polled_at),
                    _iso(source.added_at or datetime.now(UTC)),
                ),
            )

    def get_source(self, name: str) -> Source:
        row = self._db.execute(
            "SELECT name, feed_url, etag, last_modified, polled_at, added_at FROM sources WHERE name = ?",
            (name,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"No source named '{name}'; list them with 'suanli sources'")
        return Source(row[0], row[1], row[2], row[3], _dt(row[4]), _dt(row[5]))

    def list_sources(self) -> list[SourceStats]:
        rows = self._db.execute(
            "SELECT s.name, s.feed_url, s.polled_at, COUNT(a.article_id) FROM sources s"
            " LEFT JOIN articles a ON a.source = s.name GROUP BY s.name ORDER BY s.name"
        )
        return [SourceStats(name=r[0], feed_url=r[1], polled_at=_dt(r[2]), articles=r[3]) for r in rows]

    def feed_sources(self) -> list[Source]:
        rows = self._db.execute(
            "SELECT name, feed_url, etag, last_modified, polled_at, added_at FROM sources"
            " WHERE feed_url IS NOT NULL ORDER BY name"
        )
        return [Source(r[0], r[1], r[2], r[3], _dt(r[4]), _dt(r[5])) for r in rows]

    def record_poll(
        self, name: str, *, etag: str | None, last_modified: str | None, polled_at: datetime
    ) -> None:
        with self._tx():
            self._db.execute(
                "UPDATE sources SET etag = ?, last_modified = ?, polled_at = ? WHERE name = ?",
                (etag, last_modified, polled_at.isoformat(), name),
            )

    def has_seen(self, source_name: str, item_key: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM seen_items WHERE source = ? AND item_key = ?", (source_name, item_key)
        ).fetchone()
        return row is not None

    def mark_seen(self, source_name: str, item_key: str, seen_at: datetime) -> None:
        with self._tx():
            self._db.execute(
                "INSERT OR IGNORE INTO seen_items (source, item_key, seen_at) VALUES (?, ?, ?)",
                (source_name, item_key, seen_at.isoformat()),
            )

    def record_failure(self, failure: Failure, at: datetime) -> None:
        with self._tx():
            self._db.execute(
                "INSERT INTO failures (input, reason, at) VALUES (?, ?, ?)",
                (failure.input, failure.reason, at.isoformat()),
            )

    def stats(self) -> Stats:
        db = self._db
        articles, indexed, oldest, newest = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(is_indexed), 0), MIN(published_at), MAX(published_at)"
            " FROM articles"
        ).fetchone()
        paragraphs = db.execute("SELECT COUNT(*) FROM blocks WHERE kind = 'body'").fetchone()[0]
        sources = db.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
        by_lang = dict(
            db.execute("SELECT lang, COUNT(*) FROM articles GROUP BY lang ORDER BY lang").fetchall()
        )
        return Stats(
            articles=articles,
            paragraphs=paragraphs,
            sources=sources,
            by_lang=by_lang,
            indexed=indexed,
            pending_index=articles - indexed,
            oldest_published_at=_dt(oldest),
            newest_published_at=_dt(newest),
        )


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"Database write failed: {exc}") from exc
