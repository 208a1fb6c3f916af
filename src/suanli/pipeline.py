"""The write path: runs the stages in order, saves through the store, records per-item failures.

Order for every article: extract -> store (one transaction) -> search index (batched commits).
The store is the source of truth: an article is acknowledged once its transaction commits;
the index catches up from the store's ``is_indexed`` flags after any crash.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .errors import StageError, StoreError, SuanliError, UnsupportedInputError
from .knowledge import analyze_article
from .models import AddReport, ArticleTags, Failure, IndexDoc, RawPage, Source
from .progress import NoProgress, Progress
from .stages.extract import extract_article
from .stages.feed import Feed, FeedItem, looks_like_feed, parse_feed
from .stages.fetch import fetch_url
from .stages.index import index_article
from .stages.load import iter_paths, load_path
from .stories.stored import group_unassigned, regroup_all
from .summaries import write_summary
from .workspace import Workspace

log = logging.getLogger(__name__)

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
INDEX_BATCH = 256


@dataclass(slots=True)
class _Batch:
    """Mutable state of one add/update run (internal)."""

    ws: Workspace
    now: datetime
    progress: Progress
    source_override: str | None = None
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pending: list[IndexDoc] = field(default_factory=list)

    def report(self) -> AddReport:
        return AddReport(tuple(self.added), tuple(self.already), tuple(self.failures), tuple(self.warnings))

    def fail(self, origin: str, reason: str) -> None:
        log.warning("Failed %s: %s", origin, reason)
        failure = Failure(input=origin, reason=reason)
        self.failures.append(failure)
        try:
            self.ws.store.record_failure(failure, self.now)
        except StoreError:
            log.exception("Could not record failure of %s", origin)


def add_inputs(
    inputs: Sequence[str],
    ws: Workspace,
    *,
    source: str | None = None,
    register_feeds: bool = False,
    now: Callable[[], datetime] | None = None,
    progress: Progress | None = None,
) -> AddReport:
    """Ingest paths, article URLs and feed URLs; every input succeeds or fails on its own.

    Steps:
        1. Let the index catch up with anything a crashed run stored but did not index, and
           group articles stored before stories existed.
        2. Expand directories and count the work for the progress bar.
        3. Ingest each input; failures are recorded and the batch goes on.
        4. Commit the remaining index rows.

    Example:
        >>> report = add_inputs(["news/", "https://example.com/feed.xml"], ws)  # doctest: +SKIP
    """
    batch = _Batch(ws=ws, now=(now or _utcnow)(), progress=progress or NoProgress(), source_override=source)
    # 1.
    catch_up(ws)
    # 2.
    work: list[tuple[str, Path | None]] = []
    for item in inputs:
        kind = _classify(item)
        if kind == "url":
            work.append((item, None))
        elif kind != "path":
            batch.fail(item, kind)
        else:
            try:
                work.extend((str(p), p) for p in iter_paths(Path(item)))
            except SuanliError as exc:
                batch.fail(item, str(exc))
    batch.progress.start(len(work))
    # 3.
    for origin, path in work:
        try:
            if path is not None:
                for loaded in load_path(path, ws.settings):
                    if isinstance(loaded, Failure):
                        batch.fail(loaded.input, loaded.reason)
                    else:
                        _ingest_page(batch, loaded)
            elif register_feeds:
                _register_and_poll(batch, origin)
            else:
                _ingest_url(batch, origin)
        except SuanliError as exc:
            batch.fail(origin, str(exc))
        except Exception as exc:  # the per-item boundary: log, record, go on
            log.exception("Unexpected error while ingesting %s", origin)
            batch.fail(origin, f"Unexpected error: {type(exc).__name__}: {exc}")
        batch.progress.advance(origin)
    # 4.
    _flush_index(batch, force=True)
    return batch.report()


def update_sources(
    ws: Workspace,
    *,
    now: Callable[[], datetime] | None = None,
    progress: Progress | None = None,
) -> AddReport:
    """Poll every registered feed again (conditional GET) and ingest the items not seen before."""
    batch = _Batch(ws=ws, now=(now or _utcnow)(), progress=progress or NoProgress())
    catch_up(ws)
    feeds = ws.store.feed_sources()
    batch.progress.start(len(feeds))
    for src in feeds:
        try:
            _poll_source(batch, src)
        except SuanliError as exc:
            batch.fail(src.feed_url or src.name, str(exc))
        except Exception as exc:  # the per-item boundary: log, record, go on
            log.exception("Unexpected error while polling %s", src.feed_url)
            batch.fail(src.feed_url or src.name, f"Unexpected error: {type(exc).__name__}: {exc}")
        batch.progress.advance(src.name)
    _flush_index(batch, force=True)
    return batch.report()


def catch_up(ws: Workspace) -> None:
    """Index and group into stories whatever a crashed run (or an older version) stored but did not."""
    sync_index(ws)
    group_unassigned(ws.stories())


def sync_index(ws: Workspace, *, batch_size: int = 500, progress: Progress | None = None) -> int:
    """Index every stored article the index has not confirmed; return how many."""
    prog = progress or NoProgress()
    done = 0
    while True:
        ids = ws.store.unindexed_ids(batch_size)
        if not ids:
            return done
        tags = ws.store.article_tags(ids)
        ws.index.add(
            [index_article(a, ws.segmenter, tags.get(a.article_id)) for a in ws.store.get_articles(ids)]
        )
        ws.store.mark_indexed(ids)
        done += len(ids)
        for article_id in ids:
            prog.advance(article_id)


def reindex(ws: Workspace, *, progress: Progress | None = None) -> int:
    """Rebuild the search index from the store; return the number of articles indexed."""
    prog = progress or NoProgress()
    ws.index.clear()
    ws.store.mark_all_unindexed()
    prog.start(ws.store.stats().articles)
    return sync_index(ws, progress=prog)


def regroup(ws: Workspace, *, progress: Progress | None = None) -> int:
    """Group every article into stories again with the current story settings; return the story count.

    Story ids are derived from the first report, so most stories keep their ids; watches compare
    stories by id, so a regrouped story may be listed again once.
    """
    prog = progress or NoProgress()
    prog.start(ws.store.stats().articles)
    ws.story_state = regroup_all(ws.store, ws.settings.story_config(), ws.kb(), progress=prog)
    return ws.store.story_count()


# -- inputs ------------------------------------------------------------------------------


def _classify(item: str) -> str:
    """'path', 'url', or an error message for an input that cannot be taken."""
    match = _SCHEME_RE.match(item)
    # A one-letter "scheme" is a Windows drive (C:\...), i.e. a path.
    if match is None or len(match.group(1)) == 1:
        return "path"
    scheme = match.group(1).lower()
    if scheme in ("http", "https"):
        return "url"
    return str(
        UnsupportedInputError(
            f"Input '{item}' uses the scheme '{scheme}'; suanli accepts http:// and https:// URLs "
            "and local paths"
        )
    )


def _ingest_url(batch: _Batch, url: str) -> None:
    existing = batch.ws.store.find_by_url(url)
    if existing is not None:
        batch.already.append(url)
        return
    fetched = fetch_url(url, batch.ws.settings)
    if looks_like_feed(fetched.content, fetched.content_type):
        feed = parse_feed(fetched.content, fetched.final_url)
        _ingest_feed(batch, feed, fetched.final_url, source_name=None)
        return
    page = RawPage(
        origin=url,
        kind="html",
        content=fetched.content,
        url=fetched.final_url,
        header_charset=fetched.charset,
        fetched_at=fetched.fetched_at,
    )
    _ingest_page(batch, page)


def _register_and_poll(batch: _Batch, feed_url: str) -> None:
    fetched = fetch_url(feed_url, batch.ws.settings)
    if not looks_like_feed(fetched.content, fetched.content_type):
        raise UnsupportedInputError(
            f"'{feed_url}' is not an RSS or Atom feed; add it without --feed to ingest it as a page"
        )
    feed = parse_feed(fetched.content, fetched.final_url)
    name = batch.source_override or (feed.title or "").strip() or urlsplit(feed_url).hostname or feed_url
    batch.ws.store.add_source(Source(name=name, feed_url=feed_url, added_at=batch.now))
    _ingest_feed(batch, feed, feed_url, source_name=name)
    batch.ws.store.record_poll(
        name, etag=fetched.etag, last_modified=fetched.last_modified, polled_at=batch.now
    )


def _poll_source(batch: _Batch, src: Source) -> None:
    assert src.feed_url is not None
    fetched = fetch_url(src.feed_url, batch.ws.settings, etag=src.etag, last_modified=src.last_modified)
    if not fetched.is_not_modified:
        feed = parse_feed(fetched.content, fetched.final_url)
        _ingest_feed(batch, feed, src.feed_url, source_name=src.name)
    batch.ws.store.record_poll(
        src.name,
        etag=fetched.etag or src.etag,
        last_modified=fetched.last_modified or src.last_modified,
        polled_at=batch.now,
    )


def _ingest_feed(batch: _Batch, feed: Feed, feed_url: str, *, source_name: str | None) -> None:
    store = batch.ws.store
    for item in feed.items:
        origin = item.link or f"{feed_url}#{item.key}"
        if source_name is not None and store.has_seen(source_name, item.key):
            continue
        try:
            is_done = _ingest_feed_item(batch, item, feed, feed_url, source_name)
        except SuanliError as exc:
            batch.fail(origin, str(exc))
            continue
        if is_done and source_name is not None:
            store.mark_seen(source_name, item.key, batch.now)


def _ingest_feed_item(
    batch: _Batch, item: FeedItem, feed: Feed, feed_url: str, source_name: str | None
) -> bool:
    source = batch.source_override or source_name or feed.title or urlsplit(feed_url).hostname
    if item.content_html:
        page = RawPage(
            origin=item.link or f"{feed_url}#{item.key}",
            kind="html",
            content=item.content_html.encode("utf-8"),
            header_charset="utf-8",
            url=item.link,
            source=source,
            title=item.title,
            published=item.published,
            authors=item.authors,
            fetched_at=batch.now,
        )
        _ingest_page(batch, page)
        return True
    if not item.link:
        batch.fail(
            f"{feed_url}#{item.key}",
            f"Feed item '{item.title or item.key}' of '{feed_url}' has neither a link nor content",
        )
        return False
    if batch.ws.store.find_by_url(item.link) is not None:
        batch.already.append(item.link)
        return True
    fetched = fetch_url(item.link, batch.ws.settings)
    page = RawPage(
        origin=item.link,
        kind="html",
        content=fetched.content,
        url=fetched.final_url,
        header_charset=fetched.charset,
        source=source,
        title=item.title,
        published=item.published,
        authors=item.authors,
        fetched_at=fetched.fetched_at,
    )
    _ingest_page(batch, page)
    return True


def _ingest_page(batch: _Batch, page: RawPage) -> None:
    ws = batch.ws
    if batch.source_override:
        page = replace(page, source=batch.source_override)
    try:
        article = extract_article(page, tz=ws.settings.tz, now=batch.now)
    except StageError as exc:
        batch.fail(page.origin, str(exc))
        return
    batch.warnings.extend(article.warnings)
    if ws.store.find_duplicate(article) is not None:
        batch.already.append(page.origin)
        return
    knowledge = analyze_article(article, ws.kb(), tz=ws.settings.tz)
    summary = None
    if ws.settings.summarize_on_ingest:
        summary = write_summary(article, ws)
        if summary.fallback_reason:
            batch.warnings.append(f"Summary of '{page.origin}': {summary.fallback_reason}")
    stories = ws.stories()
    story = stories.assign(article)
    try:
        stored = ws.store.add_article(article, summary, knowledge, story)
    except BaseException:
        stories.discard(article.article_id)
        raise
    if not stored:
        stories.discard(article.article_id)
        batch.already.append(page.origin)
        return
    batch.added.append(article.article_id)
    batch.progress.added(article.article_id, page.origin)
    tags = ArticleTags(knowledge.entity_ids, knowledge.event_types)
    batch.pending.append(index_article(article, ws.segmenter, tags))
    _flush_index(batch)


def _flush_index(batch: _Batch, *, force: bool = False) -> None:
    if not batch.pending or (len(batch.pending) < INDEX_BATCH and not force):
        return
    docs, batch.pending = batch.pending, []
    batch.ws.index.add(docs)
    batch.ws.store.mark_indexed([d.article_id for d in docs])


def _utcnow() -> datetime:
    return datetime.now(UTC)


def iter_failures(report: AddReport) -> Iterator[str]:
    """One line per failure: ``<input>: <reason>``."""
    for f in report.failures:
        yield f"{f.input}: {f.reason}"
