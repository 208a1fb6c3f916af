"""Ordered, named schema migrations, recorded in the ``_migrations`` table.

Add a new function at the end and decorate it with ``@migration``; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Connection(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...  # Any: DB-API cursor


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = []


def migration(fn: Callable[[Connection], None]) -> Callable[[Connection], None]:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_articles(db: Connection) -> None:
    db.execute(
        """
        CREATE TABLE articles (
            article_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            url TEXT,
            canonical_url TEXT,
            source TEXT NOT NULL,
            published_at TEXT,
            fetched_at TEXT,
            lang TEXT NOT NULL,
            authors TEXT NOT NULL DEFAULT '[]',
            content_hash TEXT NOT NULL UNIQUE,
            is_sample INTEGER NOT NULL DEFAULT 0,
            warnings TEXT NOT NULL DEFAULT '[]',
            is_indexed INTEGER NOT NULL DEFAULT 0,
            added_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX articles_canonical_url ON articles(canonical_url)")
    db.execute("CREATE INDEX articles_url ON articles(url)")
    db.execute("CREATE INDEX articles_unindexed ON articles(is_indexed) WHERE is_indexed = 0")
    db.execute("CREATE INDEX articles_published ON articles(published_at)")
    db.execute(
        """
        CREATE TABLE blocks (
            article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,
            number INTEGER,
            text TEXT NOT NULL,
            PRIMARY KEY (article_id, position)
        )
        """
    )


@migration
def m002_sources(db: Connection) -> None:
    db.execute(
        """
        CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            feed_url TEXT,
            etag TEXT,
            last_modified TEXT,
            polled_at TEXT,
            added_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE seen_items (
            source TEXT NOT NULL,
            item_key TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (source, item_key)
        )
        """
    )


@migration
def m003_failures(db: Connection) -> None:
    db.execute(
        """
        CREATE TABLE failures (
            failure_id INTEGER PRIMARY KEY,
            input TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """
    )


@migration
def m004_summaries(db: Connection) -> None:
    db.execute(
        """
        CREATE TABLE summaries (
            article_id TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
            engine TEXT NOT NULL,
            engine_version TEXT NOT NULL,
            is_fully_supported INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """
    )


@migration
def m005_knowledge(db: Connection) -> None:
    db.execute(
        """
        CREATE TABLE mentions (
            article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
            paragraph INTEGER,
            entity_id TEXT,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX mentions_article ON mentions(article_id)")
    db.execute("CREATE INDEX mentions_entity ON mentions(entity_id)")
    db.execute(
        """
        CREATE TABLE facts (
            fact_id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
            paragraph INTEGER NOT NULL,
            subject_id TEXT,
            metric TEXT NOT NULL,
            period_start TEXT,
            period_end TEXT,
            data TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX facts_article ON facts(article_id)")
    db.execute("CREATE INDEX facts_subject ON facts(subject_id, metric)")
    db.execute(
        """
        CREATE TABLE events (
            event_row INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
            event_type TEXT NOT NULL,
            period_start TEXT,
            period_end TEXT,
            entity_ids TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX events_article ON events(article_id)")
    db.execute("CREATE INDEX events_type ON events(event_type)")


@migration
def m006_stories(db: Connection) -> None:
    # One row per article: the story it joined and what grouping needs to place later articles
    # (MinHash signature, entities and anchors) without reading the text again.
    db.execute(
        """
        CREATE TABLE story_members (
            article_id TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
            story_id TEXT NOT NULL,
            rule TEXT NOT NULL,
            published_ts REAL,
            scheme TEXT NOT NULL,
            signature BLOB NOT NULL,
            shingles INTEGER NOT NULL,
            data TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX story_members_story ON story_members(story_id)")
    db.execute("CREATE INDEX story_members_published ON story_members(published_ts)")
    db.execute("CREATE INDEX articles_added ON articles(added_at)")


@migration
def m007_watches(db: Connection) -> None:
    db.execute(
        """
        CREATE TABLE watches (
            watch_id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_run_at TEXT,
            UNIQUE (kind, value)
        )
        """
    )
