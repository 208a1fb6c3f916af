"""The LLM summary engine: any OpenAI-compatible chat endpoint, checked against the article.

This is the only module of ``suanli.summary`` that does network I/O. It asks for JSON of a fixed
shape, retries once with a repair prompt when the reply is unusable, retries the request on
timeouts, connection errors, HTTP 408/409/429 and 5xx with doubling waits (honouring
``Retry-After`` up to a cap), and runs the citation check on the result.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import time
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

import httpx

from suanli.errors import ConfigError, MissingKeyError, ProviderError, ProviderUnavailableError
from suanli.models import Article, Lang
from suanli.summary.check import check_summary
from suanli.summary.extractive import extract_keywords
from suanli.summary.models import LLMConfig, Summary, make_label
from suanli.summary.prompt import Message, ReplyError, build_messages, parse_reply, repair_messages
from suanli.summary.terms import find_terms

logger = logging.getLogger(__name__)

ENGINE = "llm"
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


def validate_llm_config(config: LLMConfig) -> None:
    """Raise ConfigError (or MissingKeyError) when ``config`` cannot work, saying how to fix it."""
    if not config.base_url.strip():
        raise ConfigError(
            "Setting 'llm_base_url' is empty: set it (or SUANLI_LLM_BASE_URL) to an OpenAI-compatible "
            "endpoint such as 'https://api.openai.com/v1'"
        )
    if not config.base_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"Setting 'llm_base_url' must start with 'http://' or 'https://', got '{config.base_url}'"
        )
    if not config.model.strip():
        raise ConfigError(
            "Setting 'llm_model' is empty: set it (or SUANLI_LLM_MODEL) to a model the endpoint serves"
        )
    if config.timeout_s <= 0:
        raise ConfigError(
            f"Setting 'llm_timeout_s' must be a positive number of seconds, got '{config.timeout_s}'"
        )
    if config.max_retries < 0:
        raise ConfigError(f"Setting 'llm_max_retries' must be 0 or more, got '{config.max_retries}'")
    if config.max_concurrency < 1:
        raise ConfigError(f"Setting 'llm_max_concurrency' must be 1 or more, got '{config.max_concurrency}'")
    if not config.api_key and not _is_local(config.base_url):
        raise MissingKeyError(
            f"No API key for LLM endpoint '{config.base_url}': "
            "set SUANLI_LLM_API_KEY or the 'llm_api_key' setting"
        )


def _is_local(base_url: str) -> bool:
    host = httpx.URL(base_url).host
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def make_client(config: LLMConfig, *, max_connections: int | None = None) -> httpx.Client:
    """An HTTP client for ``config`` (shared by threads in :func:`suanli.summary.summarize_many`)."""
    limit = max_connections or config.max_concurrency
    return httpx.Client(
        timeout=httpx.Timeout(config.timeout_s),
        limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
        follow_redirects=False,
        trust_env=False,
    )


def summarize_llm(
    article: Article,
    client_config: LLMConfig,
    *,
    terms: Collection[str] = (),
    client: httpx.Client | None = None,
) -> Summary:
    """Summary written by the model of ``client_config``, with a verdict on every bullet.

    Steps: 1. validate the settings; 2. build the prompt; 3. call the endpoint; 4. parse the JSON,
    asking once for a repair when it is unusable; 5. run the citation check.

    Raises:
        ConfigError, MissingKeyError: the settings cannot work (nothing was sent).
        ProviderUnavailableError: timeouts, connection errors or HTTP 429/5xx outlasted the retries.
        ProviderError: the endpoint refused the request or answered unusable JSON twice.

    Example:
        >>> config = LLMConfig("http://127.0.0.1:8000/v1", "qwen2.5-7b-instruct")
        >>> summarize_llm(article, config).engine  # doctest: +SKIP
        'llm'
    """
    # 1. Settings; an article without body text needs no request.
    validate_llm_config(client_config)
    term_list = tuple(terms)
    lang: Lang = "zh" if article.lang == "zh" else "en"
    label = make_label(lang, ENGINE, client_config.model)
    if not article.paragraphs:
        return Summary(article.article_id, lang, None, (), (), (), ENGINE, client_config.model, label)
    # 2. Prompt.
    body = article.title + "\n" + "\n".join(b.text for b in article.paragraphs)
    messages = build_messages(article, known_terms=find_terms(body, term_list))
    http = client if client is not None else make_client(client_config, max_connections=1)
    try:
        # 3.-4. Call, parse, repair once.
        content = _complete(http, client_config, messages)
        try:
            draft = parse_reply(content, article)
        except ReplyError as first:
            logger.info(
                "Article '%s': unusable LLM reply (%s), asking for a repair", article.article_id, first
            )
            content = _complete(http, client_config, repair_messages(messages, content, str(first)))
            try:
                draft = parse_reply(content, article)
            except ReplyError as second:
                raise ProviderError(
                    f"LLM model '{client_config.model}' answered unusable JSON twice for article "
                    f"'{article.article_id}': {second}"
                ) from second
    finally:
        if client is None:
            http.close()
    # 5. Keywords the model gave that occur in the article, topped up by extraction, then the check.
    keywords = draft.keywords
    if len(keywords) < 3:
        extra = [k for k in extract_keywords(article, terms=term_list) if k not in keywords]
        keywords = (keywords + tuple(extra))[:8]
    summary = Summary(
        article_id=article.article_id,
        lang=lang,
        quick_read=draft.quick_read,
        core_points=draft.core_points,
        sections=draft.sections,
        keywords=keywords,
        engine=ENGINE,
        engine_version=client_config.model,
        label=label,
    )
    return check_summary(summary, article, entities=term_list)


def _complete(http: httpx.Client, config: LLMConfig, messages: Sequence[Message]) -> str:
    """The assistant message content, after at most ``config.max_retries`` retries."""
    url = config.base_url.rstrip("/") + "/chat/completions"
    payload = {
        "model": config.model,
        "messages": list(messages),
        "response_format": {"type": "json_object"},
        "temperature": config.temperature,
    }
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    attempt = 0
    while True:
        wait = config.retry_backoff_s * (2**attempt)
        try:
            response = http.post(url, json=payload, headers=headers, timeout=config.timeout_s)
        except httpx.TimeoutException as exc:
            error: ProviderError = ProviderUnavailableError(
                f"LLM endpoint '{url}' did not answer within {config.timeout_s:g} s "
                f"({attempt + 1} attempts); raise 'llm_timeout_s' or try again later"
            )
            logger.debug("LLM request to %s timed out: %r", url, exc)
        except httpx.TransportError as exc:
            error = ProviderUnavailableError(
                f"LLM endpoint '{url}' cannot be reached ({type(exc).__name__}); check 'llm_base_url'"
            )
            logger.debug("LLM request to %s failed: %r", url, exc)
        else:
            status = response.status_code
            if status < 300:
                return _content(response, url)
            if status in (401, 403):
                raise MissingKeyError(
                    f"LLM endpoint '{url}' rejected the API key with HTTP {status}: set a valid key in "
                    "SUANLI_LLM_API_KEY or the 'llm_api_key' setting"
                )
            if status not in RETRY_STATUSES:
                raise ProviderError(
                    f"LLM endpoint '{url}' refused the request with HTTP {status}: {_error_text(response)}"
                )
            error = ProviderUnavailableError(
                f"LLM endpoint '{url}' answered HTTP {status} to {attempt + 1} attempts; try again later"
            )
            retry_after = _retry_after(response)
            if retry_after is not None:
                wait = retry_after
        if attempt >= config.max_retries:
            raise error
        attempt += 1
        delay = max(0.0, min(wait, config.max_retry_wait_s))
        logger.info("LLM endpoint busy or failing, retry %d in %.2f s", attempt, delay)
        time.sleep(delay)


def _content(response: httpx.Response, url: str) -> str:
    try:
        data = response.json()
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ProviderError(
            f"LLM endpoint '{url}' answered without 'choices[0].message.content'; is it OpenAI-compatible?"
        ) from exc
    # A refusal or tool call has no text: treat it as an unusable (repairable) reply.
    return content if isinstance(content, str) else ""


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
        message = data["error"]["message"] if isinstance(data.get("error"), dict) else data.get("error")
    except (ValueError, AttributeError, KeyError, TypeError):
        message = None
    text = str(message) if message else response.reason_phrase
    return " ".join(text.split())[:200]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
