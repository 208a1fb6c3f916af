"""Commands that write: ``add``, ``update``, ``summarize`` and ``reindex``."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click

from suanli.models import AddReport
from suanli.pipeline import add_inputs, regroup, reindex, update_sources
from suanli.summaries import summarize_stored

from .context import BarProgress, CliContext, report_outcome


def _finish(report: AddReport, *, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
        if report.failures:
            sys.exit(1)
        return
    report_outcome(
        f"added {len(report.added)}, already had {len(report.already)}, failed {len(report.failures)}",
        warnings=report.warnings,
        failures=report.failures,
    )


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--feed", "register_feed", is_flag=True, help="Register each URL as a feed source for 'update'."
)
@click.option("--source", metavar="NAME", help="Source name for every article of this batch.")
@click.option("-v", "--verbose", is_flag=True, help="Print 'added ID INPUT' as each article is stored.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def add(
    obj: CliContext,
    inputs: tuple[str, ...],
    register_feed: bool,
    source: str | None,
    verbose: bool,
    as_json: bool,
) -> None:
    """Ingest files, folders, article URLs and RSS/Atom feed URLs.

    Files: .html/.htm, .md, .txt, .pdf and .jsonl records {title, url, source, published_at, text|html}.
    """
    progress = BarProgress(verbose=verbose)
    with obj.workspace() as ws:
        try:
            report = add_inputs(inputs, ws, source=source, register_feeds=register_feed, progress=progress)
        finally:
            progress.stop()
    _finish(report, as_json=as_json)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def update(obj: CliContext, as_json: bool) -> None:
    """Poll every registered feed (with ETag/Last-Modified) and ingest new items."""
    progress = BarProgress(verbose=False)
    with obj.workspace() as ws:
        try:
            report = update_sources(ws, progress=progress)
        finally:
            progress.stop()
    _finish(report, as_json=as_json)


@click.command()
@click.argument("article_ids", nargs=-1)
@click.option("--all", "all_articles", is_flag=True, help="Every stored article.")
@click.option(
    "--engine", type=click.Choice(["extractive", "llm"]), help="Engine (default: setting summary_engine)."
)
@click.option("--force", is_flag=True, help="Rewrite summaries that exist already.")
@click.pass_obj
def summarize(
    obj: CliContext, article_ids: tuple[str, ...], all_articles: bool, engine: str | None, force: bool
) -> None:
    """Write (or with --force rewrite) article summaries, each bullet checked against its citations."""
    if bool(article_ids) == all_articles:
        raise click.UsageError("Give article ids or --all (not both)")
    progress = BarProgress(verbose=False)
    with obj.workspace() as ws:
        try:
            report = summarize_stored(
                ws, None if all_articles else article_ids, engine=engine, force=force, progress=progress
            )
        finally:
            progress.stop()
    report_outcome(
        f"summarized {len(report.written)}, already had {len(report.skipped)}, failed {len(report.failures)}",
        warnings=report.fallbacks,
        failures=report.failures,
    )


@click.command("reindex")
@click.option(
    "--stories",
    is_flag=True,
    help="Also group every article into stories again with the current story settings.",
)
@click.pass_obj
def reindex_cmd(obj: CliContext, stories: bool) -> None:
    """Rebuild the search index from the store (and, with --stories, the story grouping)."""
    with obj.workspace() as ws:
        progress = BarProgress(verbose=False)
        try:
            count = reindex(ws, progress=progress)
        finally:
            progress.stop()
        click.echo(f"indexed {count} articles")
        if stories:
            progress = BarProgress(verbose=False)
            try:
                story_count = regroup(ws, progress=progress)
            finally:
                progress.stop()
            noun = "story" if story_count == 1 else "stories"
            click.echo(f"grouped {ws.store.stats().articles} articles into {story_count} {noun}")
