"""Watchlist view: the watches with their new stories (a peek), and the form that adds one.

The page and ``GET /api/watches`` only peek (:func:`build_watch_list`), so looking never marks
anything; marking is the explicit "mark all as seen" (:func:`mark_seen`) or ``POST /api/watches/run``
(:func:`watch_reports`), which run :func:`suanli.watch.run_watches` for real.

Neither catches the index or the stories up first, as ``suanli watch run`` does: that needs the
index writer, which belongs to the add-job thread, and the web app's own add jobs leave both caught up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from suanli.errors import BadQueryError, NotFoundError
from suanli.models import Watch
from suanli.watch import WatchReport, add_watch, run_watches
from suanli.workspace import Workspace

WatchKind = Literal["query", "entity"]
WATCH_KINDS: tuple[WatchKind, ...] = ("query", "entity")
NoticeKind = Literal["added", "existing", "removed", "marked"]
NOTICE_KINDS: tuple[NoticeKind, ...] = ("added", "existing", "removed", "marked")


@dataclass(frozen=True, slots=True)
class WatchForm:
    """What the add form holds (kept when the page shows an error, so nothing typed is lost)."""

    kind: WatchKind = "query"
    text: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    """What the last form did, read back from the redirect's query string (``?added=3``).

    ``number`` is a watch id, or for ``marked`` how many watches were marked; ``label`` is the
    watch's label when it is still listed.
    """

    kind: NoticeKind
    number: int
    label: str | None = None


@dataclass(frozen=True, slots=True)
class WatchListView:
    """Every watch with the stories stored since it was last marked, as of ``until``."""

    reports: tuple[WatchReport, ...]
    until: datetime
    form: WatchForm = WatchForm()
    errors: tuple[str, ...] = ()
    notice: Notice | None = None

    @property
    def has_news(self) -> bool:
        return any(r.stories for r in self.reports)


def parse_watch_kind(value: str) -> WatchKind:
    kind = value.strip().lower() or "query"
    if kind not in WATCH_KINDS:
        raise BadQueryError(f"Watch kind must be one of {', '.join(WATCH_KINDS)}, got '{value}'")
    return kind


def parse_watch_id(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError as exc:
        raise BadQueryError(f"Watch id '{value}' must be a whole number, e.g. 3") from exc


def parse_until(value: str) -> datetime | None:
    """The moment a page was shown (ISO 8601, as the page writes it); None when not given."""
    if not value.strip():
        return None
    try:
        until = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadQueryError(
            f"Time 'until' must be ISO 8601 like 2025-08-22T09:00:00+00:00, got '{value}'; reload the page"
        ) from exc
    return until if until.tzinfo is not None else until.replace(tzinfo=UTC)


def parse_notice(params: Mapping[str, str]) -> Notice | None:
    """The first of ``added``, ``existing``, ``removed``, ``marked`` holding a number; others are ignored."""
    for kind in NOTICE_KINDS:
        raw = params.get(kind, "")
        if raw.isdigit():
            return Notice(kind, int(raw))
    return None


def add_from_form(ws: Workspace, form: WatchForm) -> tuple[Watch, bool]:
    """Add the form's watch (see :func:`suanli.watch.add_watch`); raises BadQueryError."""
    return add_watch(ws, form.text, entity=form.kind == "entity")


def build_watch_list(
    ws: Workspace,
    *,
    now: datetime | None = None,
    form: WatchForm | None = None,
    errors: Sequence[str] = (),
    notice: Notice | None = None,
) -> WatchListView:
    """The page: every watch and its new stories up to ``now``, marking nothing."""
    until = now or datetime.now(UTC)
    ws.index.reload()  # another process may have just added articles; see them now, not in a second
    reports = tuple(run_watches(ws, now=until, mark=False))
    if notice is not None and notice.kind in ("added", "existing"):
        label = next((r.label for r in reports if r.watch.watch_id == notice.number), None)
        notice = Notice(notice.kind, notice.number, label)
    return WatchListView(reports, until, form or WatchForm(), tuple(errors), notice)


def remove_listed_watch(ws: Workspace, watch_id: int) -> Watch:
    """Remove a watch and return it as it was; raises NotFoundError naming the id."""
    found = next((w for w in ws.store.list_watches() if w.watch_id == watch_id), None)
    if found is None:
        raise NotFoundError(f"No watch with id {watch_id}; see /watches for the current ones")
    ws.store.remove_watch(watch_id)
    return found


def mark_seen(ws: Workspace, *, until: datetime | None = None, now: datetime | None = None) -> int:
    """Mark every watch as run up to ``until`` (the moment the page was shown); return how many.

    Stories stored after ``until`` were not on the page, so they stay new. A watch already run or
    created after ``until`` is left alone: marking it at ``until`` would move its window backwards.
    """
    current = now or datetime.now(UTC)
    end = min(until, current) if until is not None else current
    ids = [w.watch_id for w in ws.store.list_watches() if (w.last_run_at or w.created_at) < end]
    if not ids:
        return 0
    ws.index.reload()
    return len(run_watches(ws, now=end, watch_ids=ids))


def watch_reports(
    ws: Workspace, *, mark: bool, watch_ids: Sequence[int] | None = None, now: datetime | None = None
) -> list[WatchReport]:
    """``suanli watch run`` (``mark=False``: ``--peek``) on the web's reader workspace."""
    ws.index.reload()
    return run_watches(ws, now=now, mark=mark, watch_ids=watch_ids)
