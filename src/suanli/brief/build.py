"""Building a Brief from the articles that match a topic, their summaries, facts and events."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from suanli.models import Article, Lang
from suanli.stories.minhash import normalize_for_shingles
from suanli.summary import check_bullet, summarize_extractive
from suanli.summary.models import Bullet, Summary
from suanli.summary.terms import normalize

from .models import (
    Brief,
    BriefBullet,
    BriefEvent,
    BriefFact,
    BriefItem,
    BriefOptions,
    Citation,
    KeyNumber,
    NumberValue,
    Report,
    StoryCard,
    TimelineEntry,
)

logger = logging.getLogger(__name__)

_LABEL_CHARS = 8
_CORE_POINTS = 3
_CORROBORATION = 0.6  # share of a bullet's character bigrams a paragraph must contain to back it too
_SAME_VALUE = 1e-3  # relative difference under which two stated values are the same value


@dataclass(slots=True)
class _Story:
    """A story's reports (lead first), with its lead summary and bullet worked out on first use."""

    story_id: str
    items: list[BriefItem]
    _summary: Summary | None = None
    _bullet: tuple[BriefBullet | None] | None = None

    @property
    def lead(self) -> BriefItem:
        return self.items[0]

    @property
    def newest(self) -> datetime:
        return max(_when(i.article) or _EPOCH for i in self.items)

    def summary(self, options: BriefOptions) -> Summary:
        if self._summary is None:
            self._summary = _summary(self.lead, options)
        return self._summary

    def bullet(self, labels: dict[str, str], options: BriefOptions) -> BriefBullet | None:
        if self._bullet is None:
            self._bullet = (_story_bullet(self, labels, options),)
        return self._bullet[0]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def build_brief(
    items: Sequence[BriefItem],
    options: BriefOptions,
    *,
    facts: Iterable[BriefFact] = (),
    events: Iterable[BriefEvent] = (),
) -> Brief:
    """A briefing on ``options.query`` from the matching ``items`` (with optional facts and events).

    1. Keep the items inside ``as_of``, ``since`` and ``until``.
    2. Group them by story (an item without ``story_id`` is a story of its own); the lead report
       is the earliest, the longest on a tie.
    3. Story cards, newest first: the lead's core points, re-checked against the lead article.
    4. Main developments: the stories with the most reports (then the newest), one checked bullet
       each, also citing other reports whose paragraphs say the same and pass the check.
    5. Timeline: the events (or, without events, each story's first report) in date order.
    6. Key numbers: facts grouped by subject, metric, period and aspect; differing values side by side.

    Example:
        >>> brief = build_brief([BriefItem(article, summary, "s-1")], BriefOptions("H20"))  # doctest: +SKIP
        >>> print(render_brief_markdown(brief))  # doctest: +SKIP
    """
    # 1. the period
    kept = [i for i in items if _in_period(i.article, options)]
    kept = list({i.article.article_id: i for i in kept}.values())
    excluded = len({i.article.article_id for i in items}) - len(kept)
    labels = _labels([i.article.article_id for i in kept])
    articles = {i.article.article_id: i.article for i in kept}
    # 2. stories
    stories = _stories(kept, options)
    # 3. cards
    ordered = sorted(stories, key=lambda s: (-s.newest.timestamp(), s.story_id))[: options.max_stories]
    cards = tuple(_card(s, labels, options) for s in ordered)
    # 4. developments
    ranked = sorted(stories, key=lambda s: (-len(s.items), -s.newest.timestamp(), s.story_id))
    chosen: list[BriefBullet] = []
    for story in ranked:
        if len(chosen) >= options.max_developments:
            break
        bullet = story.bullet(labels, options)
        if bullet is not None:
            chosen.append(bullet)
    developments = tuple(chosen)
    # 5. timeline
    timeline = _timeline(list(events), stories, articles, labels, options)
    # 6. key numbers
    numbers = _key_numbers(list(facts), articles, labels, options)
    shown = {r.article_id for card in cards for r in card.reports}
    cited = {c.article_id for b in developments for c in b.citations}
    cited |= {c.article_id for e in timeline for c in e.bullet.citations}
    cited |= {c.article_id for row in numbers for v in row.values for c in v.citations}
    sources = tuple(
        sorted(
            (_report(articles[a], labels) for a in shown | cited),
            key=lambda r: (-(r.published_at or _EPOCH).timestamp(), r.article_id),
        )
    )
    return Brief(
        query=options.query,
        lang=options.lang or _majority_lang(kept),
        as_of=options.as_of,
        since=options.since,
        until=options.until,
        stories=cards,
        developments=developments,
        timeline=timeline,
        numbers=numbers,
        sources=sources,
        article_count=len(kept),
        excluded=excluded,
        generated_at=options.generated_at,
    )


# -- 1. period and labels ------------------------------------------------------------------------


def _when(article: Article) -> datetime | None:
    when = article.published_at or article.fetched_at
    if when is None:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _in_period(article: Article, options: BriefOptions) -> bool:
    when = _when(article)
    if when is None:
        return options.as_of is None and options.since is None and options.until is None
    if options.as_of is not None and when > _utc(options.as_of):
        return False
    if options.since is not None and when < _utc(options.since):
        return False
    return options.until is None or when <= _utc(options.until)


def _labels(article_ids: Sequence[str]) -> dict[str, str]:
    """The shortest prefix of each id (at least 8 characters) that no other id shares."""
    ordered = sorted(set(article_ids))
    labels: dict[str, str] = {}
    for n, article_id in enumerate(ordered):
        neighbours = ordered[max(n - 1, 0) : n] + ordered[n + 1 : n + 2]
        shared = max((_common_prefix(article_id, other) for other in neighbours), default=0)
        labels[article_id] = article_id[: max(_LABEL_CHARS, shared + 1)]
    return labels


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return size


def _majority_lang(items: Sequence[BriefItem]) -> Lang:
    counts = Counter(i.article.lang for i in items)
    return "en" if counts["en"] > counts["zh"] else "zh"


# -- 2. stories and 3. cards ---------------------------------------------------------------------


def _stories(items: Sequence[BriefItem], options: BriefOptions) -> list[_Story]:
    groups: defaultdict[str, list[BriefItem]] = defaultdict(list)
    for item in items:
        groups[item.story_id or f"s-{item.article.article_id}"].append(item)
    stories = []
    for story_id, members in groups.items():
        members.sort(key=lambda i: ((_when(i.article) or _EPOCH), -_length(i.article), i.article.article_id))
        stories.append(_Story(story_id, members))
    return stories


def _length(article: Article) -> int:
    return sum(len(b.text) for b in article.paragraphs)


def _summary(item: BriefItem, options: BriefOptions) -> Summary:
    if item.summary is not None:
        return item.summary
    logger.debug("Article %s has no stored summary; writing an extractive one", item.article.article_id)
    return summarize_extractive(item.article, terms=options.entities)


def _report(article: Article, labels: dict[str, str]) -> Report:
    return Report(
        article_id=article.article_id,
        label=labels[article.article_id],
        title=article.title,
        source=article.source,
        published_at=_when(article),
        url=article.canonical_url or article.url,
    )


def _checked(bullet: Bullet, article: Article, labels: dict[str, str], options: BriefOptions) -> BriefBullet:
    verdict = check_bullet(bullet.text, bullet.citations, article, entities=options.entities)
    citations = tuple(
        Citation(article.article_id, n, labels[article.article_id]) for n in dict.fromkeys(bullet.citations)
    )
    return BriefBullet(bullet.text, citations, verdict)


def _card(story: _Story, labels: dict[str, str], options: BriefOptions) -> StoryCard:
    lead = story.lead.article
    summary = story.summary(options)
    points: list[BriefBullet] = []
    for bullet in summary.core_points:
        checked = _checked(bullet, lead, labels, options)
        if checked.is_supported or options.policy == "mark":
            points.append(checked)
    return StoryCard(
        story_id=story.story_id,
        lead=_report(lead, labels),
        core_points=tuple(points[:_CORE_POINTS]),
        reports=tuple(_report(i.article, labels) for i in story.items),
    )


# -- 4. developments -------------------------------------------------------------------------------


def _story_bullet(story: _Story, labels: dict[str, str], options: BriefOptions) -> BriefBullet | None:
    lead = story.lead.article
    summary = story.summary(options)
    for bullet in summary.bullets:
        checked = _checked(bullet, lead, labels, options)
        if not checked.is_supported and options.policy == "drop":
            continue
        extra = (
            _corroborations(checked.text, story.items[1:], labels, options) if checked.is_supported else ()
        )
        return BriefBullet(checked.text, checked.citations + extra, checked.verdict)
    return None


def _bigrams(text: str) -> set[str]:
    normal = normalize_for_shingles(text)
    return {normal[i : i + 2] for i in range(len(normal) - 1)}


def _corroborations(
    text: str, others: Sequence[BriefItem], labels: dict[str, str], options: BriefOptions
) -> tuple[Citation, ...]:
    """Paragraphs of other reports that share most of the bullet's wording and pass its check."""
    wanted = _bigrams(text)
    found: list[Citation] = []
    if not wanted:
        return ()
    for item in others:
        if len(found) >= options.max_corroborations:
            break
        article = item.article
        for block in article.paragraphs:
            if block.number is None or len(wanted & _bigrams(block.text)) < _CORROBORATION * len(wanted):
                continue
            if check_bullet(text, (block.number,), article, entities=options.entities).is_supported:
                found.append(Citation(article.article_id, block.number, labels[article.article_id]))
                break
    return tuple(found)


# -- 5. timeline -----------------------------------------------------------------------------------


def _timeline(
    events: list[BriefEvent],
    stories: list[_Story],
    articles: dict[str, Article],
    labels: dict[str, str],
    options: BriefOptions,
) -> tuple[TimelineEntry, ...]:
    entries: list[TimelineEntry] = []
    if events:
        seen: set[tuple[date, str]] = set()
        for event in events:
            article = articles.get(event.article_id)
            if article is None or not _day_in_period(event.on, options) or (event.on, event.text) in seen:
                continue
            seen.add((event.on, event.text))
            verdict = check_bullet(event.text, (event.paragraph_number,), article, entities=options.entities)
            if not verdict.is_supported and options.policy == "drop":
                continue
            citation = Citation(article.article_id, event.paragraph_number, labels[article.article_id])
            entries.append(
                TimelineEntry(event.on, BriefBullet(event.text, (citation,), verdict), event.event_type)
            )
    else:
        # Without events, each story's first report marks its day; only the latest stories fit.
        dated = [(when, story) for story in stories if (when := _when(story.lead.article)) is not None]
        dated.sort(key=lambda pair: (pair[0], pair[1].story_id))
        for when, story in dated[-options.max_timeline :]:
            bullet = story.bullet(labels, options)
            if bullet is not None:
                entries.append(TimelineEntry(when.date(), bullet))
    entries.sort(key=lambda e: (e.on, e.bullet.text))
    return tuple(entries[-options.max_timeline :])


def _day_in_period(day: date, options: BriefOptions) -> bool:
    if options.as_of is not None and day > _utc(options.as_of).date():
        return False
    if options.since is not None and day < _utc(options.since).date():
        return False
    return options.until is None or day <= _utc(options.until).date()


# -- 6. key numbers --------------------------------------------------------------------------------


def _key_numbers(
    facts: list[BriefFact], articles: dict[str, Article], labels: dict[str, str], options: BriefOptions
) -> tuple[KeyNumber, ...]:
    rows: defaultdict[tuple[str, str, str | None, str | None], list[BriefFact]] = defaultdict(list)
    for fact in facts:
        article = articles.get(fact.article_id)
        paragraph = article.paragraph(fact.paragraph_number) if article is not None else None
        if article is None or paragraph is None:
            continue
        # The fact's own words must be in its paragraph (its hedge, if any, stays in the paragraph).
        if (
            normalize(fact.value_text) not in normalize(paragraph.text)
            and not check_bullet(fact.value_text, (fact.paragraph_number,), article).is_supported
        ):
            logger.debug(
                "Fact '%s' is not in paragraph %s of %s",
                fact.value_text,
                fact.paragraph_number,
                article.article_id,
            )
            continue
        rows[(fact.subject, fact.metric, fact.period, fact.aspect)].append(fact)
    table = [
        KeyNumber(subject, metric, period, aspect, _values(group, articles, labels))
        for (subject, metric, period, aspect), group in rows.items()
    ]
    table.sort(
        key=lambda r: (not r.is_conflict, -sum(len(v.citations) for v in r.values), r.subject, r.metric)
    )
    return tuple(table[: options.max_numbers])


def _values(
    facts: list[BriefFact], articles: dict[str, Article], labels: dict[str, str]
) -> tuple[NumberValue, ...]:
    merged: list[tuple[BriefFact, list[BriefFact]]] = []
    for fact in sorted(facts, key=lambda f: (f.value is None, f.value or 0.0, f.value_text, f.article_id)):
        for first, group in merged:
            if _same_value(first, fact):
                group.append(fact)
                break
        else:
            merged.append((fact, [fact]))
    values = []
    for first, group in merged:
        citations = tuple(
            dict.fromkeys(Citation(f.article_id, f.paragraph_number, labels[f.article_id]) for f in group)
        )
        sources = tuple(dict.fromkeys(articles[f.article_id].source for f in group))
        values.append(NumberValue(first.value_text, first.value, first.unit, citations, sources))
    return tuple(values)


def _same_value(a: BriefFact, b: BriefFact) -> bool:
    if a.value is None or b.value is None:
        return a.value is None and b.value is None and a.value_text == b.value_text
    if a.unit != b.unit:
        return False
    scale = max(abs(a.value), abs(b.value))
    return scale == 0 or abs(a.value - b.value) <= _SAME_VALUE * scale
