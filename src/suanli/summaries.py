"""Writing and rewriting article summaries with the configured engine, and storing them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from suanli.config import Settings
from suanli.errors import SuanliError
from suanli.models import Article, Failure
from suanli.progress import NoProgress, Progress
from suanli.summary import LLMConfig, Summary, apply_policy, summarize
from suanli.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SummarizeReport:
    written: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    fallbacks: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()


def llm_config(settings: Settings) -> LLMConfig | None:
    """The LLM endpoint from settings, or None when no base URL is configured."""
    if not settings.llm_base_url:
        return None
    return LLMConfig(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key or None,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        max_concurrency=settings.llm_max_concurrency,
    )


def write_summary(article: Article, ws: Workspace, *, engine: str | None = None) -> Summary:
    """A checked summary of ``article`` by ``engine`` (default: the ``summary_engine`` setting)."""
    name = engine or ws.settings.summary_engine
    return summarize(article, name, llm=llm_config(ws.settings), terms=ws.terms)


def shown_summary(summary: Summary, settings: Settings) -> Summary:
    """The summary as users see it: unsupported bullets dropped or kept marked, per ``summary_policy``."""
    return apply_policy(summary, settings.summary_policy)


def summarize_stored(
    ws: Workspace,
    article_ids: Sequence[str] | None,
    *,
    engine: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> SummarizeReport:
    """(Re)write summaries of stored articles; ``None`` means every article.

    Without ``force`` only articles without a summary are summarised. Each article succeeds or
    fails on its own.
    """
    ids = list(article_ids) if article_ids is not None else ws.store.all_ids()
    if article_ids is not None:
        ids = [ws.store.get_article(i).article_id for i in ids]  # resolves prefixes, NotFoundError early
    existing = ws.store.get_summaries(ids) if not force else {}
    todo = [i for i in ids if i not in existing]
    prog = progress or NoProgress()
    prog.start(len(todo))
    written: list[str] = []
    fallbacks: list[str] = []
    failures: list[Failure] = []
    for article_id in todo:
        try:
            article = ws.store.get_article(article_id)
            summary = write_summary(article, ws, engine=engine)
            ws.store.save_summary(summary)
            written.append(article_id)
            if summary.fallback_reason:
                fallbacks.append(f"{article_id}: {summary.fallback_reason}")
        except SuanliError as exc:
            failures.append(Failure(article_id, str(exc)))
        prog.advance(article_id)
    return SummarizeReport(
        written=tuple(written),
        skipped=tuple(i for i in ids if i in existing),
        fallbacks=tuple(fallbacks),
        failures=tuple(failures),
    )
