"""The Store protocol: what the rest of suanli may ask of storage, in domain terms."""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from datetime import datetime
from typing import Protocol

from suanli.knowledge.models import ArticleKnowledge, Event, Fact
from suanli.models import (
    Article,
    ArticleTags,
    EventQuery,
    FactQuery,
    Failure,
    Source,
    SourceStats,
    Stats,
    StoryReport,
    Watch,
)
from suanli.stories.models import StoryRecord
from suanli.summary.models import Summary


class Store(Protocol):
    """Source of truth for articles, sources and feed state.

    Implementations write each article (with its blocks) in one transaction, so a
    reader never sees an article without its paragraphs.
    """

    def close(self) -> None: ...

    def find_duplicate(self, article: Article) -> str | None:
        """Id of a stored article with the same canonical URL or the same content hash."""

    def find_by_url(self, url: str) -> str | None:
        """Id of a stored article fetched from or canonically at ``url``."""

    def add_article(
        self,
        article: Article,
        summary: Summary | None = None,
        knowledge: ArticleKnowledge | None = None,
        story: StoryRecord | None = None,
    ) -> bool:
        """Store ``article`` with its blocks, summary, knowledge and story row in one transaction.

        Returns False, storing nothing, when it duplicates a stored article.
        """

    def save_knowledge(self, article_id: str, knowledge: ArticleKnowledge) -> None:
        """Replace the mentions, facts and events of an article."""

    def article_tags(self, article_ids: Sequence[str]) -> dict[str, ArticleTags]: ...

    def find_facts(self, query: FactQuery) -> list[Fact]:
        """Facts, newest period first; ``since``/``until`` compare with the period (else publish date)."""

    def find_events(self, query: EventQuery) -> list[Event]:
        """Per-article events (merge them with ``merge_events``), newest first."""

    def save_summary(self, summary: Summary) -> None:
        """Create or replace the summary of an article."""

    def get_summaries(self, article_ids: Sequence[str]) -> dict[str, Summary]:
        """Summaries of those articles that have one."""

    def ids_without_summary(self, limit: int = 1000) -> list[str]: ...

    def all_ids(self) -> list[str]: ...

    def get_article(self, article_id: str) -> Article:
        """Article by id or unique id prefix (at least 4 characters); raises NotFoundError."""

    def get_articles(self, article_ids: Sequence[str]) -> list[Article]:
        """Articles in the order of ``article_ids``; unknown ids are skipped."""

    def iter_articles(self, *, batch_size: int = 500) -> Iterator[Article]: ...

    def unindexed_ids(self, limit: int = 1000) -> list[str]:
        """Ids of stored articles the search index has not confirmed yet."""

    def mark_indexed(self, article_ids: Sequence[str]) -> None: ...

    def mark_all_unindexed(self) -> None: ...

    def add_source(self, source: Source) -> None:
        """Create or update a source by name."""

    def get_source(self, name: str) -> Source:
        """Raises NotFoundError."""

    def list_sources(self) -> list[SourceStats]: ...

    def feed_sources(self) -> list[Source]: ...

    def record_poll(
        self, name: str, *, etag: str | None, last_modified: str | None, polled_at: datetime
    ) -> None: ...

    def has_seen(self, source_name: str, item_key: str) -> bool: ...

    def mark_seen(self, source_name: str, item_key: str, seen_at: datetime) -> None: ...

    def record_failure(self, failure: Failure, at: datetime) -> None: ...

    def stats(self) -> Stats: ...

    # -- stories ---------------------------------------------------------------------------

    def save_stories(self, records: Sequence[StoryRecord]) -> None:
        """Create or replace story rows of stored articles (rows of unknown articles are skipped)."""

    def story_records(self, start_ts: float | None, end_ts: float | None) -> list[StoryRecord]:
        """Story rows dated in ``[start_ts, end_ts]`` (epoch seconds); both None: the undated rows."""

    def last_story_row(self) -> int:
        """A number that grows with every story row written (0 when there is none)."""

    def story_records_after(
        self, row: int, *, known: Container[str] = frozenset()
    ) -> tuple[list[StoryRecord], int]:
        """Story rows written after ``row`` (a :meth:`last_story_row` value) but those of ``known``
        article ids, and the newest row."""

    def story_ids(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id -> story id for the grouped ones of ``article_ids``."""

    def story_reports(self, story_ids: Sequence[str]) -> dict[str, list[StoryReport]]:
        """Each story's reports, earliest first."""

    def ids_without_story(self, limit: int = 1000) -> list[str]:
        """Stored articles not grouped yet, oldest first."""

    def count_without_story(self) -> int:
        """How many stored articles have no story row (cheap enough to ask before every add)."""

    def clear_stories(self) -> None: ...

    def story_count(self) -> int: ...

    def articles_added_since(self, since: datetime | None, *, limit: int = 100_000) -> list[str]:
        """Ids of articles stored after ``since`` (every article when None), in the order stored."""

    # -- watches ---------------------------------------------------------------------------

    def add_watch(self, kind: str, value: str, created_at: datetime) -> tuple[Watch, bool]:
        """The watch on (kind, value), and True when this call created it."""

    def list_watches(self) -> list[Watch]: ...

    def remove_watch(self, watch_id: int) -> None:
        """Raises NotFoundError."""

    def mark_watch_run(self, watch_id: int, at: datetime) -> None: ...
