"""The Progress protocol long-running work reports to; the CLI draws it, library callers may ignore it."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, total: int | None) -> None: ...

    def advance(self, label: str) -> None: ...

    def added(self, article_id: str, origin: str) -> None: ...


class NoProgress:
    """A Progress that ignores everything."""

    def start(self, total: int | None) -> None:
        pass

    def advance(self, label: str) -> None:
        pass

    def added(self, article_id: str, origin: str) -> None:
        pass
