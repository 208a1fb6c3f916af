"""The ``suanli brief`` command: a cited briefing on a query as Markdown, JSON or standalone HTML."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from suanli.brief import Brief, brief_to_dict, render_brief_html, render_brief_markdown
from suanli.briefing import MAX_ARTICLES, make_brief

from .context import CliContext, catch_up_index

FORMATS = ("md", "json", "html")
_DAY = click.DateTime(["%Y-%m-%d"])


def render_brief(brief: Brief, fmt: str) -> str:
    """The briefing in one of :data:`FORMATS`."""
    if fmt == "json":
        return json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return render_brief_html(brief)
    return render_brief_markdown(brief)


@click.command()
@click.argument("query")
@click.option("--since", type=_DAY, help="Only articles published on or after this day (YYYY-MM-DD).")
@click.option("--until", type=_DAY, help="Only articles published on or before this day (YYYY-MM-DD).")
@click.option(
    "--as-of",
    "as_of",
    type=_DAY,
    help="Brief as of the end of this day: later articles are never read (reproduces a past day).",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    help="Only articles in this language, and write the brief in it.",
)
@click.option(
    "--entity", metavar="NAME", help="Only articles naming this entity (name, alias, ticker or id)."
)
@click.option(
    "--max-articles",
    type=click.IntRange(1, MAX_ARTICLES),
    default=200,
    show_default=True,
    help="Use at most this many of the newest matching articles.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
@click.pass_obj
def brief(
    obj: CliContext,
    query: str,
    since: datetime | None,
    until: datetime | None,
    as_of: datetime | None,
    lang: str | None,
    entity: str | None,
    max_articles: int,
    fmt: str,
    output: Path | None,
) -> None:
    """Brief on QUERY: stories newest first, cited main developments, a timeline and key numbers.

    Every statement cites [article§paragraph] and passes the summaries' citation check. Days are
    in the 'timezone' setting; --as-of leaves out everything published after that day.
    """
    with obj.workspace() as ws:
        catch_up_index(ws)
        result = make_brief(
            ws,
            query,
            since=since.date() if since else None,
            until=until.date() if until else None,
            as_of=as_of.date() if as_of else None,
            lang=lang,
            entity=entity,
            max_articles=max_articles,
        )
    text = render_brief(result, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(
            f"Cannot write the briefing to '{output}': {exc.strerror or exc}; "
            "check that the folder exists and is writable"
        ) from exc
    click.echo(
        f"Briefing on '{result.query}' written to '{output}' "
        f"({result.article_count} articles, {len(result.stories)} stories)"
    )
