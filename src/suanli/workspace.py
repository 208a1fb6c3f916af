"""Workspace: the opened store, search index and segmenter that commands work on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .dictionary import load_terms
from .stages.segment import Segmenter
from .store import Store, open_store, sqlite_path
from .store.tantivy_index import TantivyIndex


@dataclass(slots=True)
class Workspace:
    settings: Settings
    store: Store
    index: TantivyIndex
    segmenter: Segmenter
    terms: tuple[str, ...] = ()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def index_path(settings: Settings) -> Path:
    """The search index lives beside the SQLite file: ``<db>.index/``."""
    url = settings.resolved_db_url
    if url.startswith("sqlite:///"):
        db = sqlite_path(url)
        return db.with_name(db.name + ".index")
    return Path(settings.data_dir) / "index"


def open_workspace(
    settings: Settings, *, segmenter: Segmenter | None = None, terms: tuple[str, ...] | None = None
) -> Workspace:
    """Open store, index and segmenter for ``settings``.

    Example:
        >>> with open_workspace(Settings(data_dir="/tmp/s")) as ws:  # doctest: +SKIP
        ...     ws.store.stats()
    """
    store = open_store(settings.resolved_db_url)
    try:
        index = TantivyIndex(index_path(settings))
        words = terms if terms is not None else tuple(load_terms(settings))
        seg = segmenter or Segmenter(words)
    except BaseException:
        store.close()
        raise
    return Workspace(settings=settings, store=store, index=index, segmenter=seg, terms=words)
