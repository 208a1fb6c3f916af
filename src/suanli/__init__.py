"""suanli: a research engine for the AI compute market.

Example:
    >>> from suanli import SearchQuery, load_settings, open_workspace, add_inputs, search_articles
    >>> with open_workspace(load_settings()) as ws:  # doctest: +SKIP
    ...     add_inputs(["news/"], ws)
    ...     hits = search_articles(SearchQuery("寒武纪 市值"), ws).hits
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Public names, imported on first use so that `import suanli` stays cheap.
_EXPORTS = {
    "Settings": "suanli.config",
    "load_settings": "suanli.config",
    "Article": "suanli.models",
    "Block": "suanli.models",
    "SearchQuery": "suanli.models",
    "SearchResult": "suanli.models",
    "AddReport": "suanli.models",
    "SuanliError": "suanli.errors",
    "Workspace": "suanli.workspace",
    "open_workspace": "suanli.workspace",
    "add_inputs": "suanli.pipeline",
    "update_sources": "suanli.pipeline",
    "reindex": "suanli.pipeline",
    "search_articles": "suanli.search",
    "summarize": "suanli.summary",
    "Summary": "suanli.summary",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:  # Any: the attribute's type depends on the name
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'suanli' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)
