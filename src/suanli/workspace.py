"""Workspace: the opened store, search index and segmenter that commands work on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import Settings
from .dictionary import load_terms
from .errors import BadQueryError
from .knowledge import Entity, KnowledgeBase, load_kb
from .stages.segment import Segmenter
from .store import Store, open_store, sqlite_path
from .store.tantivy_index import TantivyIndex
from .stories.stored import StoredStories


@dataclass(slots=True)
class Workspace:
    settings: Settings
    store: Store
    index: TantivyIndex
    segmenter: Segmenter
    terms: tuple[str, ...] = ()
    knowledge_base: KnowledgeBase | None = None
    story_state: StoredStories | None = None

    def stories(self) -> StoredStories:
        """Story grouping over this store with the story settings, made on first use."""
        if self.story_state is None:
            self.story_state = StoredStories(self.store, self.settings.story_config(), self.kb())
        return self.story_state

    def kb(self) -> KnowledgeBase:
        """The entity base (shipped plus the ``kb_files`` setting), loaded on first use."""
        if self.knowledge_base is None:
            self.knowledge_base = _load_kb(tuple(str(Path(p).expanduser()) for p in self.settings.kb_files))
        return self.knowledge_base

    def resolve_entity(self, name: str) -> Entity:
        """The one entity called ``name`` (id, name, alias or ticker); BadQueryError otherwise."""
        found = self.kb().lookup(name.strip())
        if not found:
            raise BadQueryError(f"No entity called '{name}'; list known ones with 'suanli kb list'")
        if len(found) > 1:
            choices = ", ".join(f"{e.entity_id} ({e.name})" for e in found)
            raise BadQueryError(f"Entity name '{name}' is ambiguous; use one of the ids: {choices}")
        return found[0]

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@lru_cache(maxsize=4)
def _load_kb(paths: tuple[str, ...]) -> KnowledgeBase:
    # The base is immutable and takes about a second to build; one copy per process and file list.
    return load_kb(paths)


def index_path(settings: Settings) -> Path:
    """The search index lives beside the SQLite file: ``<db>.index/``."""
    url = settings.resolved_db_url
    if url.startswith("sqlite:///"):
        db = sqlite_path(url)
        return db.with_name(db.name + ".index")
    return Path(settings.data_dir) / "index"


def open_workspace(
    settings: Settings,
    *,
    segmenter: Segmenter | None = None,
    terms: tuple[str, ...] | None = None,
    kb: KnowledgeBase | None = None,
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
    return Workspace(
        settings=settings, store=store, index=index, segmenter=seg, terms=words, knowledge_base=kb
    )
