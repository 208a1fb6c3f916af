"""Housekeeping commands: ``stats``, ``sources``, ``settings``, ``serve`` and ``demo``."""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import resources

import click
from rich.console import Console
from rich.table import Table

from suanli.config import SECRET_SETTINGS, setting_help
from suanli.models import SearchQuery
from suanli.pipeline import add_inputs
from suanli.search import search_articles

from .context import CliContext, when
from .read import card_text

DEMO_QUERIES = ("算力", "英伟达 H20", "寒武纪 市值", "国产GPU", "UE8M0 FP8", "HBM export controls")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def stats(obj: CliContext, as_json: bool) -> None:
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
        click.echo(f"published: {when(s.oldest_published_at)} .. {when(s.newest_published_at)}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def sources(obj: CliContext, as_json: bool) -> None:
    """List sources, their article counts and feed state."""
    with obj.workspace() as ws:
        rows = ws.store.list_sources()
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, default=str, indent=2))
        return
    table = Table("source", "articles", "feed", "last polled")
    for r in rows:
        table.add_row(r.name, str(r.articles), r.feed_url or "", when(r.polled_at) if r.polled_at else "")
    Console(highlight=False).print(table)


@click.command("settings")
@click.pass_obj
def settings_cmd(obj: CliContext) -> None:
    """List every setting with its current value and help."""
    current = obj.settings
    for name, help_text in setting_help().items():
        value = getattr(current, name)
        shown = ("'***'" if value else "''") if name in SECRET_SETTINGS else repr(value)
        click.echo(f"{name} = {shown}\n    {help_text}  [SUANLI_{name.upper()}]")


@click.command()
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
def serve(obj: CliContext, host: str, port: int, auth: bool) -> None:
    """Serve the web app and the REST API (search, articles, entities)."""
    from suanli.web import serve as run_server

    run_server(obj.settings, host=host, port=port, auth=auth)


@click.command()
@click.option("--query", "queries", multiple=True, help="Queries to run (default: a few samples).")
@click.pass_obj
def demo(obj: CliContext, queries: tuple[str, ...]) -> None:
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
                console.print(card_text(hit), soft_wrap=True)
    click.echo(
        "\nTry: suanli search '寒武纪 市值'  ·  suanli show <id>  ·  suanli brief H20 --as-of 2025-08-31"
        f"\ndata: {obj.settings.resolved_db_url}"
    )
