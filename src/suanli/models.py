"""Frozen records that travel between the stages, the store and the read path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from suanli.summary.models import Summary

Lang = Literal["zh", "en"]
BlockKind = Literal["body", "heading", "byline", "caption", "disclaimer", "boilerplate"]
BLOCK_KINDS: tuple[BlockKind, ...] = ("body", "heading", "byline", "caption", "disclaimer", "boilerplate")
InputKind = Literal["html", "text", "markdown", "pdf"]


@dataclass(frozen=True, slots=True)
class Source:
    """A named origin of articles; feeds carry their polling state."""

    name: str
    feed_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    polled_at: datetime | None = None
    added_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RawPage:
    """Bytes or text of one input before extraction.

    ``content`` holds undecoded bytes for HTML (charset detection happens in
    extraction); ``text`` holds already-decoded text for plain-text inputs.
    Metadata fields carry what the input itself states (a JSONL record, a feed item).
    """

    origin: str
    kind: InputKind
    content: bytes = b""
    text: str | None = None
    url: str | None = None
    header_charset: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    fetched_at: datetime | None = None
    is_sample: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article. Only ``body`` blocks carry a paragraph ``number`` (1-based)."""

    position: int
    kind: BlockKind
    text: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """An extracted article, with its body numbered from 1."""

    article_id: str
    title: str
    blocks: tuple[Block, ...]
    lang: Lang
    content_hash: str
    url: str | None = None
    canonical_url: str | None = None
    source: str = "local"
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    authors: tuple[str, ...] = ()
    is_sample: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        """Body blocks in order; ``paragraphs[i].number == i + 1``."""
        return tuple(b for b in self.blocks if b.kind == "body")

    def paragraph(self, number: int) -> Block | None:
        for block in self.blocks:
            if block.number == number:
                return block
        return None


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """Pre-segmented search row for one article (tokens joined by spaces)."""

    article_id: str
    title_tokens: str
    body_tokens: str
    source: str
    lang: Lang
    date_ts: int
    entity_ids: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str
    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None
    lang: Lang | None = None
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = 10
    offset: int = 0
    entity: str | None = None
    event_type: str | None = None
    all_reports: bool = False


@dataclass(frozen=True, slots=True)
class StoryReport:
    """One article of a story, as story listings show it."""

    article_id: str
    title: str
    source: str
    published_at: datetime | None
    url: str | None = None
    lang: Lang = "zh"
    rule: str = "new"
    added_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Watch:
    """A saved query or entity whose new stories ``suanli watch run`` lists.

    ``kind`` is ``"query"`` (search words) or ``"entity"`` (an entity id); ``last_run_at`` is when
    ``watch run`` last reported it (None: never, so everything since ``created_at`` is new).
    """

    watch_id: int
    kind: Literal["query", "entity"]
    value: str
    created_at: datetime
    last_run_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short excerpt; ``highlights`` are (start, end) character offsets into ``text``."""

    text: str
    paragraph_number: int | None
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: str
    title: str
    source: str
    published_at: datetime | None
    lang: Lang
    score: float
    snippet: Snippet
    url: str | None = None
    summary: Summary | None = None
    is_exact: bool = True
    story_id: str | None = None
    other_reports: tuple[StoryReport, ...] = ()

    @property
    def more_reports(self) -> int:
        """How many other reports of this hit's story the card folds away."""
        return len(self.other_reports)


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: SearchQuery
    terms: tuple[str, ...]
    total: int
    hits: tuple[SearchHit, ...]
    exact_total: int = 0
    # Cards over all pages (one per story unless query.all_reports), when known; None: count by total.
    card_total: int | None = None
    # True when ``total`` counts only the first matches scanned (a search restricted to given ids).
    is_total_partial: bool = False


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be ingested, with a one-sentence reason."""

    input: str
    reason: str


@dataclass(frozen=True, slots=True)
class AddReport:
    """Outcome of one batch: ids added, inputs already present, failures, warnings."""

    added: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()
    warnings: tuple[str, ...] = ()

    def merged(self, other: AddReport) -> AddReport:
        return AddReport(
            self.added + other.added,
            self.already + other.already,
            self.failures + other.failures,
            self.warnings + other.warnings,
        )


@dataclass(frozen=True, slots=True)
class SourceStats:
    name: str
    articles: int
    feed_url: str | None = None
    polled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Stats:
    articles: int
    paragraphs: int
    sources: int
    by_lang: dict[str, int] = field(default_factory=dict)
    indexed: int = 0
    pending_index: int = 0
    oldest_published_at: datetime | None = None
    newest_published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ArticleTags:
    """Entity ids and event types of one article, as the search index filters on them."""

    entity_ids: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FactQuery:
    entity_id: str | None = None
    metric: str | None = None
    since: date | None = None
    until: date | None = None
    article_ids: tuple[str, ...] | None = None
    limit: int = 200


@dataclass(frozen=True, slots=True)
class EventQuery:
    entity_id: str | None = None
    event_type: str | None = None
    since: date | None = None
    until: date | None = None
    article_ids: tuple[str, ...] | None = None
    limit: int = 200
