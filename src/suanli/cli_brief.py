"""The ``suanli brief`` command: a cited briefing on a query as Markdown, JSON or standalone HTML."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Protocol

import click  # noqa: TID251  # a command module of the CLI, like cli_tokens.py

from .brief import Brief, brief_to_dict, render_brief_html, render_brief_markdown
from .briefing import MAX_ARTICLES, make_brief
from .errors import SuanliError
from .pipeline import sync_index
from .workspace import Workspace

FORMATS = ("md", "json", "html")
_DAY = click.DateTime(["%Y-%m-%d"])


class _HasWorkspace(Protocol):
    """What the command needs from the CLI context object (``suanli.cli._Ctx``).

    A protocol rather than an import of ``suanli.cli``, which imports this module at its end.
    """

    def workspace(self) -> Workspace: ...


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
    obj: _HasWorkspace,
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
        _catch_up(ws)
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


def _catch_up(ws: Workspace) -> None:
    try:
        sync_index(ws)
    except SuanliError as exc:  # another process holds the index writer: brief on what is indexed
        logging.getLogger(__name__).info("Index catch-up skipped: %s", exc)
