"""The ``suanli`` command line: parse, call, print, map errors to exit codes."""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, time, timedelta
from importlib import resources
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import __version__
from .config import SECRET_SETTINGS, Settings, load_settings, setting_help
from .entities import entity_profile, find_facts, timeline, titles_of
from .errors import SuanliError
from .knowledge import Event, Fact
from .knowledge.models import ENTITY_TYPES, EVENT_TYPES, METRICS
from .knowledge.records import event_to_dict, fact_to_dict
from .models import AddReport, Article, Failure, SearchHit, SearchQuery, StoryReport
from .pipeline import add_inputs, regroup, reindex, sync_index, update_sources
from .related import RelatedRead, find_related
from .search import find_story, search_articles
from .summaries import shown_summary, summarize_stored
from .summary import Bullet, Summary, summary_to_dict
from .workspace import Workspace, open_workspace

DEMO_QUERIES = ("算力", "英伟达 H20", "寒武纪 市值", "国产GPU", "UE8M0 FP8", "HBM export controls")


class _Ctx:
    def __init__(self, overrides: dict[str, Any], debug: bool) -> None:
        self.overrides = overrides
        self.debug = debug
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.overrides)
        return self._settings

    def workspace(self) -> Workspace:
        return open_workspace(self.settings)


class _Group(click.Group):
    """Maps SuanliError to 'Error: <message>' and exit code 1 (tracebacks only with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SuanliError as exc:
            if ctx.obj is not None and ctx.obj.debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # the CLI boundary: one line, never a bare traceback
            if ctx.obj is not None and ctx.obj.debug:
                raise
            click.echo(f"Error: internal error {type(exc).__name__}: {exc}; rerun with --debug", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="suanli")
@click.option("--db", "db_url", metavar="URL", help="Store URL (default: sqlite:///<data dir>/suanli.db).")
@click.option("--data-dir", metavar="DIR", help="Folder for the default database and index.")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, data_dir: str | None, debug: bool) -> None:
    """suanli (算力): ingest, number and search AI-compute news in Chinese and English."""
    # Per-input problems reach users as "failed:" lines; libraries' own logs only with --debug.
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.CRITICAL, format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = _Ctx({"db_url": db_url, "data_dir": data_dir}, debug)


# -- add / update ---------------------------------------------------------------------------


class _BarProgress:
    """Draws a rich progress bar on stderr when it is a terminal; echoes acks with --verbose."""

    def __init__(self, *, verbose: bool) -> None:
        self.console = Console(stderr=True)
        self.verbose = verbose
        self._bar: Progress | None = None
        self._task: Any = None

    def start(self, total: int | None) -> None:
        if self.console.is_terminal and (total is None or total > 1):
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("ingesting", total=total)

    def advance(self, label: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=label[-40:])

    def added(self, article_id: str, origin: str) -> None:
        if self.verbose:
            click.echo(f"added {article_id} {origin}")
            sys.stdout.flush()

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _outcome(summary: str, *, warnings: Sequence[str], failures: Sequence[Failure]) -> None:
    """Warnings and one line per failure on stderr, the summary line, exit code 1 if anything failed."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for f in failures:
        click.echo(f"failed: {f.input}: {f.reason}", err=True)
    click.echo(summary)
    if failures:
        sys.exit(1)


def _finish(report: AddReport, *, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
        if report.failures:
            sys.exit(1)
        return
    _outcome(
        f"added {len(report.added)}, already had {len(report.already)}, failed {len(report.failures)}",
        warnings=report.warnings,
        failures=report.failures,
    )


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--feed", "register_feed", is_flag=True, help="Register each URL as a feed source for 'update'."
)
@click.option("--source", metavar="NAME", help="Source name for every article of this batch.")
@click.option("-v", "--verbose", is_flag=True, help="Print 'added ID INPUT' as each article is stored.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def add(
    obj: _Ctx, inputs: tuple[str, ...], register_feed: bool, source: str | None, verbose: bool, as_json: bool
) -> None:
    """Ingest files, folders, article URLs and RSS/Atom feed URLs.

    Files: .html/.htm, .md, .txt, .pdf and .jsonl records {title, url, source, published_at, text|html}.
    """
    progress = _BarProgress(verbose=verbose)
    with obj.workspace() as ws:
        try:
            report = add_inputs(inputs, ws, source=source, register_feeds=register_feed, progress=progress)
        finally:
            progress.stop()
    _finish(report, as_json=as_json)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def update(obj: _Ctx, as_json: bool) -> None:
    """Poll every registered feed (with ETag/Last-Modified) and ingest new items."""
    progress = _BarProgress(verbose=False)
    with obj.workspace() as ws:
        try:
            report = update_sources(ws, progress=progress)
        finally:
            progress.stop()
    _finish(report, as_json=as_json)


# -- search / show ----------------------------------------------------------------------------


def _day_bound(value: datetime | None, settings: Settings, *, end: bool) -> datetime | None:
    if value is None:
        return None
    moment = datetime.combine(value.date(), time.min, tzinfo=settings.tz)
    return moment + timedelta(days=1, microseconds=-1) if end else moment


def _date(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if dt is not None else "undated"


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


def _day(dt: datetime | None, settings: Settings) -> str:
    return dt.astimezone(settings.tz).strftime("%Y-%m-%d") if dt is not None else "undated"


def _more_reports(hit: SearchHit, settings: Settings, *, shown: int = 5) -> Text:
    """'+ 2 more reports: 新浪财经 2025-08-23, Reuters 2025-08-23 (suanli story s-...)' under a card."""
    reports = [f"{r.source} {_day(r.published_at, settings)}" for r in hit.other_reports[:shown]]
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


def _card(hit: SearchHit) -> Text:
    card = Text()
    if not hit.is_exact:
        card.append("(some words) ", style="dim")
    card.append(hit.title, style="bold")
    card.append(f"\n{hit.source} · {_date(hit.published_at)} · {hit.article_id}", style="dim")
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


@cli.command()
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
    obj: _Ctx,
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
        since=_day_bound(since, settings, end=False),
        until=_day_bound(until, settings, end=True),
        source=source,
        lang=lang,  # type: ignore[arg-type]
        sort=sort,  # type: ignore[arg-type]
        limit=limit,
        entity=entity,
        event_type=event_type,
        all_reports=all_reports,
    )
    with obj.workspace() as ws:
        _catch_up(ws)
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
        console.print(_card(hit), soft_wrap=True)
        if hit.more_reports:
            console.print(_more_reports(hit, settings), soft_wrap=True)
        console.print()


@cli.command()
@click.argument("ref", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the story as JSON.")
@click.pass_obj
def story(obj: _Ctx, ref: str, as_json: bool) -> None:
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
        line = Text(f"{_date(r.published_at)} · {r.source} · ")
        line.append(r.title, style="bold")
        line.append(f" · {r.article_id} · {r.rule}", style="dim")
        console.print(line, soft_wrap=True)


def _catch_up(ws: Workspace) -> None:
    try:
        sync_index(ws)
    except SuanliError as exc:  # another process holds the index writer: search what is there
        logging.getLogger(__name__).info("Index catch-up skipped: %s", exc)


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
        out.append(f"\n- {_day(read.published_at, settings)} · {read.source} · ")
        out.append(read.title, style="bold")
        out.append(f" · {read.article_id}", style="dim")
        if read.excerpt:
            out.append(f"\n  {read.excerpt}")
    return out


@cli.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.option("--no-related", is_flag=True, help="Leave out the related reads (你可能还想读).")
@click.pass_obj
def show(obj: _Ctx, article_id: str, as_json: bool, no_related: bool) -> None:
    """Print an article with its metadata, numbered paragraphs and related reads (other stories)."""
    with obj.workspace() as ws:
        article = ws.store.get_article(article_id)
        stored = ws.store.get_summaries([article.article_id]).get(article.article_id)
        summary = shown_summary(stored, obj.settings) if stored is not None else None
        related: list[RelatedRead] | None = None
        if not no_related:
            _catch_up(ws)
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
    meta = [article.source, _date(article.published_at), article.lang, article.article_id]
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


# -- knowledge: entity / facts / timeline / kb ---------------------------------------------


def _number(value: float, unit: str | None) -> str:
    """Readable large amounts: 万亿/亿 for yuan, trillion/billion/million otherwise."""
    steps = (
        ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
        if unit == "CNY"
        else ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"))
    )
    for size, name in steps:
        if abs(value) >= size:
            return f"{value / size:,.4g}{name}"
    return f"{value:,.6g}"


def _fact_value(fact: Fact) -> str:
    qual = ",".join(fact.qualifiers)
    if fact.is_vague:
        value = f"{fact.value_text} (vague)"
    elif fact.value_low is not None and fact.value_high is not None:
        value = f"{_number(fact.value_low, fact.unit)}-{_number(fact.value_high, fact.unit)}"
    else:
        value = _number(fact.value, fact.unit) if fact.value is not None else fact.value_text
    return f"{value} {fact.unit or ''}".strip() + (f" [{qual}]" if qual else "")


def _fact_row(fact: Fact) -> list[str]:
    return [
        fact.period.label if fact.period else "",
        fact.subject_id or f"({fact.subject_text})",
        fact.metric,
        _fact_value(fact),
        fact.span,
        f"{fact.article_id[:8]}§{fact.paragraph_number}",
    ]


def _event_lines(events: list[Event] | tuple[Event, ...], titles: dict[str, str]) -> list[Text]:
    lines = []
    for event in events:
        when = event.period.label if event.period else "undated"
        line = Text(f"{when}  ", style="bold")
        line.append(f"[{event.event_type}] ", style="cyan")
        line.append(event.summary)
        lines.append(line)
        for ev in event.evidence:
            source = Text(f"    {ev.article_id[:8]}§{ev.paragraph_number} ", style="dim")
            source.append(titles.get(ev.article_id, ""), style="dim")
            lines.append(source)
    return lines


@cli.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def entity(obj: _Ctx, name: str, as_json: bool) -> None:
    """An entity's names, codes, specs, latest facts and dated timeline, each with its source."""
    with obj.workspace() as ws:
        profile = entity_profile(name, ws)
    e = profile.entity
    if as_json:
        data = {
            "entity": asdict(e),
            "facts": [fact_to_dict(f) for f in profile.facts],
            "events": [event_to_dict(ev) for ev in profile.events],
            "conflicts": [[fact_to_dict(f) for f in c.facts] for c in profile.conflicts],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    console = Console(highlight=False)
    console.print(Text(f"{e.name_zh or e.name_en}  {e.name_en if e.name_zh else ''}".strip(), style="bold"))
    meta = [e.type, e.entity_id] + [f"{item.code} ({item.exchange})" for item in e.listings]
    if e.vendor:
        meta.append(f"vendor: {e.vendor}")
    console.print(Text(" · ".join(meta), style="dim"))
    if e.aliases:
        console.print(Text("aliases: " + ", ".join(e.aliases), style="dim"))
    for spec in e.specs:
        console.print(f"  {spec.name} = {spec.value:g} {spec.unit}  ({spec.source})")
    if profile.facts:
        table = Table("period", "subject", "metric", "value", "quote", "source", title="Facts")
        for fact in profile.facts:
            table.add_row(*_fact_row(fact))
        console.print(table)
    for conflict in profile.conflicts:
        a, b = conflict.facts
        console.print(
            Text(
                f"conflict: {conflict.metric} {conflict.period.label}: {_fact_value(a)} "
                f"({a.article_id[:8]}§{a.paragraph_number}) vs {_fact_value(b)} "
                f"({b.article_id[:8]}§{b.paragraph_number})",
                style="red",
            )
        )
    if profile.events:
        console.print(Text("Timeline", style="bold"))
        for line in _event_lines(profile.events, profile.article_titles):
            console.print(line, soft_wrap=True)
    if not profile.facts and not profile.events:
        console.print("No articles mention this entity yet.")


@cli.command()
@click.option("--entity", metavar="NAME", help="Subject entity (name, alias, ticker or id).")
@click.option("--metric", type=click.Choice(METRICS), help="Only this metric.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Period ends on or after this day.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Period starts on or before this day.")
@click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.pass_obj
def facts(
    obj: _Ctx,
    entity: str | None,
    metric: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    fmt: str,
) -> None:
    """Typed numeric facts (market cap, % moves, revenue, specs...) with their quoted source span."""
    with obj.workspace() as ws:
        rows = find_facts(
            ws,
            entity=entity,
            metric=metric,
            since=since.date() if since else None,
            until=until.date() if until else None,
            limit=limit,
        )
    if fmt == "json":
        click.echo(json.dumps([fact_to_dict(f) for f in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["period", "subject", "metric", "value", "unit", "qualifiers", "quote", "article", "paragraph"]
        )
        for f in rows:
            writer.writerow(
                [
                    f.period.label if f.period else "",
                    f.subject_id or f.subject_text,
                    f.metric,
                    "" if f.value is None else f"{f.value:g}",
                    f.unit or "",
                    " ".join(f.qualifiers),
                    f.span,
                    f.article_id,
                    f.paragraph_number,
                ]
            )
        click.echo(out.getvalue(), nl=False)
    else:
        table = Table("period", "subject", "metric", "value", "quote", "source")
        for f in rows:
            table.add_row(*_fact_row(f))
        Console(highlight=False).print(table)
        click.echo(f"{len(rows)} facts")


@cli.command("timeline")
@click.argument("query")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Events on or after this day.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def timeline_cmd(obj: _Ctx, query: str, since: datetime | None, as_json: bool) -> None:
    """Dated events of an entity, or of the articles matching a query, with their sources."""
    with obj.workspace() as ws:
        events = timeline(query, ws, since=since.date() if since else None)
        titles = titles_of(ws, events)
    if as_json:
        click.echo(json.dumps([event_to_dict(e) for e in events], ensure_ascii=False, indent=2))
        return
    if not events:
        click.echo(f"No dated events found for '{query}'.")
        return
    console = Console(highlight=False)
    for line in _event_lines(events, titles):
        console.print(line, soft_wrap=True)


@cli.group()
def kb() -> None:
    """The entity base: list entities; add your own in a TOML file named by the kb_files setting."""


@kb.command("list")
@click.option("--type", "entity_type", type=click.Choice(ENTITY_TYPES), help="Only this type.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def kb_list(obj: _Ctx, entity_type: str | None, as_json: bool) -> None:
    """List known entities with their type, names and codes."""
    with obj.workspace() as ws:
        base = ws.kb()
        types = [entity_type] if entity_type else list(ENTITY_TYPES)
        entities = [e for t in types for e in base.by_type(t)]  # type: ignore[arg-type]
    if as_json:
        click.echo(json.dumps([asdict(e) for e in entities], ensure_ascii=False, indent=2))
        return
    table = Table("id", "type", "name", "codes", "origin")
    for e in entities:
        table.add_row(
            e.entity_id,
            e.type,
            " / ".join(n for n in (e.name_zh, e.name_en) if n),
            " ".join(item.code for item in e.listings),
            e.origin,
        )
    Console(highlight=False).print(table)
    click.echo(f"{len(entities)} entities")


# -- stats / sources / reindex / settings / demo ---------------------------------------------


@cli.command()
@click.argument("article_ids", nargs=-1)
@click.option("--all", "all_articles", is_flag=True, help="Every stored article.")
@click.option(
    "--engine", type=click.Choice(["extractive", "llm"]), help="Engine (default: setting summary_engine)."
)
@click.option("--force", is_flag=True, help="Rewrite summaries that exist already.")
@click.pass_obj
def summarize(
    obj: _Ctx, article_ids: tuple[str, ...], all_articles: bool, engine: str | None, force: bool
) -> None:
    """Write (or with --force rewrite) article summaries, each bullet checked against its citations."""
    if bool(article_ids) == all_articles:
        raise click.UsageError("Give article ids or --all (not both)")
    progress = _BarProgress(verbose=False)
    with obj.workspace() as ws:
        try:
            report = summarize_stored(
                ws, None if all_articles else article_ids, engine=engine, force=force, progress=progress
            )
        finally:
            progress.stop()
    _outcome(
        f"summarized {len(report.written)}, already had {len(report.skipped)}, failed {len(report.failures)}",
        warnings=report.fallbacks,
        failures=report.failures,
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def stats(obj: _Ctx, as_json: bool) -> None:
    """Counts of articles, paragraphs, sources and index state."""
    with obj.workspace() as ws:
        s = ws.store.stats()
        index_docs = ws.index.count()
    if as_json:
        data = asdict(s)
        data["index_documents"] = index_docs
        data["db_url"] = obj.settings.resolved_db_url
        click.echo(json.dumps(data, ensure_ascii=False, default=str, indent=2))
        return
    click.echo(f"database: {obj.settings.resolved_db_url}")
    click.echo(f"articles: {s.articles} ({', '.join(f'{k} {v}' for k, v in s.by_lang.items()) or 'none'})")
    click.echo(f"paragraphs: {s.paragraphs}")
    click.echo(f"sources: {s.sources}")
    click.echo(f"index: {index_docs} documents, {s.pending_index} waiting")
    if s.oldest_published_at and s.newest_published_at:
        click.echo(f"published: {_date(s.oldest_published_at)} .. {_date(s.newest_published_at)}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def sources(obj: _Ctx, as_json: bool) -> None:
    """List sources, their article counts and feed state."""
    with obj.workspace() as ws:
        rows = ws.store.list_sources()
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, default=str, indent=2))
        return
    table = Table("source", "articles", "feed", "last polled")
    for r in rows:
        table.add_row(r.name, str(r.articles), r.feed_url or "", _date(r.polled_at) if r.polled_at else "")
    Console(highlight=False).print(table)


@cli.command("reindex")
@click.option(
    "--stories",
    is_flag=True,
    help="Also group every article into stories again with the current story settings.",
)
@click.pass_obj
def reindex_cmd(obj: _Ctx, stories: bool) -> None:
    """Rebuild the search index from the store (and, with --stories, the story grouping)."""
    with obj.workspace() as ws:
        progress = _BarProgress(verbose=False)
        try:
            count = reindex(ws, progress=progress)
        finally:
            progress.stop()
        click.echo(f"indexed {count} articles")
        if stories:
            progress = _BarProgress(verbose=False)
            try:
                story_count = regroup(ws, progress=progress)
            finally:
                progress.stop()
            noun = "story" if story_count == 1 else "stories"
            click.echo(f"grouped {ws.store.stats().articles} articles into {story_count} {noun}")


@cli.command("settings")
@click.pass_obj
def settings_cmd(obj: _Ctx) -> None:
    """List every setting with its current value and help."""
    current = obj.settings
    for name, help_text in setting_help().items():
        value = getattr(current, name)
        shown = ("'***'" if value else "''") if name in SECRET_SETTINGS else repr(value)
        click.echo(f"{name} = {shown}\n    {help_text}  [SUANLI_{name.upper()}]")


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; keep the default on shared machines.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--auth", is_flag=True, help="Team mode: every page and API route needs an account or API token."
)
@click.pass_obj
def serve(obj: _Ctx, host: str, port: int, auth: bool) -> None:
    """Serve the web app and the REST API (search, articles, entities)."""
    from .web import serve as run_server

    run_server(obj.settings, host=host, port=port, auth=auth)


@cli.command()
@click.option("--query", "queries", multiple=True, help="Queries to run (default: a few samples).")
@click.pass_obj
def demo(obj: _Ctx, queries: tuple[str, ...]) -> None:
    """Load the shipped sample corpus and run a few searches."""
    samples = resources.files("suanli") / "data" / "samples.jsonl"
    with resources.as_file(samples) as path, obj.workspace() as ws:
        report = add_inputs([str(path)], ws)
        click.echo(
            f"sample corpus: added {len(report.added)}, already had {len(report.already)}, "
            f"failed {len(report.failures)}"
        )
        for f in report.failures:
            click.echo(f"failed: {f.input}: {f.reason}", err=True)
        console = Console(highlight=False)
        for text in queries or DEMO_QUERIES:
            result = search_articles(SearchQuery(text=text, limit=3), ws)
            console.rule(f"suanli search '{text}' — {result.total} matches")
            for hit in result.hits:
                console.print(_card(hit), soft_wrap=True)
    click.echo(
        "\nTry: suanli search '寒武纪 市值'  ·  suanli show <id>  ·  suanli brief H20 --as-of 2025-08-31"
        f"\ndata: {obj.settings.resolved_db_url}"
    )


# Command groups that live in their own modules (to keep this one readable) are registered here.
from .cli_tokens import token  # noqa: E402

cli.add_command(token)

from .cli_watch import watch  # noqa: E402

cli.add_command(watch)

from .cli_brief import brief  # noqa: E402

cli.add_command(brief)
