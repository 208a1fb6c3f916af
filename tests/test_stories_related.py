"""Related reads: other stories ranked by TF-IDF similarity, shared entities and closeness in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conftest import make_article
from suanli.errors import ConfigError
from suanli.stages.segment import Segmenter
from suanli.stories import ReadCandidate, RelatedConfig, read_candidate, related_reads

DAY = datetime(2025, 8, 22, tzinfo=UTC)


def candidate(
    article_id: str,
    story_id: str,
    tokens: str,
    *,
    entities: set[str] | None = None,
    days: float = 0,
    excerpt: str = "",
) -> ReadCandidate:
    return ReadCandidate(
        article_id=article_id,
        story_id=story_id,
        title=f"title {article_id}",
        tokens=tuple(tokens.split()),
        entities=frozenset(entities or ()),
        published_at=DAY + timedelta(days=days),
        source="test",
        excerpt=excerpt or f"excerpt of {article_id}",
    )


TARGET = candidate("t", "s-t", "英伟达 h20 芯片 停产 供应商 出口 管制", entities={"nvidia", "nvidia-h20"})


def test_related_reads_leave_out_the_articles_own_story_and_keep_one_report_per_story() -> None:
    reads = related_reads(
        TARGET,
        [
            candidate("same-story", "s-t", "英伟达 h20 芯片 停产 供应商"),
            candidate("x1", "s-x", "英伟达 h20 芯片 出口 管制 许可证"),
            candidate("x2", "s-x", "英伟达 h20 芯片 停产 出口 管制 供应商"),
            candidate("y1", "s-y", "寒武纪 芯片 营收 增长"),
        ],
    )
    assert [r.story_id for r in reads] == ["s-x", "s-y"]
    assert reads[0].article_id == "x2"  # the closer of the story's two reports


def test_related_reads_rank_by_content_then_entities_then_closeness_in_time() -> None:
    reads = related_reads(
        TARGET,
        [
            candidate("far", "s-far", "英伟达 h20 芯片 出口 管制", entities={"nvidia"}, days=200),
            candidate("near", "s-near", "英伟达 h20 芯片 出口 管制", entities={"nvidia"}, days=1),
            candidate("names", "s-names", "股价 市值 指数", entities={"nvidia", "nvidia-h20"}),
            candidate("close", "s-close", "英伟达 h20 芯片 停产 供应商 出口 管制 美国", entities={"nvidia"}),
            candidate("unrelated", "s-u", "房地产 销售 面积 同比"),
        ],
    )
    assert [r.article_id for r in reads] == ["close", "near", "far", "names"]
    assert reads[-1].shared_entities == ("nvidia", "nvidia-h20") and reads[-1].similarity == 0.0
    assert reads[0].published_at == DAY and reads[0].excerpt == "excerpt of close"


def test_related_reads_stop_at_the_limit_and_cut_long_excerpts() -> None:
    pool = [
        candidate(f"c{i}", f"s-{i}", f"英伟达 h20 芯片 词{i}", excerpt="很长的摘录" * 40) for i in range(12)
    ]
    reads = related_reads(TARGET, pool)
    assert len(reads) == 8
    assert all(len(r.excerpt) == 120 and r.excerpt.endswith("…") for r in reads)
    assert len(related_reads(TARGET, pool, config=RelatedConfig(limit=3))) == 3


def test_related_reads_use_given_document_frequencies() -> None:
    pool = [candidate("a", "s-a", "英伟达 芯片"), candidate("b", "s-b", "h20 停产")]
    common_nvidia = related_reads(TARGET, pool, doc_freq={"英伟达": 900, "芯片": 900}, doc_count=1000)
    assert [r.article_id for r in common_nvidia] == ["b", "a"]


def test_related_reads_of_an_article_built_from_real_text() -> None:
    segmenter = Segmenter(["英伟达", "寒武纪"])

    def make(title: str, body: str, days: int) -> ReadCandidate:
        article = make_article(title, [body], published_at=DAY + timedelta(days=days))
        return read_candidate(article, f"s-{article.article_id}", segmenter.index_tokens(f"{title} {body}"))

    target = make("英伟达暂停H20生产", "英伟达通知供应商暂停H20芯片生产。", 0)
    follow_up = make("英伟达H20停产影响", "H20芯片停产后，英伟达的中国业务受到影响。", 2)
    other = make("寒武纪营收大增", "寒武纪上半年营收同比增长。", 1)
    reads = related_reads(target, [other, follow_up])
    assert [r.title for r in reads] == ["英伟达H20停产影响"]
    assert reads[0].excerpt == "H20芯片停产后，英伟达的中国业务受到影响。"


def test_related_config_rejects_a_limit_below_one() -> None:
    with pytest.raises(ConfigError, match="'limit' must be 1 or more, got '0'"):
        RelatedConfig(limit=0)
