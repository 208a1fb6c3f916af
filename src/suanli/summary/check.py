"""The citation check: every summary bullet must be backed by the paragraphs it cites.

A bullet is supported when it cites at least one paragraph, every cited paragraph exists, and
every number, date, known name, product code and quoted phrase in it occurs in one of its cited
paragraphs. A number the paragraph hedges (``约``, ``预计``, ``nearly`` ...) must stay hedged.

Example:
    >>> verdict = check_bullet("寒武纪营收增长42.3倍", (99,), article)  # doctest: +SKIP
    >>> verdict.problems
    ("Cites paragraph 99, which does not exist (the article has 12 paragraphs)",)
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from suanli.errors import ConfigError
from suanli.models import Article
from suanli.summary.models import POLICY_MODES, Section, Summary, Verdict, with_verdicts
from suanli.summary.numbers import (
    DateMention,
    Quantity,
    hedged_in_sentence,
    parse_dates,
    parse_quantities,
    same_date,
    same_quantity,
)
from suanli.summary.terms import mentions, normalize, product_codes, term_matcher

_MARKER = re.compile(r"\s*\[\d+\]")
_QUOTE = re.compile(
    r"「([^」]{1,200})」|『([^』]{1,200})』|“([^”]{1,200})”|\"([^\"]{1,200})\"|《([^》]{1,200})》"
)


@dataclass(frozen=True, slots=True)
class _Paragraph:
    number: int
    norm: str
    quantities: tuple[Quantity, ...]
    dates: tuple[DateMention, ...]


class _Context:
    """One article's paragraphs (analysed lazily, once) and the names to verify."""

    def __init__(self, article: Article, entities: Collection[str]) -> None:
        self.texts = {b.number: b.text for b in article.paragraphs if b.number is not None}
        self.entities = term_matcher(tuple(entities))
        self._cache: dict[int, _Paragraph] = {}

    def paragraph(self, number: int) -> _Paragraph | None:
        if number in self._cache:
            return self._cache[number]
        text = self.texts.get(number)
        if text is None:
            return None
        dates = parse_dates(text)
        analysed = _Paragraph(number, normalize(text), tuple(parse_quantities(text)), tuple(dates))
        self._cache[number] = analysed
        return analysed


def check_bullet(
    text: str, cited: Sequence[int], article: Article, *, entities: Collection[str] = ()
) -> Verdict:
    """Whether ``text`` is backed by the ``cited`` paragraphs of ``article``, with the problems found.

    ``entities`` are names and terms (e.g. the domain dictionary) that must not appear in a bullet
    unless a cited paragraph mentions them too. Citation markers like ``[3]`` inside ``text`` are ignored.
    """
    return _check(text, cited, _Context(article, entities))


def check_summary(summary: Summary, article: Article, *, entities: Collection[str] = ()) -> Summary:
    """Copy of ``summary`` whose quick read, core points and section bullets carry verdicts."""
    context = _Context(article, entities)
    return with_verdicts(summary, [_check(b.text, b.citations, context) for b in summary.bullets])


def apply_policy(summary: Summary, mode: str = "drop") -> Summary:
    """Drop unsupported bullets (``"drop"``) or keep them with their verdicts (``"mark"``).

    Dropping removes sections left empty and sets an unsupported quick read to None.
    Raises ConfigError for another mode and ValueError when the summary has not been checked.
    """
    if mode not in POLICY_MODES:
        raise ConfigError(f"Summary policy '{mode}' is not one of: {', '.join(POLICY_MODES)}")
    if not summary.is_checked:
        raise ValueError("Summary has bullets without a verdict: run check_summary first")
    if mode == "mark":
        return summary
    sections = tuple(
        Section(s.heading, kept)
        for s in summary.sections
        if (kept := tuple(b for b in s.bullets if b.is_supported))
    )
    quick = summary.quick_read if summary.quick_read and summary.quick_read.is_supported else None
    core = tuple(b for b in summary.core_points if b.is_supported)
    return replace(summary, quick_read=quick, core_points=core, sections=sections)


def _check(text: str, cited: Sequence[int], context: _Context) -> Verdict:
    problems: list[str] = []
    body = _MARKER.sub("", text).strip()
    if not body:
        problems.append("Bullet has no text")
    if not cited:
        problems.append("Bullet cites no paragraph")
    paragraphs: list[_Paragraph] = []
    for number in dict.fromkeys(cited):
        paragraph = context.paragraph(number)
        if paragraph is None:
            count = len(context.texts)
            problems.append(
                f"Cites paragraph {number}, which does not exist (the article has {count} paragraphs)"
            )
        else:
            paragraphs.append(paragraph)
    if body and paragraphs:
        where = _where(paragraphs)
        problems += _number_problems(body, paragraphs, where)
        problems += _date_problems(body, paragraphs, where)
        problems += _name_problems(body, paragraphs, where, context)
        problems += _quote_problems(body, paragraphs, where)
    return Verdict(not problems, tuple(problems))


def _where(paragraphs: Sequence[_Paragraph]) -> str:
    numbers = [str(p.number) for p in paragraphs]
    return f"paragraph {numbers[0]}" if len(numbers) == 1 else f"paragraphs {', '.join(numbers)}"


def _number_problems(body: str, paragraphs: Sequence[_Paragraph], where: str) -> list[str]:
    problems: list[str] = []
    for claimed in parse_quantities(body):
        matches = [(p.number, s) for p in paragraphs for s in p.quantities if same_quantity(claimed, s)]
        if not matches:
            if _year_like(claimed) and any(d.year == claimed.value for p in paragraphs for d in p.dates):
                continue
            problems.append(f"Number '{claimed.text}' does not occur in cited {where}")
        elif (
            claimed.qualifier is None
            and all(s.qualifier for _, s in matches)
            and not hedged_in_sentence(body, claimed.start)
        ):
            number, stated = matches[0]
            problems.append(
                f"Number '{claimed.text}' drops the qualifier '{stated.qualifier}' of paragraph {number}"
            )
    return problems


def _year_like(q: Quantity) -> bool:
    return q.unit == "" and q.high is None and q.value.is_integer() and 1900 <= q.value <= 2099


def _date_problems(body: str, paragraphs: Sequence[_Paragraph], where: str) -> list[str]:
    problems: list[str] = []
    for claimed in parse_dates(body):
        if any(same_date(claimed, s) for p in paragraphs for s in p.dates):
            continue
        if claimed.month is None and claimed.year is not None:
            # A year may be written as a bare number in the source ("In 2025 Nvidia ...").
            if any(_year_like(q) and q.value == claimed.year for p in paragraphs for q in p.quantities):
                continue
        problems.append(f"Date '{claimed.text}' does not occur in cited {where}")
    return problems


def _name_problems(body: str, paragraphs: Sequence[_Paragraph], where: str, context: _Context) -> list[str]:
    problems: list[str] = []
    norm = normalize(body)
    reported: set[str] = set()
    for entity, key in context.entities.mentioned(norm):
        if not any(mentions(p.norm, key) for p in paragraphs):
            problems.append(f"Name '{entity}' does not occur in cited {where}")
            reported.add(key)
    for code in dict.fromkeys(product_codes(body)):
        key = normalize(code)
        if key in reported or parse_quantities(code):
            continue
        if not any(mentions(p.norm, key) for p in paragraphs):
            problems.append(f"Code '{code}' does not occur in cited {where}")
    return problems


def _quote_problems(body: str, paragraphs: Sequence[_Paragraph], where: str) -> list[str]:
    problems: list[str] = []
    for match in _QUOTE.finditer(body):
        phrase = next(g for g in match.groups() if g is not None)
        key = normalize(phrase)
        if key and not any(key in p.norm for p in paragraphs):
            problems.append(f"Quoted phrase '{phrase}' does not occur in cited {where}")
    return problems
