"""Knowledge-base commands: ``entity``, ``facts``, ``timeline`` and ``kb list``."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import datetime

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from suanli.entities import entity_profile, find_facts, timeline, titles_of
from suanli.knowledge import Event, Fact
from suanli.knowledge.models import ENTITY_TYPES, METRICS
from suanli.knowledge.records import event_to_dict, fact_to_dict

from .context import CliContext


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


@click.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def entity(obj: CliContext, name: str, as_json: bool) -> None:
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


@click.command()
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
    obj: CliContext,
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


@click.command("timeline")
@click.argument("query")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Events on or after this day.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def timeline_cmd(obj: CliContext, query: str, since: datetime | None, as_json: bool) -> None:
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


@click.group()
def kb() -> None:
    """The entity base: list entities; add your own in a TOML file named by the kb_files setting."""


@kb.command("list")
@click.option("--type", "entity_type", type=click.Choice(ENTITY_TYPES), help="Only this type.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def kb_list(obj: CliContext, entity_type: str | None, as_json: bool) -> None:
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
