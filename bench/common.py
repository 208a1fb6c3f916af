"""Shared helpers of the benchmark scripts: data lookup, timing, percentiles, memory, tables.

Memory figures come from ``/proc/self/status`` (``VmRSS`` now, ``VmHWM`` peak), so the
benchmarks need neither psutil nor ``resource``; off Linux they report ``nan``.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import multiprocessing
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from suanli.config import Settings
from suanli.dictionary import load_terms
from suanli.models import Article, Block
from suanli.stages.segment import Segmenter

T = TypeVar("T")
R = TypeVar("R")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
BENCH_MD = REPO_ROOT / "docs" / "benchmarks.md"


# -- arguments and data ------------------------------------------------------------------------


def add_common_args(parser: argparse.ArgumentParser, *, out_help: str | None = None) -> None:
    """``--data`` (default ``../shared/data``), ``--write-md`` and, if asked, ``--out``."""
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help=f"data folder (default: {DEFAULT_DATA})"
    )
    parser.add_argument(
        "--write-md",
        nargs="?",
        const=BENCH_MD,
        type=Path,
        default=None,
        help=f"update this script's section of a Markdown file (default file: {BENCH_MD})",
    )
    if out_help:
        parser.add_argument("--out", type=Path, default=None, help=out_help)


def require_dir(path: Path) -> Path:
    """``path`` if it is a folder; otherwise print ``skipped: <path> not found`` and exit 0."""
    if not path.is_dir():
        print(f"skipped: {path} not found")
        raise SystemExit(0)
    return path


def default_segmenter() -> Segmenter:
    """The segmenter suanli builds for a fresh install (shipped terms, no user dictionary)."""
    return Segmenter(load_terms(Settings(data_dir=str(REPO_ROOT / ".bench-unused"))))


# -- timing and statistics ---------------------------------------------------------------------


@dataclass(slots=True)
class Stopwatch:
    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Stopwatch]:
    """``with timed() as t: ...`` then ``t.seconds``."""
    watch = Stopwatch()
    start = time.perf_counter()
    try:
        yield watch
    finally:
        watch.seconds = time.perf_counter() - start


def process_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int,
    initializer: Callable[[], None] | None = None,
    chunksize: int = 1,
) -> Iterator[R]:
    """``map(fn, items)`` in order: in this process when ``workers <= 1``, else in worker processes.

    Workers are spawned, never forked: a fork copies whatever locks other threads of this process
    hold (a test's HTTP server, the search engine's writer threads), and a worker that inherits a
    held lock hangs for good. A worker that dies raises ``BrokenProcessPool`` instead of hanging.
    """
    if workers <= 1:
        if initializer is not None:
            initializer()
        yield from map(fn, items)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer) as pool:
        yield from pool.map(fn, items, chunksize=chunksize)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation, like numpy's default."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def ratio(value: float, base: float) -> str:
    """``value / base`` as ``"2.35x"``; ``"n/a"`` when undefined."""
    if not base or math.isnan(base) or math.isnan(value):
        return "n/a"
    return f"{value / base:.2f}x"


# -- memory --------------------------------------------------------------------------------


def _status_kb(field: str) -> float:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return math.nan
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return float(match.group(1)) if match else math.nan


def rss_mb() -> float:
    """Resident memory of this process now, in MiB."""
    return _status_kb("VmRSS") / 1024


def peak_rss_mb() -> float:
    """Peak resident memory of this process (since start or the last reset), in MiB."""
    return _status_kb("VmHWM") / 1024


def reset_peak_rss() -> bool:
    """Reset the peak RSS mark (Linux ``clear_refs``); False when the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def load_average() -> list[float]:
    """The 1, 5 and 15-minute load averages (the machine may be shared; record them with figures)."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


# -- articles ------------------------------------------------------------------------------


def make_article(
    article_id: str,
    title: str,
    paragraphs: Sequence[str],
    *,
    source: str = "bench",
    lang: str = "zh",
    published_at: datetime | None = None,
    url: str | None = None,
) -> Article:
    """An Article built directly from text (no extraction), one body block per paragraph."""
    blocks = tuple(
        Block(position=i, kind="body", text=text, number=i + 1) for i, text in enumerate(paragraphs)
    )
    digest = hashlib.sha256("\n".join(paragraphs).encode()).hexdigest()
    return Article(
        article_id=article_id,
        title=title,
        blocks=blocks,
        lang=lang,  # type: ignore[arg-type]
        content_hash=digest,
        url=url,
        canonical_url=url,
        source=source,
        published_at=published_at,
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


# -- reporting -----------------------------------------------------------------------------


def fmt(value: object, digits: int = 2) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[fmt(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def machine_line() -> str:
    """One line naming the date, CPU, cores, memory and versions a figure was measured with."""
    import sqlite3  # noqa: TID251 - version string only

    import tantivy

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem_gb = _meminfo_gb()
    return (
        f"{datetime.now(UTC).date().isoformat()}, {cores} cores ({cpu}), {mem_gb:.0f} GB RAM, "
        f"Python {platform.python_version()}, {getattr(tantivy, '__version__', 'tantivy ?').split(',')[0]}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def _meminfo_gb() -> float:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return math.nan
    match = re.search(r"^MemTotal:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 2**20 if match else math.nan


def command_line() -> str:
    script = Path(sys.argv[0])
    try:
        script = script.resolve().relative_to(REPO_ROOT)
    except ValueError:
        pass
    return " ".join(["python", str(script), *sys.argv[1:]])


def write_md_section(path: Path, name: str, body: str) -> None:
    """Replace the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` in ``path``.

    The markers are appended at the end of the file when missing; text outside them is kept.
    """
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
