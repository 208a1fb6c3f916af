"""Story grouping over a store: each new article joins a story, with only nearby days in memory.

Both rules only ever match articles published within a few days of each other
(``duplicate_window_days``, ``event_window_days``), so placing an article needs the stored story
rows of those days alone. :class:`StoredStories` loads the rows of the days around each new
article on first need and keeps them for the rest of the run: adding one article to a database of
a million reads a week of rows, and a bulk import of one year holds that year's rows (about 600
bytes per article).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable, Sequence
from datetime import datetime

from suanli.knowledge import KnowledgeBase, find_mentions
from suanli.models import Article
from suanli.progress import NoProgress, Progress
from suanli.store import Store

from .events import timestamp
from .grouping import StoryIndex, story_input
from .models import StoryConfig, StoryInput, StoryRecord
from .prepare import Prepared, PreparePool, prepare_pool

log = logging.getLogger(__name__)

_DAY_S = 86400.0
DEFAULT_WORKERS = min(os.cpu_count() or 1, 4)
# Entity types that nearly every market report names; sharing them says nothing about one event.
GENERIC_TYPES = frozenset({"category", "number_format", "index", "exchange", "board"})


def story_entities(article: Article, kb: KnowledgeBase, config: StoryConfig) -> frozenset[str]:
    """Specific entities of the title and lede (the first ``anchor_chars`` body characters)."""
    body = "\n".join(block.text for block in article.paragraphs)
    lede = f"{article.title}\n{body[: config.anchor_chars]}"
    return frozenset(
        m.entity_id
        for m in find_mentions(lede, kb, discover=False)
        if m.entity_id is not None and m.entity_type not in GENERIC_TYPES
    )


class StoredStories:
    """Assigns stories to new articles, reading stored story rows around their dates on demand.

    Example:
        >>> stories = StoredStories(ws.store, ws.settings.story_config(), ws.kb())  # doctest: +SKIP
        >>> record = stories.assign(article)  # doctest: +SKIP
        >>> ws.store.add_article(article, story=record)  # doctest: +SKIP
    """

    def __init__(self, store: Store, config: StoryConfig, kb: KnowledgeBase) -> None:
        self.store = store
        self.config = config
        self.kb = kb
        self.index = StoryIndex(config)
        self._days: set[int] = set()
        self._undated = False
        self._seen_row: int | None = None  # the newest story row read, to catch other writers' rows
        self._margin = int(math.ceil(max(config.duplicate_window_days, config.event_window_days))) + 1

    def assign(self, article: Article) -> StoryRecord:
        """Place ``article`` in a story; the returned record is to be stored with the article.

        Call :meth:`discard` when the article is then not stored.
        """
        return self._place(self.item(article))

    def item(self, article: Article) -> StoryInput:
        """The grouping input of an article, with the specific entities of its title and lede."""
        return story_input(article, entities=story_entities(article, self.kb, self.config))

    def assign_many(self, articles: Sequence[Article], pool: PreparePool) -> list[StoryRecord]:
        """:meth:`assign` for each article, signatures and anchors worked out by ``pool``."""
        items = [self.item(article) for article in articles]
        return [
            self._place(item, ready)
            for item, ready in zip(items, pool.prepare(items, self.config), strict=True)
        ]

    def _place(self, item: StoryInput, prepared: Prepared | None = None) -> StoryRecord:
        self._load_around(item.published_at)
        self.index.add(item, prepared)
        return self.index.record(item.article_id)

    def discard(self, article_id: str) -> None:
        self.index.discard(article_id)

    def _load_around(self, when: datetime | None) -> None:
        if self._seen_row is None:
            self._seen_row = self.store.last_story_row()
        else:
            self._catch_up()
        if not self._undated:
            self._restore(self.store.story_records(None, None))
            self._undated = True
        ts = timestamp(when)
        if ts is None:
            return
        day = math.floor(ts / _DAY_S)
        wanted = [d for d in range(day - self._margin, day + self._margin + 1) if d not in self._days]
        if not wanted:
            return
        # One query for the span of missing days; days already loaded are skipped by _restore.
        self._restore(self.store.story_records(wanted[0] * _DAY_S, (wanted[-1] + 1) * _DAY_S - 1e-6))
        self._days.update(range(wanted[0], wanted[-1] + 1))

    def _catch_up(self) -> None:
        """Read the rows another process (the web app's add page, a second CLI) stored meanwhile.

        Rows outside the days held are left alone: they are read with their days, if ever needed.
        """
        assert self._seen_row is not None
        # The rows this process wrote are in the index already; the store skips them cheaply.
        records, self._seen_row = self.store.story_records_after(self._seen_row, known=self.index)
        held = [
            r
            for r in records
            if (ts := timestamp(r.published_at)) is None or math.floor(ts / _DAY_S) in self._days
        ]
        if held:
            log.debug("Read %d story rows stored by another process", len(held))
            self._restore(held)

    def _restore(self, records: Iterable[StoryRecord]) -> None:
        self.index.restore(records)


def group_unassigned(
    stories: StoredStories,
    *,
    batch_size: int = 500,
    progress: Progress | None = None,
    workers: int = DEFAULT_WORKERS,
) -> int:
    """Group every stored article that has no story yet (oldest first); return how many.

    Databases made before stories existed, and :func:`regroup_all`, come through here.
    """
    prog = progress or NoProgress()
    store = stories.store
    done = 0
    unreadable: set[str] = set()  # ids the store lists but cannot return; never asked again
    # Asked before every add: the count is cheap where listing the ungrouped ids is a join.
    backlog = store.count_without_story()
    if backlog == 0:
        return 0
    # A large backlog (a regroup) is worth worker processes for the text work.
    with prepare_pool(workers, backlog) as pool:
        while True:
            ids = [i for i in store.ids_without_story(batch_size + len(unreadable)) if i not in unreadable]
            if not ids:
                return done
            records = stories.assign_many(store.get_articles(ids), pool)
            unreadable.update(set(ids) - {r.article_id for r in records})
            store.save_stories(records)
            done += len(records)
            for article_id in ids:
                prog.advance(article_id)


def regroup_all(
    store: Store, config: StoryConfig, kb: KnowledgeBase, *, progress: Progress | None = None
) -> StoredStories:
    """Forget every story and group all articles again with ``config`` (after a threshold change).

    Returns the grouping state, ready to place further articles.
    """
    store.clear_stories()
    stories = StoredStories(store, config, kb)
    group_unassigned(stories, progress=progress)
    return stories
