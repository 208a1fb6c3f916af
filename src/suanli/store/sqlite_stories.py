"""Story membership and watchlists on the SQLite store (mixed into :class:`SQLiteStore`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Container, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from suanli.errors import BadQueryError, NotFoundError
from suanli.models import StoryReport, Watch
from suanli.stories.models import STORY_RULES, StoryRecord, StoryRule

if TYPE_CHECKING:
    from .sqlite import _Transaction

_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit
_T = TypeVar("_T")


def _ts(value: datetime | None) -> float | None:
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).timestamp()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _chunks(ids: Sequence[_T]) -> list[Sequence[_T]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def story_row(record: StoryRecord) -> tuple[Any, ...]:
    """The ``story_members`` row of a record (column order of the INSERT in :meth:`write_story`)."""
    data = {
        "published_at": record.published_at.isoformat() if record.published_at else None,
        "entities": list(record.entities),
        "anchors": list(record.anchors),
        "matched_id": record.matched_id,
        "score": record.score,
        "evidence": list(record.evidence),
    }
    return (
        record.article_id,
        record.story_id,
        record.rule,
        _ts(record.published_at),
        record.scheme,
        record.signature,
        record.shingles,
        json.dumps(data, ensure_ascii=False),
    )


def story_record(row: Sequence[Any]) -> StoryRecord:
    article_id, story_id, rule, scheme, signature, shingles, raw = row
    data = json.loads(raw)
    return StoryRecord(
        article_id=article_id,
        story_id=story_id,
        rule=cast(StoryRule, rule if rule in STORY_RULES else "new"),
        signature=bytes(signature),
        scheme=scheme,
        shingles=int(shingles),
        published_at=_dt(data.get("published_at")),
        entities=tuple(data.get("entities", ())),
        anchors=tuple(data.get("anchors", ())),
        matched_id=data.get("matched_id"),
        score=float(data.get("score", 0.0)),
        evidence=tuple(data.get("evidence", ())),
    )


_RECORD_COLUMNS = "article_id, story_id, rule, scheme, signature, shingles, data"
_REPORT_COLUMNS = (
    "a.article_id, a.title, a.source, a.published_at, COALESCE(a.canonical_url, a.url), a.lang, m.rule,"
    " a.added_at"
)


class StoryTables:
    """Stories and watches; expects ``self._db`` (a connection) and ``self._tx()`` of SQLiteStore."""

    _db: sqlite3.Connection

    def _tx(self) -> _Transaction:  # pragma: no cover - provided by SQLiteStore
        raise NotImplementedError

    # -- stories -----------------------------------------------------------------------

    def write_story(self, record: StoryRecord) -> None:
        """Insert or replace one article's story row (inside the caller's transaction)."""
        self._db.execute(
            "INSERT OR REPLACE INTO story_members (article_id, story_id, rule, published_ts, scheme,"
            " signature, shingles, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            story_row(record),
        )

    def save_stories(self, records: Sequence[StoryRecord]) -> None:
        """Store story rows of articles already stored, in one transaction."""
        with self._tx():
            self._db.executemany(
                "INSERT OR REPLACE INTO story_members (article_id, story_id, rule, published_ts, scheme,"
                " signature, shingles, data) SELECT ?, ?, ?, ?, ?, ?, ?, ?"
                " WHERE EXISTS (SELECT 1 FROM articles WHERE article_id = ?)",
                [(*story_row(r), r.article_id) for r in records],
            )

    def story_records(self, start_ts: float | None, end_ts: float | None) -> list[StoryRecord]:
        """Story rows of articles dated in ``[start_ts, end_ts]``; both None: the undated ones."""
        if start_ts is None and end_ts is None:
            rows = self._db.execute(
                f"SELECT {_RECORD_COLUMNS} FROM story_members WHERE published_ts IS NULL ORDER BY rowid"
            )
        else:
            rows = self._db.execute(
                f"SELECT {_RECORD_COLUMNS} FROM story_members WHERE published_ts BETWEEN ? AND ?"
                " ORDER BY rowid",
                (
                    start_ts if start_ts is not None else float("-inf"),
                    end_ts if end_ts is not None else float("inf"),
                ),
            )
        return [story_record(r) for r in rows]

    def last_story_row(self) -> int:
        """Row number of the newest story row (0 when there is none)."""
        return int(self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM story_members").fetchone()[0])

    def story_records_after(
        self, row: int, *, known: Container[str] = frozenset()
    ) -> tuple[list[StoryRecord], int]:
        """Story rows stored after row number ``row``, but those of ``known`` article ids, and the
        newest row number.

        Only the rows' article ids are read first, so rows the caller wrote itself cost little.
        """
        heads = self._db.execute(
            "SELECT rowid, article_id FROM story_members WHERE rowid > ? ORDER BY rowid", (row,)
        ).fetchall()
        if not heads:
            return [], row
        wanted = [int(rowid) for rowid, article_id in heads if article_id not in known]
        records: list[StoryRecord] = []
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {_RECORD_COLUMNS} FROM story_members WHERE rowid IN ({marks}) ORDER BY rowid",
                list(chunk),
            )
            records.extend(story_record(r) for r in rows)
        return records, int(heads[-1][0])

    def story_ids(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id -> story id for those of ``article_ids`` that are grouped."""
        found: dict[str, str] = {}
        for chunk in _chunks(list(article_ids)):
            marks = ",".join("?" * len(chunk))
            found.update(
                self._db.execute(
                    f"SELECT article_id, story_id FROM story_members WHERE article_id IN ({marks})",
                    list(chunk),
                ).fetchall()
            )
        return found

    def story_reports(self, story_ids: Sequence[str]) -> dict[str, list[StoryReport]]:
        """Reports of each story, earliest first (undated last, then by article id)."""
        found: dict[str, list[StoryReport]] = {s: [] for s in story_ids}
        for chunk in _chunks(list(dict.fromkeys(story_ids))):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT m.story_id, {_REPORT_COLUMNS} FROM story_members m"
                f" JOIN articles a ON a.article_id = m.article_id WHERE m.story_id IN ({marks})"
                " ORDER BY m.published_ts IS NULL, m.published_ts, a.article_id",
                list(chunk),
            )
            for story_id, *rest in rows:
                found[story_id].append(_report(rest))
        return found

    def ids_without_story(self, limit: int = 1000) -> list[str]:
        rows = self._db.execute(
            "SELECT a.article_id FROM articles a LEFT JOIN story_members m ON m.article_id = a.article_id"
            " WHERE m.article_id IS NULL"
            " ORDER BY COALESCE(a.published_at, a.fetched_at), a.article_id LIMIT ?",
            (limit,),
        )
        return [str(r[0]) for r in rows]

    def count_without_story(self) -> int:
        """How many stored articles are not grouped (two counts, no join: cheap at a million rows)."""
        row = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM articles) - (SELECT COUNT(*) FROM story_members)"
        ).fetchone()
        return max(int(row[0]), 0)

    def clear_stories(self) -> None:
        with self._tx():
            self._db.execute("DELETE FROM story_members")

    def story_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(DISTINCT story_id) FROM story_members").fetchone()[0])

    def articles_added_since(self, since: datetime | None, *, limit: int = 100_000) -> list[str]:
        """Ids of articles stored after ``since`` (all when None), oldest first."""
        if since is None:
            rows = self._db.execute("SELECT article_id FROM articles ORDER BY added_at LIMIT ?", (limit,))
        else:
            rows = self._db.execute(
                "SELECT article_id FROM articles WHERE added_at > ? ORDER BY added_at LIMIT ?",
                (since.astimezone(UTC).isoformat(), limit),
            )
        return [str(r[0]) for r in rows]

    # -- watches -----------------------------------------------------------------------

    def add_watch(self, kind: str, value: str, created_at: datetime) -> tuple[Watch, bool]:
        """The watch for (kind, value) and whether it was created now (False: it existed)."""
        if kind not in ("query", "entity"):
            raise BadQueryError(f"Watch kind must be 'query' or 'entity', got '{kind}'")
        with self._tx():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO watches (kind, value, created_at) VALUES (?, ?, ?)",
                (kind, value, created_at.astimezone(UTC).isoformat()),
            )
            created = cursor.rowcount == 1
        row = self._db.execute(
            "SELECT watch_id, kind, value, created_at, last_run_at FROM watches WHERE kind = ? AND value = ?",
            (kind, value),
        ).fetchone()
        return _watch(row), created

    def list_watches(self) -> list[Watch]:
        rows = self._db.execute(
            "SELECT watch_id, kind, value, created_at, last_run_at FROM watches ORDER BY watch_id"
        )
        return [_watch(r) for r in rows]

    def remove_watch(self, watch_id: int) -> None:
        with self._tx():
            cursor = self._db.execute("DELETE FROM watches WHERE watch_id = ?", (watch_id,))
        if cursor.rowcount == 0:
            raise NotFoundError(f"No watch with id {watch_id}; list them with 'suanli watch list'")

    def mark_watch_run(self, watch_id: int, at: datetime) -> None:
        with self._tx():
            self._db.execute(
                "UPDATE watches SET last_run_at = ? WHERE watch_id = ?",
                (at.astimezone(UTC).isoformat(), watch_id),
            )


def _report(row: Sequence[Any]) -> StoryReport:
    article_id, title, source, published, url, lang, rule, added = row
    return StoryReport(article_id, title, source, _dt(published), url, lang, rule, _dt(added))


def _watch(row: Sequence[Any]) -> Watch:
    watch_id, kind, value, created, last_run = row
    created_at = _dt(created)
    assert created_at is not None
    return Watch(int(watch_id), kind, value, created_at, _dt(last_run))
