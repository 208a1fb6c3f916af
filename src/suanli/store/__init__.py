"""Storage: ``open_store(url)`` picks the implementation by URL scheme and imports it only then."""

from __future__ import annotations

from pathlib import Path

from suanli.errors import ConfigError

from .base import Store

__all__ = ["Store", "open_store", "sqlite_path"]


def sqlite_path(url: str) -> Path:
    """File path of a ``sqlite:///`` URL."""
    return Path(url.removeprefix("sqlite:///"))


def open_store(url: str) -> Store:
    """Open (and migrate) the store named by ``url``.

    Example:
        >>> store = open_store("sqlite:///tmp/suanli-doc.db")  # doctest: +SKIP
    """
    if url.startswith("sqlite:///"):
        from .sqlite import SQLiteStore

        return SQLiteStore(sqlite_path(url))
    if url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"Store URL '{url.split('@')[-1]}' is PostgreSQL, which this version cannot open yet; "
            "use a sqlite:/// URL"
        )
    raise ConfigError(f"Store URL '{url}' is not supported; use 'sqlite:///path/to/suanli.db'")
