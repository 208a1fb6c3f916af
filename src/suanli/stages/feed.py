"""Parse RSS and Atom feeds from bytes into :class:`Feed` records (feedparser never fetches anything).

An item carries inline full content only when the feed gives ``content:encoded`` or Atom ``<content>``;
a ``<description>`` or ``<summary>`` is kept as ``summary`` and the pipeline fetches the item's link.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
import xml.sax
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from suanli.errors import ExtractError

logger = logging.getLogger(__name__)

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
XML_TYPES = frozenset({"application/xml", "text/xml"})
_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>/]", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_EMAIL_AND_NAME = re.compile(r"^\s*\S+@\S+\s+\((?P<name>[^()]+)\)\s*$")
_SNIFF_BYTES = 1024
_REASON_CHARS = 120


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One feed entry. ``key`` is stable: the entry id/guid, else the link, else a content hash."""

    key: str
    title: str | None
    link: str | None
    published: str | None
    authors: tuple[str, ...]
    content_html: str | None
    summary: str | None


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    items: tuple[FeedItem, ...]


def looks_like_feed(content: bytes, content_type: str | None) -> bool:
    """Cheap sniff: a feed MIME type, or a generic XML type (or none) with a feed root in the first 1 KB.

    Example:
        >>> looks_like_feed(b'<?xml version="1.0"?><rss version="2.0">', "text/xml")
        True
    """
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in FEED_TYPES:
        return True
    if mime and mime not in XML_TYPES:
        return False
    return _ROOT.search(content[:_SNIFF_BYTES]) is not None


def parse_feed(content: bytes, feed_url: str) -> Feed:
    """Parse RSS 0.9x/1.0/2.0 or Atom ``content``; relative links are resolved against ``feed_url``.

    Steps:
        1. Parse with feedparser from a byte stream, so it never opens a URL or a file.
        2. Turn each entry into a :class:`FeedItem`.
        3. Reject input that is not a feed; keep what a lenient parse recovers from a damaged one.

    Raises:
        ExtractError: the bytes are not RSS or Atom (malformed XML with no entries, or another document).

    Example:
        >>> feed = parse_feed(Path("h20.xml").read_bytes(), "https://news.example/feed")  # doctest: +SKIP
        >>> feed.items[0].title  # doctest: +SKIP
        '英伟达H20二季度出货量预计环比增长三成'
    """
    # 1. No Content-Location: ids must not depend on where the feed was fetched from; links are
    #    resolved below. The declared type keeps feedparser from flagging every input as bozo.
    parsed = feedparser.parse(io.BytesIO(content), response_headers={"content-type": "application/xml"})
    entries: list[Any] = list(parsed.entries)  # Any: feedparser returns untyped FeedParserDicts
    # 2. Items.
    items = tuple(_item(entry, feed_url) for entry in entries)
    # 3. Decide whether this is a feed at all. A lenient parse of broken XML yields empty husks
    #    (e.g. a feed cut off inside its first <item>); those do not make it a feed.
    is_broken = bool(parsed.bozo) and not isinstance(
        parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride
    )
    if is_broken:
        items = tuple(item for item in items if _has_substance(item))
    if not items:
        reason = _not_a_feed_reason(parsed, content, is_broken)
        if reason:
            raise ExtractError(f"Feed '{feed_url}' is not valid RSS or Atom: {reason}")
    elif is_broken:
        logger.warning(
            "Feed %s is not well-formed (%s); keeping %d items a lenient parse recovered",
            feed_url,
            _short_reason(parsed.get("bozo_exception")),
            len(items),
        )
    logger.debug("Parsed feed %s: %s, %d items", feed_url, parsed.get("version"), len(items))
    return Feed(title=_plain(parsed.feed, "title"), items=items)


def _not_a_feed_reason(parsed: Any, content: bytes, is_broken: bool) -> str | None:  # Any: FeedParserDict
    if not content.strip():
        return "it is empty"
    if is_broken:
        return _short_reason(parsed.get("bozo_exception"))
    if not parsed.get("version"):
        return "it has no <rss>, <feed> or <rdf:RDF> root element"
    return None


def _short_reason(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown parse error"
    if isinstance(exc, xml.sax.SAXParseException):
        reason = f"{exc.getMessage()} at line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
    else:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return reason if len(reason) <= _REASON_CHARS else reason[: _REASON_CHARS - 1] + "…"


def _item(entry: Any, feed_url: str) -> FeedItem:  # Any: FeedParserDict
    title = _plain(entry, "title")
    content_html = _content_html(entry)
    summary = _text(entry.get("summary"))
    if summary is not None and summary == content_html:
        # feedparser copies Atom <content> into summary when there is no <summary>.
        summary = None
    link = _link(entry, feed_url)
    return FeedItem(
        key=_text(entry.get("id")) or link or _hash_key(title, content_html or summary),
        title=title,
        link=link,
        published=_published(entry),
        authors=_authors(entry),
        content_html=content_html,
        summary=summary,
    )


def _has_substance(item: FeedItem) -> bool:
    return any((item.title, item.link, item.content_html, item.summary))


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _plain(record: Any, key: str) -> str | None:  # Any: FeedParserDict
    """A title as plain text; feedparser keeps markup when the feed declares it as HTML."""
    value = _text(record.get(key))
    detail = record.get(f"{key}_detail") or {}
    if value is not None and "html" in str(detail.get("type", "")):
        value = _text(" ".join(html.unescape(_TAG.sub(" ", value)).split()))
    return value


def _content_html(entry: Any) -> str | None:  # Any: FeedParserDict
    """Inline full content (``content:encoded`` or Atom ``<content>``), as HTML."""
    for part in entry.get("content") or []:
        value = _text(part.get("value"))
        if value is None:
            continue
        if "html" in str(part.get("type", "text/html")):
            return value
        return "".join(f"<p>{html.escape(para)}</p>" for para in value.split("\n\n") if para.strip())
    return None


def _link(entry: Any, feed_url: str) -> str | None:  # Any: FeedParserDict
    """The item's web page: its alternate link, or a permalink guid that is an http(s) URL."""
    candidate = None
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and _text(link.get("href")):
            candidate = _text(link.get("href"))
            break
    if candidate is None and entry.get("guidislink"):
        guid = _text(entry.get("id")) or ""
        candidate = guid if urlsplit(guid).scheme.lower() in ("http", "https") else None
    if candidate is None:
        return None
    resolved = urljoin(feed_url, candidate)
    return resolved if urlsplit(resolved).scheme.lower() in ("http", "https") else None


def _published(entry: Any) -> str | None:  # Any: FeedParserDict
    published = _text(entry.get("published"))
    # Test membership first: reading a missing "updated" makes feedparser warn and fall back.
    if published is None and "updated" in entry:
        return _text(entry["updated"])
    return published


def _authors(entry: Any) -> tuple[str, ...]:  # Any: FeedParserDict
    names: list[str] = []
    details = entry.get("authors") or []
    raw = _text(entry.get("author"))
    match = _EMAIL_AND_NAME.match(raw or "")
    if len(details) == 1 and match:
        # RSS "email (Name)": feedparser's own split fails on long top-level domains.
        names.append(match.group("name").strip())
    else:
        names.extend(name for detail in details if (name := _text(detail.get("name"))))
    return tuple(dict.fromkeys(names))


def _hash_key(title: str | None, body: str | None) -> str:
    digest = hashlib.sha256(f"{title or ''}\n{body or ''}".encode()).hexdigest()
    return f"sha256:{digest[:32]}"
