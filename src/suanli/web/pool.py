"""Worker threads that own the workspaces: readers for requests, one writer for add jobs.

SQLite connections may only be used by the thread that opened them, so each worker thread opens
its own workspace (store + index) on first use and keeps it; all share one Segmenter, which is the
expensive part to build. Async endpoints hand a function of the workspace to the pool and await
it. Add jobs run one at a time on a separate writer thread, because the search index has a single
writer lock.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, TypeVar

from suanli.config import Settings
from suanli.errors import NotFoundError, SuanliError
from suanli.models import AddReport
from suanli.pipeline import add_inputs, sync_index
from suanli.stages.segment import Segmenter
from suanli.workspace import Workspace, open_workspace

log = logging.getLogger(__name__)

T = TypeVar("T")
_Task = tuple[Callable[[Workspace], object], "Future[object]"]
JobState = Literal["queued", "running", "done", "failed"]


class _Workers:
    """Threads that each open one workspace and run tasks from a shared queue."""

    def __init__(self, settings: Settings, segmenter: Segmenter, *, size: int, name: str) -> None:
        self.settings = settings
        self.segmenter = segmenter
        self.size = size
        self.name = name
        self._queue: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[[Workspace], T]) -> Future[T]:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"Worker pool '{self.name}' is closed")
            if len(self._threads) < self.size:  # start lazily: an app that serves nothing opens nothing
                thread = threading.Thread(
                    target=self._work, name=f"suanli-{self.name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        fut: Future[T] = Future()
        self._queue.put((fn, fut))  # type: ignore[arg-type]  # Future is invariant; T is erased here
        return fut

    def _work(self) -> None:
        ws: Workspace | None = None
        while True:
            task = self._queue.get()
            if task is None:
                break
            fn, fut = task
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                if ws is None:
                    ws = open_workspace(self.settings, segmenter=self.segmenter)
                fut.set_result(fn(ws))
            except BaseException as exc:  # handed to the awaiting request, which maps it to an error page
                fut.set_exception(exc)
        if ws is not None:
            ws.close()

    def close(self, timeout_s: float = 10.0) -> None:
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join(timeout_s)


class WorkspacePool:
    """Reader threads for requests; ``size=0`` runs requests on the event loop's own thread instead.

    Example:
        >>> stats = await pool.run(lambda ws: ws.store.stats())  # doctest: +SKIP
    """

    def __init__(self, settings: Settings, segmenter: Segmenter, *, size: int = 4) -> None:
        self.settings = settings
        self.segmenter = segmenter
        self._workers = _Workers(settings, segmenter, size=size, name="reader") if size > 0 else None
        self._inline: Workspace | None = None

    async def run(self, fn: Callable[[Workspace], T]) -> T:
        if self._workers is not None:
            return await asyncio.wrap_future(self._workers.submit(fn))
        if self._inline is None:
            self._inline = open_workspace(self.settings, segmenter=self.segmenter)
        return fn(self._inline)

    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()
        if self._inline is not None:
            self._inline.close()


@dataclass(frozen=True, slots=True)
class JobItem:
    """The outcome of one input of an add job."""

    input: str
    result: Literal["added", "already", "failed"]
    article_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    job_id: str
    state: JobState
    inputs: tuple[str, ...]
    total: int | None
    done: int
    items: tuple[JobItem, ...]
    created_at: datetime
    error: str | None = None


@dataclass(slots=True)
class _Job:
    """Mutable state of one add job (internal; read through :meth:`AddJobs.get`)."""

    job_id: str
    inputs: tuple[str, ...]
    register_feeds: bool
    source: str | None
    created_at: datetime
    state: JobState = "queued"
    total: int | None = None
    done: int = 0
    items: list[JobItem] = field(default_factory=list)
    error: str | None = None


class _JobProgress:
    def __init__(self, job: _Job, lock: threading.Lock) -> None:
        self.job = job
        self.lock = lock

    def start(self, total: int | None) -> None:
        with self.lock:
            self.job.total = total

    def advance(self, label: str) -> None:
        with self.lock:
            self.job.done += 1

    def added(self, article_id: str, origin: str) -> None:
        with self.lock:
            self.job.items.append(JobItem(input=origin, result="added", article_id=article_id))


class AddJobs:
    """Add jobs run in order on one writer thread; the last ``keep`` jobs stay readable."""

    def __init__(
        self,
        settings: Settings,
        segmenter: Segmenter,
        *,
        keep: int = 100,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._writer = _Workers(settings, segmenter, size=1, name="writer")
        self._jobs: OrderedDict[str, _Job] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep
        self._now = now or (lambda: datetime.now(UTC))

    def catch_up(self) -> Future[int]:
        """Index what a crashed run stored but did not index (in the background)."""
        future = self._writer.submit(sync_index)
        future.add_done_callback(_log_catch_up)
        return future

    def start(self, inputs: Sequence[str], *, register_feeds: bool = False, source: str | None = None) -> str:
        job = _Job(
            job_id=secrets.token_hex(8),
            inputs=tuple(inputs),
            register_feeds=register_feeds,
            source=source,
            created_at=self._now(),
        )
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
        self._writer.submit(lambda ws: self._run(job, ws))
        return job.job_id

    def _run(self, job: _Job, ws: Workspace) -> None:
        with self._lock:
            job.state = "running"
        try:
            report = add_inputs(
                job.inputs,
                ws,
                source=job.source,
                register_feeds=job.register_feeds,
                progress=_JobProgress(job, self._lock),
            )
        except SuanliError as exc:
            with self._lock:
                job.state, job.error = "failed", str(exc)
            return
        except Exception as exc:  # the job boundary: the page shows the failure, the log the traceback
            log.exception("Add job %s failed", job.job_id)
            with self._lock:
                job.state, job.error = "failed", f"Unexpected error: {type(exc).__name__}: {exc}"
            return
        with self._lock:
            job.items.extend(_report_items(report))
            job.state = "done"

    def get(self, job_id: str) -> JobSnapshot:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFoundError(f"Add job '{job_id}' does not exist or has expired; start a new one")
            return JobSnapshot(
                job_id=job.job_id,
                state=job.state,
                inputs=job.inputs,
                total=job.total,
                done=job.done,
                items=tuple(job.items),
                created_at=job.created_at,
                error=job.error,
            )

    def close(self) -> None:
        self._writer.close(timeout_s=30.0)


def _log_catch_up(future: Future[int]) -> None:
    exc = future.exception()
    if exc is not None:  # e.g. another process holds the index writer: searches use what is indexed
        log.warning("Index catch-up at start-up skipped: %s", exc)
    elif future.result():
        log.info("Indexed %d articles a previous run had stored but not indexed", future.result())


def _report_items(report: AddReport) -> list[JobItem]:
    items = [JobItem(input=origin, result="already") for origin in report.already]
    items += [JobItem(input=f.input, result="failed", reason=f.reason) for f in report.failures]
    return items
