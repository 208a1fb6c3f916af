"""What every command shares: the context object, the progress bar, outcome lines and date formats."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from suanli.config import Settings, load_settings
from suanli.errors import SuanliError
from suanli.models import Failure
from suanli.pipeline import catch_up, sync_index
from suanli.workspace import Workspace, open_workspace


class CliContext:
    """The ``obj`` of every command: settings (read on first use) and a workspace opener."""

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


class BarProgress:
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


def report_outcome(summary: str, *, warnings: Sequence[str], failures: Sequence[Failure]) -> None:
    """Warnings and one line per failure on stderr, the summary line, exit code 1 if anything failed."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for f in failures:
        click.echo(f"failed: {f.input}: {f.reason}", err=True)
    click.echo(summary)
    if failures:
        sys.exit(1)


def day_bound(value: datetime | None, settings: Settings, *, end: bool) -> datetime | None:
    """The first (or with ``end`` the last) moment of ``value``'s day in the configured time zone."""
    if value is None:
        return None
    moment = datetime.combine(value.date(), time.min, tzinfo=settings.tz)
    return moment + timedelta(days=1, microseconds=-1) if end else moment


def when(dt: datetime | None) -> str:
    """'2025-08-22 09:30', or 'undated'."""
    return dt.strftime("%Y-%m-%d %H:%M") if dt is not None else "undated"


def day_text(dt: datetime | None, settings: Settings) -> str:
    """The day in the configured time zone, or 'undated'."""
    return dt.astimezone(settings.tz).strftime("%Y-%m-%d") if dt is not None else "undated"


def catch_up_index(ws: Workspace, *, stories: bool = False) -> None:
    """Index (with ``stories``, also group) what a crashed or concurrent run stored.

    When another process holds the index writer, the command goes on with what is indexed.
    """
    try:
        if stories:
            catch_up(ws)
        else:
            sync_index(ws)
    except SuanliError as exc:
        logging.getLogger(__name__).info("Catch-up skipped: %s", exc)
