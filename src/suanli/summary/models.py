"""Frozen records of a structured summary: bullets with citations, sections, verdicts, LLM settings."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from suanli.models import Lang

EngineName = Literal["extractive", "llm"]
ENGINES: tuple[EngineName, ...] = ("extractive", "llm")
PolicyMode = Literal["drop", "mark"]
POLICY_MODES: tuple[PolicyMode, ...] = ("drop", "mark")

LABEL_PREFIX: dict[str, str] = {"zh": "机器生成摘要", "en": "Machine-written summary"}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Outcome of checking one bullet against the paragraphs it cites."""

    is_supported: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Bullet:
    """One statement and the paragraph numbers it cites; ``verdict`` is None until checked."""

    text: str
    citations: tuple[int, ...]
    verdict: Verdict | None = None

    @property
    def rendered(self) -> str:
        """Text followed by its citations, e.g. ``'营收暴涨42.3倍[12][13]'``."""
        return self.text + "".join(f"[{n}]" for n in self.citations)

    @property
    def is_supported(self) -> bool:
        return self.verdict is not None and self.verdict.is_supported


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    bullets: tuple[Bullet, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """A verifiable structured summary of one article.

    ``quick_read`` is one short paragraph (a :class:`Bullet`, so it carries citations and a verdict);
    it is None only for articles without body text or when a policy dropped it.
    ``fallback_reason`` says why the requested engine was replaced by the extractive one.
    """

    article_id: str
    lang: Lang
    quick_read: Bullet | None
    core_points: tuple[Bullet, ...]
    sections: tuple[Section, ...]
    keywords: tuple[str, ...]
    engine: str
    engine_version: str
    label: str
    fallback_reason: str | None = None

    @property
    def bullets(self) -> tuple[Bullet, ...]:
        """Every checked statement: the quick read, the core points, then the section bullets."""
        head = (self.quick_read,) if self.quick_read is not None else ()
        return head + self.core_points + tuple(b for s in self.sections for b in s.bullets)

    @property
    def is_checked(self) -> bool:
        return all(b.verdict is not None for b in self.bullets)

    @property
    def is_fully_supported(self) -> bool:
        return all(b.is_supported for b in self.bullets)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or long-sentence clause) of an article body, as written.

    ``index`` is its order in the article (0-based); ``position`` its order within the paragraph.
    """

    text: str
    paragraph: int
    index: int
    position: int


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """How to reach an OpenAI-compatible chat endpoint (``POST {base_url}/chat/completions``).

    ``api_key`` may be None for endpoints on this machine or a private network.
    Retries (``max_retries``) cover timeouts, connection errors, HTTP 408/409/429 and 5xx; the wait
    doubles from ``retry_backoff_s`` and honours ``Retry-After``, never beyond ``max_retry_wait_s``.
    """

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = 60.0
    max_retries: int = 2
    max_concurrency: int = 4
    retry_backoff_s: float = 0.5
    max_retry_wait_s: float = 10.0
    temperature: float = 0.0


def make_label(lang: str, engine: str, engine_version: str) -> str:
    """``'机器生成摘要 · extractive 1.0'`` for zh, ``'Machine-written summary · ...'`` for en."""
    prefix = LABEL_PREFIX["zh" if lang == "zh" else "en"]
    return f"{prefix} · {engine} {engine_version}".rstrip()


def with_verdicts(summary: Summary, verdicts: list[Verdict]) -> Summary:
    """Copy of ``summary`` whose bullets (in :attr:`Summary.bullets` order) carry ``verdicts``."""
    it = iter(verdicts)
    quick = replace(summary.quick_read, verdict=next(it)) if summary.quick_read is not None else None
    core = tuple(replace(b, verdict=next(it)) for b in summary.core_points)
    sections = tuple(
        Section(s.heading, tuple(replace(b, verdict=next(it)) for b in s.bullets)) for s in summary.sections
    )
    return replace(summary, quick_read=quick, core_points=core, sections=sections)


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    """JSON-ready form of a summary (round-trips through :func:`summary_from_dict`)."""

    def bullet(b: Bullet) -> dict[str, Any]:
        out: dict[str, Any] = {"text": b.text, "citations": list(b.citations)}
        if b.verdict is not None:
            out["verdict"] = {"is_supported": b.verdict.is_supported, "problems": list(b.verdict.problems)}
        return out

    return {
        "article_id": summary.article_id,
        "lang": summary.lang,
        "quick_read": bullet(summary.quick_read) if summary.quick_read is not None else None,
        "core_points": [bullet(b) for b in summary.core_points],
        "sections": [
            {"heading": s.heading, "bullets": [bullet(b) for b in s.bullets]} for s in summary.sections
        ],
        "keywords": list(summary.keywords),
        "engine": summary.engine,
        "engine_version": summary.engine_version,
        "label": summary.label,
        "fallback_reason": summary.fallback_reason,
    }


def summary_from_dict(data: dict[str, Any]) -> Summary:
    """Inverse of :func:`summary_to_dict`; raises KeyError/TypeError on a foreign shape."""

    def bullet(raw: dict[str, Any]) -> Bullet:
        verdict = raw.get("verdict")
        return Bullet(
            text=str(raw["text"]),
            citations=tuple(int(n) for n in raw["citations"]),
            verdict=(
                Verdict(bool(verdict["is_supported"]), tuple(str(p) for p in verdict["problems"]))
                if verdict is not None
                else None
            ),
        )

    quick = data.get("quick_read")
    return Summary(
        article_id=str(data["article_id"]),
        lang="zh" if data["lang"] == "zh" else "en",
        quick_read=bullet(quick) if quick is not None else None,
        core_points=tuple(bullet(b) for b in data["core_points"]),
        sections=tuple(
            Section(str(s["heading"]), tuple(bullet(b) for b in s["bullets"])) for s in data["sections"]
        ),
        keywords=tuple(str(k) for k in data["keywords"]),
        engine=str(data["engine"]),
        engine_version=str(data["engine_version"]),
        label=str(data["label"]),
        fallback_reason=data.get("fallback_reason"),
    )
