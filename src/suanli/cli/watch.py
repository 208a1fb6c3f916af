"""The ``suanli watch`` commands: watch queries and entities, and list their new stories after ``update``."""

from __future__ import annotations

import json
from datetime import tzinfo

import click
from rich.console import Console
from rich.table import Table

from suanli.models import Watch
from suanli.watch import (
    WatchReport,
    WatchStory,
    add_watch,
    report_to_dict,
    run_watches,
    watch_label,
    watch_to_dict,
)

from .context import CliContext, catch_up_index


@click.group()
def watch() -> None:
    """Watch queries and entities; 'watch run' lists their new stories since the last run."""


@watch.command("add")
@click.argument("text")
@click.option("--entity", is_flag=True, help="TEXT names an entity (name, alias, ticker or id).")
@click.pass_obj
def watch_add(obj: CliContext, text: str, entity: bool) -> None:
    """Watch a query (articles with every word) or, with --entity, an entity.

    Adding the same query or entity again keeps the existing watch.
    """
    with obj.workspace() as ws:
        found, created = add_watch(ws, text, entity=entity)
        title = _title(found, watch_label(ws, found))
    click.echo(f"{'Watching' if created else 'Already watching'} {title}")


@watch.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def watch_list(obj: CliContext, as_json: bool) -> None:
    """List watches: id, kind, what is watched, created, last run."""
    with obj.workspace() as ws:
        watches = [(w, watch_label(ws, w)) for w in ws.store.list_watches()]
    if as_json:
        click.echo(
            json.dumps([watch_to_dict(w, label) for w, label in watches], ensure_ascii=False, indent=2)
        )
        return
    if not watches:
        click.echo(
            "No watches yet; add one with 'suanli watch add QUERY' or 'suanli watch add --entity NAME'"
        )
        return
    tz = obj.settings.tz
    table = Table("id", "kind", "watching", "created", "last run")
    for w, label in watches:
        last = w.last_run_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if w.last_run_at else "never"
        table.add_row(
            f"#{w.watch_id}", w.kind, label, w.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), last
        )
    Console(highlight=False).print(table)


@watch.command("remove")
@click.argument("watch_id", type=int, metavar="ID")
@click.pass_obj
def watch_remove(obj: CliContext, watch_id: int) -> None:
    """Stop watching; ID is the number 'watch list' shows."""
    with obj.workspace() as ws:
        ws.store.remove_watch(watch_id)
    click.echo(f"Removed watch #{watch_id}")


@watch.command("run")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (for other tools).")
@click.option("--peek", is_flag=True, help="Do not mark the watches as run; the next run lists the same.")
@click.option("--id", "watch_ids", type=int, multiple=True, metavar="N", help="Only this watch (repeatable).")
@click.pass_obj
def watch_run(obj: CliContext, as_json: bool, peek: bool, watch_ids: tuple[int, ...]) -> None:
    """List the stories each watch has had since its last run (run it after 'suanli update')."""
    with obj.workspace() as ws:
        catch_up_index(ws, stories=True)
        reports = run_watches(ws, mark=not peek, watch_ids=list(watch_ids) or None)
    if as_json:
        click.echo(json.dumps([report_to_dict(r) for r in reports], ensure_ascii=False, indent=2))
        return
    if not reports:
        click.echo(
            "No watches yet; add one with 'suanli watch add QUERY' or 'suanli watch add --entity NAME'"
        )
        return
    tz = obj.settings.tz
    console = Console(highlight=False)
    for report in reports:
        console.print(f"{_title(report.watch, report.label)} — {_counts(report)}", soft_wrap=True)
        for story in report.stories:
            console.print(_story_line(story, tz), soft_wrap=True)


def _title(w: Watch, label: str) -> str:
    shown = f'"{label}"' if w.kind == "query" else label
    return f"#{w.watch_id} {w.kind} {shown}"


def _counts(report: WatchReport) -> str:
    if not report.stories:
        return "nothing new"
    parts = []
    if report.new_story_count:
        parts.append(_plural(report.new_story_count, "new story", "new stories"))
    if report.updated_story_count:
        parts.append(
            _plural(report.updated_story_count, "older story", "older stories") + " with new reports"
        )
    return ", ".join(parts)


def _story_line(story: WatchStory, tz: tzinfo) -> str:
    lead = story.lead
    day = lead.published_at.astimezone(tz).strftime("%Y-%m-%d") if lead.published_at else "undated"
    more = story.new_reports - 1
    extra = f"+{_plural(more, 'report', 'reports')}" if more else ""
    if not story.is_new_story:
        extra = f"{extra}, {story.total_reports} in all" if extra else f"{story.total_reports} reports in all"
    note = f" ({extra})" if extra else ""
    mark = "new   " if story.is_new_story else "update"
    return f"  {mark} {day} · {lead.source} · {lead.title}{note} · {story.story_id}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
