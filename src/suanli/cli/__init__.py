"""The ``suanli`` command line: parse, call, print, map errors to exit codes.

One module per family of commands, each of them registered on the ``cli`` group below:
``ingest`` (add, update, summarize, reindex), ``read`` (search, story, show), ``knowledge``
(entity, facts, timeline, kb), ``brief``, ``watch``, ``tokens`` and ``admin`` (stats, sources,
settings, serve, demo). ``context`` holds what they share.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from suanli import __version__
from suanli.errors import SuanliError

from . import admin, ingest, knowledge, read
from .brief import brief
from .context import CliContext
from .tokens import token
from .watch import watch

__all__ = ["cli"]


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
    ctx.obj = CliContext({"db_url": db_url, "data_dir": data_dir}, debug)


for command in (
    ingest.add,
    ingest.update,
    ingest.summarize,
    ingest.reindex_cmd,
    read.search,
    read.story,
    read.show,
    knowledge.entity,
    knowledge.facts,
    knowledge.timeline_cmd,
    knowledge.kb,
    admin.stats,
    admin.sources,
    admin.settings_cmd,
    admin.serve,
    admin.demo,
    brief,
    watch,
    token,
):
    cli.add_command(command)
