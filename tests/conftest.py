"""Shared fixtures: settings on tmp_path, an opened workspace, article builders."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from suanli.config import Settings
from suanli.knowledge import KnowledgeBase, load_kb
from suanli.models import Article, Block
from suanli.stages.segment import Segmenter
from suanli.workspace import Workspace, open_workspace

TEST_TERMS = [
    "英伟达",
    "寒武纪",
    "海光信息",
    "摩尔线程",
    "万得GPU指数",
    "昇腾910C",
    "MTT S4000",
    "算力",
    "国产GPU",
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=str(tmp_path / "data"),
        allowed_hosts=("127.0.0.1",),
        connect_timeout_s=2.0,
        total_timeout_s=5.0,
    )


@pytest.fixture(scope="session")
def segmenter() -> Segmenter:
    from suanli.dictionary import load_terms

    return Segmenter(load_terms(Settings(data_dir="/nonexistent")) + TEST_TERMS)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture
def ws(settings: Settings, segmenter: Segmenter, kb: KnowledgeBase) -> Iterator[Workspace]:
    with open_workspace(settings, segmenter=segmenter, kb=kb) as workspace:
        yield workspace


def make_article(
    title: str,
    paragraphs: list[str],
    *,
    source: str = "test",
    lang: str = "zh",
    published_at: datetime | None = None,
    url: str | None = None,
    extra_blocks: list[tuple[int, str, str]] | None = None,
) -> Article:
    """An Article built directly (for store and search tests that skip extraction)."""
    blocks = [Block(position=i, kind="body", text=t, number=i + 1) for i, t in enumerate(paragraphs)]
    for position, kind, text in extra_blocks or []:
        blocks.insert(position, Block(position=position, kind=kind, text=text))  # type: ignore[arg-type]
    blocks = [Block(position=i, kind=b.kind, text=b.text, number=b.number) for i, b in enumerate(blocks)]
    digest = hashlib.sha256("".join(paragraphs).encode()).hexdigest()
    return Article(
        article_id=digest[:16],
        title=title,
        blocks=tuple(blocks),
        lang=lang,  # type: ignore[arg-type]
        content_hash=digest,
        url=url,
        canonical_url=url,
        source=source,
        published_at=published_at or datetime(2025, 8, 24, 2, 0, tzinfo=UTC),
        fetched_at=datetime(2025, 8, 25, tzinfo=UTC),
    )
