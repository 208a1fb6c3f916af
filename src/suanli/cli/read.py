"""Commands that read: ``search`` (one card per story), ``story`` and ``show`` (with related reads)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from suanli.config import Settings
from suanli.knowledge.models import EVENT_TYPES
from suanli.models import Article, SearchHit, SearchQuery, StoryReport
from suanli.related import RelatedRead, find_related
from suanli.search import find_story, search_articles
from suanli.summaries import shown_summary
from suanli.summary import Bullet, Summary, summary_to_dict

from .context import CliContext, catch_up_index, day_bound, day_text, when


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    data = asdict(hit)
    data["published_at"] = hit.published_at.isoformat() if hit.published_at else None
    data["summary"] = summary_to_dict(hit.summary) if hit.summary is not None else None
    data["other_reports"] = [_report_json(r, brief=True) for r in hit.other_reports]
    return data


def _report_json(report: StoryReport, *, brief: bool = False) -> dict[str, Any]:
    data = {
        "article_id": report.article_id,
        "title": report.title,
        "source": report.source,
        "published_at": report.published_at.isoformat() if report.published_at else None,
        "url": report.url,
    }
    if not brief:
        data.update(lang=report.lang, rule=report.rule)
    return data


def _more_reports(hit: SearchHit, settings: Settings, *, shown: int = 5) -> Text:
    """'+ 2 more reports: 新浪财经 2025-08-23, Reuters 2025-08-23 (suanli story s-...)' under a card."""
    reports = [f"{r.source} {day_text(r.published_at, settings)}" for r in hit.other_reports[:shown]]
    if hit.more_reports > shown:
        reports.append("…")
    noun = "report" if hit.more_reports == 1 else "reports"
    line = Text(f"  + {hit.more_reports} more {noun}: {', '.join(reports)}")
    line.append(f" (suanli story {hit.story_id})", style="dim")
    return line


def _bullet_line(bullet: Bullet, *, indent: str = "  ") -> Text:
    line = Text(indent + "- " + bullet.text)
    line.append("".join(f"[{n}]" for n in bullet.citations), style="cyan")
    if bullet.verdict is not None and not bullet.verdict.is_supported:
        line.append(" (未通过核查 / not supported)", style="red")
    return line


def _summary_text(summary: Summary, *, full: bool) -> Text:
    """Core points and sections (``full`` adds the label, quick read and keywords)."""
    zh = summary.lang == "zh"
    out = Text()
    if full:
        out.append(summary.label + "\n", style="dim italic")
        if summary.fallback_reason:
            out.append(f"({summary.fallback_reason})\n", style="dim")
        if summary.quick_read is not None:
            out.append("快速阅读" if zh else "Quick read", style="bold")
            out.append("\n")
            out.append_text(_bullet_line(summary.quick_read, indent=""))
            out.append("\n")
    if summary.core_points:
        out.append("文章核心观点" if zh else "Core points", style="bold")
        for bullet in summary.core_points:
            out.append("\n")
            out.append_text(_bullet_line(bullet))
    for section in summary.sections:
        out.append("\n")
        out.append(section.heading, style="bold")
        for bullet in section.bullets:
            out.append("\n")
            out.append_text(_bullet_line(bullet))
    if full and summary.keywords:
        out.append("\n")
        out.append("关键词：" if zh else "Keywords: ", style="bold")
        out.append(("、" if zh else ", ").join(summary.keywords))
    return out


def card_text(hit: SearchHit) -> Text:
    """A search result: title, source · date · id, the snippet with its paragraph number, core points."""
    card = Text()
    if not hit.is_exact:
        card.append("(some words) ", style="dim")
    card.append(hit.title, style="bold")
    card.append(f"\n{hit.source} · {when(hit.published_at)} · {hit.article_id}", style="dim")
    snippet = Text(hit.snippet.text)
    for start, end in hit.snippet.highlights:
        snippet.stylize("bold yellow", start, end)
    if hit.snippet.paragraph_number is not None:
        card.append(f"\n[{hit.snippet.paragraph_number}] ", style="cyan")
    else:
        card.append("\n")
    card.append_text(snippet)
    if hit.summary is not None:
        card.append("\n")
        card.append_text(_summary_text(hit.summary, full=False))
    return card


@click.command()
@click.argument("query")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after this day.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before this day.")
@click.option("--source", metavar="NAME", help="Only this source.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only this language.")
@click.option(
    "--entity", metavar="NAME", help="Only articles naming this entity (name, alias, ticker or id)."
)
@click.option(
    "--event", "event_type", type=click.Choice(EVENT_TYPES), help="Only articles reporting this event type."
)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--all-reports", is_flag=True, help="Show every article, not one card per story.")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.pass_obj
def search(
    obj: CliContext,
    query: str,
    since: datetime | None,
    until: datetime | None,
    source: str | None,
    lang: str | None,
    entity: str | None,
    event_type: str | None,
    sort: str,
    limit: int,
    all_reports: bool,
    as_json: bool,
) -> None:
    """Search articles, one card per story; Chinese, English and mixed queries (H20停产, 寒武纪 市值)."""
    settings = obj.settings
    q = SearchQuery(
        text=query,
        since=day_bound(since, settings, end=False),
        until=day_bound(until, settings, end=True),
        source=source,
        lang=lang,  # type: ignore[arg-type]
        sort=sort,  # type: ignore[arg-type]
        limit=limit,
        entity=entity,
        event_type=event_type,
        all_reports=all_reports,
    )
    with obj.workspace() as ws:
        catch_up_index(ws)
        result = search_articles(q, ws)
    if as_json:
        payload = {
            "query": query,
            "terms": list(result.terms),
            "total": result.total,
            "exact_total": result.exact_total,
            "card_total": result.card_total,
            "hits": [_hit_json(h) for h in result.hits],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    if not result.hits:
        console.print(f"No articles match '{query}'. Try fewer words or remove filters.")
        return
    partial = result.total - result.exact_total
    more = f", {partial} more have some of them" if partial else ""
    if result.card_total is not None and result.card_total != result.total:
        more += f"; {result.card_total} {'story' if result.card_total == 1 else 'stories'}"
    console.print(
        f"{result.exact_total} articles have every word of '{query}' ({' '.join(result.terms)}){more}\n"
    )
    for hit in result.hits:
        console.print(card_text(hit), soft_wrap=True)
        if hit.more_reports:
            console.print(_more_reports(hit, settings), soft_wrap=True)
        console.print()


@click.command()
@click.argument("ref", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the story as JSON.")
@click.pass_obj
def story(obj: CliContext, ref: str, as_json: bool) -> None:
    """List the reports of a story (a story id s-..., or an article id or unique prefix), earliest first."""
    with obj.workspace() as ws:
        found = find_story(ref, ws)
    if as_json:
        payload = {"story_id": found.story_id, "reports": [_report_json(r) for r in found.reports]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    first = found.reports[0]
    console.print(Text(first.title, style="bold"))
    noun = "report" if len(found.reports) == 1 else "reports"
    console.print(Text(f"{found.story_id or 'not grouped yet'} · {len(found.reports)} {noun}", style="dim"))
    for r in found.reports:
        line = Text(f"{when(r.published_at)} · {r.source} · ")
        line.append(r.title, style="bold")
        line.append(f" · {r.article_id} · {r.rule}", style="dim")
        console.print(line, soft_wrap=True)


def _article_json(article: Article) -> dict[str, Any]:
    data = asdict(article)
    for key in ("published_at", "fetched_at"):
        value = getattr(article, key)
        data[key] = value.isoformat() if value else None
    data["paragraphs"] = [{"number": b.number, "text": b.text} for b in article.paragraphs]
    return data


def _related_json(read: RelatedRead) -> dict[str, Any]:
    data = asdict(read)
    data["published_at"] = read.published_at.isoformat() if read.published_at else None
    return data


def _related_text(reads: Sequence[RelatedRead], settings: Settings) -> Text:
    """The 你可能还想读 section: date · source · title · id, then the excerpt."""
    out = Text("你可能还想读", style="bold")
    if not reads:
        out.append("\n  (no related stories yet)", style="dim")
    for read in reads:
        out.append(f"\n- {day_text(read.published_at, settings)} · {read.source} · ")
        out.append(read.title, style="bold")
        out.append(f" · {read.article_id}", style="dim")
        if read.excerpt:
            out.append(f"\n  {read.excerpt}")
    return out


@click.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.option("--no-related", is_flag=True, help="Leave out the related reads (你可能还想读).")
@click.pass_obj
def show(obj: CliContext, article_id: str, as_json: bool, no_related: bool) -> None:
    """Print an article with its metadata, numbered paragraphs and related reads (other stories)."""
    with obj.workspace() as ws:
        article = ws.store.get_article(article_id)
        stored = ws.store.get_summaries([article.article_id]).get(article.article_id)
        summary = shown_summary(stored, obj.settings) if stored is not None else None
        related: list[RelatedRead] | None = None
        if not no_related:
            catch_up_index(ws)
            related = find_related(ws, article, keywords=summary.keywords if summary is not None else ())
    if as_json:
        data = _article_json(article)
        data["summary"] = summary_to_dict(summary) if summary is not None else None
        if related is not None:
            data["related"] = [_related_json(r) for r in related]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    console.print(Text(article.title, style="bold"))
    meta = [article.source, when(article.published_at), article.lang, article.article_id]
    if article.authors:
        meta.append("by " + ", ".join(article.authors))
    console.print(Text(" · ".join(meta), style="dim"))
    if article.canonical_url or article.url:
        console.print(Text(article.canonical_url or article.url or "", style="dim"))
    if article.is_sample:
        console.print(Text("suanli sample text (project-written, not news reporting)", style="dim italic"))
    console.print()
    if summary is not None:
        console.print(_summary_text(summary, full=True), soft_wrap=True)
        console.print()
    for block in article.blocks:
        if block.kind == "body":
            line = Text(f"[{block.number}] ", style="cyan")
            line.append(block.text)
        else:
            line = Text(f"({block.kind}) {block.text}", style="dim")
        console.print(line, soft_wrap=True)
    if related is not None:
        console.print()
        console.print(_related_text(related, obj.settings), soft_wrap=True)
