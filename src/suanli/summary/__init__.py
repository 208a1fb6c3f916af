"""Verifiable structured summaries of articles: a quick read, core points and themed sections.

Every statement cites the paragraphs it comes from, and :func:`check_summary` verifies that the
cited paragraphs really hold its numbers, dates, names and quotations. Two engines write summaries:
``extractive`` (offline, deterministic, quotes the article) and ``llm`` (any OpenAI-compatible chat
endpoint; falls back to ``extractive`` when the endpoint fails).

Example:
    >>> summary = summarize(article, terms=load_terms(settings))  # doctest: +SKIP
    >>> print(render_summary(apply_policy(summary, "drop")))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from suanli.errors import ConfigError, MissingKeyError, ProviderError
from suanli.models import Article
from suanli.summary.check import apply_policy, check_bullet, check_summary
from suanli.summary.extractive import extract_keywords, summarize_extractive
from suanli.summary.llm import make_client, summarize_llm, validate_llm_config
from suanli.summary.models import (
    ENGINES,
    POLICY_MODES,
    Bullet,
    LLMConfig,
    Section,
    Summary,
    Verdict,
    summary_from_dict,
    summary_to_dict,
)
from suanli.summary.numbers import DateMention, Quantity, parse_dates, parse_quantities
from suanli.summary.render import render_summary

if TYPE_CHECKING:
    import httpx  # only suanli.summary.llm talks to the network

logger = logging.getLogger(__name__)

__all__ = [
    "ENGINES",
    "POLICY_MODES",
    "Bullet",
    "DateMention",
    "LLMConfig",
    "Quantity",
    "Section",
    "Summary",
    "Verdict",
    "apply_policy",
    "check_bullet",
    "check_summary",
    "extract_keywords",
    "parse_dates",
    "parse_quantities",
    "render_summary",
    "summarize",
    "summarize_extractive",
    "summarize_llm",
    "summarize_many",
    "summary_from_dict",
    "summary_to_dict",
    "validate_llm_config",
]


def summarize(
    article: Article,
    engine: str = "extractive",
    *,
    llm: LLMConfig | None = None,
    terms: Collection[str] = (),
    client: httpx.Client | None = None,
) -> Summary:
    """Summary of ``article`` by ``engine``, every bullet carrying a verdict of the citation check.

    When the ``llm`` engine fails (timeouts, HTTP errors, unusable JSON), the extractive engine
    writes the summary instead and ``Summary.fallback_reason`` says why. Configuration problems
    (ConfigError, MissingKeyError, including a key the endpoint rejects) are raised, not hidden.
    """
    if engine not in ENGINES:
        raise ConfigError(f"Summary engine '{engine}' is not one of: {', '.join(ENGINES)}")
    if engine == "extractive":
        return summarize_extractive(article, terms=terms)
    config = _require_llm(llm)
    try:
        return summarize_llm(article, config, terms=terms, client=client)
    except MissingKeyError:
        raise
    except ProviderError as exc:
        logger.warning(
            "LLM summary of article '%s' failed, using the extractive engine: %s", article.article_id, exc
        )
        return replace(summarize_extractive(article, terms=terms), fallback_reason=str(exc))


def summarize_many(
    articles: Iterable[Article],
    engine: str = "extractive",
    *,
    llm: LLMConfig | None = None,
    terms: Collection[str] = (),
    max_concurrency: int | None = None,
) -> list[Summary]:
    """Summaries of ``articles`` in their order; the llm engine runs at most ``max_concurrency``
    requests at a time (default ``llm.max_concurrency``) over one shared HTTP client."""
    if engine not in ENGINES:
        raise ConfigError(f"Summary engine '{engine}' is not one of: {', '.join(ENGINES)}")
    items = list(articles)
    term_list = tuple(terms)
    if engine != "llm" or not items:
        return [summarize(a, engine, llm=llm, terms=term_list) for a in items]
    config = _require_llm(llm)
    validate_llm_config(config)
    workers = max(1, min(max_concurrency or config.max_concurrency, len(items)))
    with make_client(config, max_connections=workers) as http:
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="suanli-summary")
        futures: list[Future[Summary]] = [
            pool.submit(summarize, a, engine, llm=config, terms=term_list, client=http) for a in items
        ]
        try:
            return [f.result() for f in futures]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _require_llm(llm: LLMConfig | None) -> LLMConfig:
    if llm is None:
        raise ConfigError(
            "Summary engine 'llm' needs the settings 'llm_base_url' and 'llm_model' (or SUANLI_LLM_BASE_URL "
            "and SUANLI_LLM_MODEL)"
        )
    return llm
