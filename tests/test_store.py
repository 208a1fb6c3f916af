"""Contract of the Store interface, run against SQLiteStore."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import make_article
from suanli.errors import ConfigError, NotFoundError
from suanli.models import Failure, Source
from suanli.store import open_store
from suanli.store.base import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    yield s
    s.close()


def test_add_article_round_trips_blocks_and_metadata(store: Store) -> None:
    article = make_article(
        "H20停产",
        ["第一段。", "第二段。"],
        url="https://example.com/a",
        extra_blocks=[(1, "caption", "图：示意 资料来源：公司公告")],
    )
    assert store.add_article(article) is True
    loaded = store.get_article(article.article_id)
    assert loaded == article
    assert [p.number for p in loaded.paragraphs] == [1, 2]
    assert loaded.blocks[1].kind == "caption" and loaded.blocks[1].number is None


def test_same_content_or_same_canonical_url_is_a_duplicate(store: Store) -> None:
    first = make_article("A", ["同一段文字。"], url="https://example.com/a")
    assert store.add_article(first)
    assert not store.add_article(make_article("B", ["同一段文字。"]))
    assert not store.add_article(make_article("C", ["另一段文字。"], url="https://example.com/a"))
    assert store.stats().articles == 1


def test_get_article_accepts_unique_prefix_and_names_missing_id(store: Store) -> None:
    article = make_article("A", ["一段。"])
    store.add_article(article)
    assert store.get_article(article.article_id[:6]).article_id == article.article_id
    with pytest.raises(NotFoundError, match="No article with id 'ffffffffff'"):
        store.get_article("ffffffffff")
    with pytest.raises(NotFoundError):
        store.get_article("'; DROP TABLE articles; --")


def test_unindexed_ids_track_index_confirmation(store: Store) -> None:
    a, b = make_article("A", ["一。"]), make_article("B", ["二。"])
    store.add_article(a)
    store.add_article(b)
    assert store.unindexed_ids() == [a.article_id, b.article_id]
    store.mark_indexed([a.article_id])
    assert store.unindexed_ids() == [b.article_id]
    store.mark_all_unindexed()
    assert len(store.unindexed_ids()) == 2
    assert store.stats().pending_index == 2


def test_sources_feed_state_and_seen_items(store: Store) -> None:
    now = datetime(2025, 8, 24, tzinfo=UTC)
    store.add_source(Source(name="feedA", feed_url="https://example.com/rss"))
    store.record_poll("feedA", etag='"v1"', last_modified="Sun, 24 Aug 2025 00:00:00 GMT", polled_at=now)
    src = store.get_source("feedA")
    assert src.etag == '"v1"' and src.polled_at == now
    assert [s.name for s in store.feed_sources()] == ["feedA"]
    assert not store.has_seen("feedA", "item-1")
    store.mark_seen("feedA", "item-1", now)
    assert store.has_seen("feedA", "item-1")
    with pytest.raises(NotFoundError, match="No source named 'nope'"):
        store.get_source("nope")


def test_sources_list_counts_articles(store: Store) -> None:
    store.add_article(make_article("A", ["一。"], source="36氪"))
    store.add_article(make_article("B", ["二。"], source="36氪"))
    rows = {r.name: r.articles for r in store.list_sources()}
    assert rows == {"36氪": 2}


def test_record_failure_and_stats(store: Store) -> None:
    store.record_failure(Failure("x.html", "'x.html' is empty"), datetime(2025, 1, 1, tzinfo=UTC))
    store.add_article(make_article("A", ["一。", "二。"], lang="zh"))
    stats = store.stats()
    assert (stats.articles, stats.paragraphs, stats.by_lang) == (1, 2, {"zh": 1})


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    s1 = open_store(url)
    s1.add_article(make_article("A", ["一。"]))
    s1.close()
    s2 = open_store(url)
    assert s2.stats().articles == 1
    s2.close()


def test_unsupported_store_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not supported"):
        open_store("mysql://localhost/x")
