"""The text work of placing an article (signature and anchors), optionally in worker processes.

:func:`prepare` depends on nothing but the article and the config, so a bulk regroup can run it in
worker processes (:func:`prepare_pool`) while the main process keeps the indexes; the result is the
same either way.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from .events import extract_anchors
from .minhash import normalized_points, signature_of_normalized
from .models import StoryConfig, StoryInput

log = logging.getLogger(__name__)

# Below this many articles, starting worker processes costs more than it saves.
MIN_PARALLEL_ITEMS = 2000
_CHUNK = 128


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article's shingle count, MinHash signature (None: body too short) and anchors."""

    shingles: int
    signature: np.ndarray | None
    anchors: frozenset[str]


def prepare(item: StoryInput, config: StoryConfig) -> Prepared:
    """Signature of the body and anchors of the title and lede (given anchors are kept)."""
    anchors = item.anchors
    if anchors is None:
        lede = f"{item.title}\n{item.text[: config.anchor_chars]}"
        anchors = extract_anchors(lede, published_at=item.published_at)
    normal = normalized_points(item.text)
    signature = signature_of_normalized(normal, config)
    return Prepared(max(len(normal) - config.shingle_size + 1, 1), signature, anchors)


class _Serial:
    def prepare(self, items: Sequence[StoryInput], config: StoryConfig) -> Iterator[Prepared]:
        return (prepare(item, config) for item in items)


class _Parallel:
    def __init__(self, executor: ProcessPoolExecutor) -> None:
        self._executor = executor

    def prepare(self, items: Sequence[StoryInput], config: StoryConfig) -> Iterator[Prepared]:
        # map() keeps the order; results stream back while the caller places earlier articles.
        return self._executor.map(prepare, items, repeat(config), chunksize=_CHUNK)


PreparePool = _Serial | _Parallel


@contextmanager
def prepare_pool(workers: int, items: int, *, min_items: int = MIN_PARALLEL_ITEMS) -> Iterator[PreparePool]:
    """Something with ``prepare(items, config) -> iterator of Prepared``: worker processes when
    ``workers`` is above 1 and there are at least ``min_items`` items, else this process."""
    if workers <= 1 or items < min_items:
        yield _Serial()
        return
    # spawn: workers start clean, whatever threads or open files this process has.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as executor:
        log.debug("Preparing %d articles in %d worker processes", items, workers)
        yield _Parallel(executor)
