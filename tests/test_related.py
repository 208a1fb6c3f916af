"""find_related (你可能还想读): other stories of a stored article, from index lookups and the ranking."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pytest

from conftest import make_article
from relatedcorpus import RECORDS, build_corpus
from suanli.config import Settings
from suanli.errors import NotFoundError
from suanli.knowledge import KnowledgeBase
from suanli.pipeline import sync_index
from suanli.related import RELATED_LIMIT, RelatedRead, find_related
from suanli.stages.segment import Segmenter
from suanli.web.hooks import Hooks, StaticKnowledge
from suanli.web.views import related_views
from suanli.workspace import Workspace, open_workspace

# Stored without a story row (as by an older version), so it is a story of its own.
LONE_PARAGRAPHS = [
    "8月28日，寒武纪在业绩说明会上表示，云端训练芯片的订单已排到明年，国产替代需求持续旺盛。",
    "公司称将继续加大研发投入，推进新一代训练芯片的流片和量产工作。",
]


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter, kb: KnowledgeBase
) -> Iterator[tuple[Workspace, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("related")
    settings = Settings(data_dir=str(folder / "data"), summarize_on_ingest=False)
    with open_workspace(settings, segmenter=segmenter, kb=kb) as ws:
        ids = build_corpus(folder / "input", ws)
        lone = make_article(
            "寒武纪称云端芯片订单排至明年",
            LONE_PARAGRAPHS,
            source="测试日报",
            published_at=datetime(2025, 8, 28, 12, 0, tzinfo=UTC),
        )
        assert ws.store.add_article(lone)
        sync_index(ws)
        ids["lone"] = lone.article_id
        yield ws, ids


def _keys(ids: dict[str, str], reads: Sequence[RelatedRead]) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    return [by_id[r.article_id] for r in reads]


def test_the_articles_own_story_is_left_out_even_when_its_repost_is_the_most_similar(
    corpus: tuple[Workspace, dict[str, str]],
) -> None:
    ws, ids = corpus
    story = ws.store.story_ids([ids["halt"], ids["halt_repost"]])
    assert story[ids["halt"]] == story[ids["halt_repost"]]  # the fixture's premise: one story
    for key, other in (("halt", "halt_repost"), ("halt_repost", "halt")):
        reads = find_related(ws, ids[key])
        keys = _keys(ids, reads)
        assert reads and key not in keys and other not in keys
        assert all(r.story_id != story[ids[key]] for r in reads)


def test_an_article_sharing_entities_ranks_above_one_sharing_only_words(
    corpus: tuple[Workspace, dict[str, str]],
) -> None:
    ws, ids = corpus
    keys = _keys(ids, find_related(ws, ids["halt"]))
    assert keys[0] == "license"  # 英伟达 and H20, and the closest in words
    assert "cooling" in keys and keys.index("license") < keys.index("cooling")
    # From the earnings story: the halt report shares 寒武纪 but few words, the export notes
    # share more words (芯片, 互联网公司, 运营商) and no entity.
    keys = _keys(ids, find_related(ws, ids["cambricon"]))
    assert "halt" in keys or "halt_repost" in keys
    first_halt = min(keys.index(k) for k in ("halt", "halt_repost") if k in keys)
    exports = [keys.index(k) for k in keys if k.startswith("export_")]
    assert exports and first_halt < min(exports)


def test_at_most_eight_reads_each_with_a_date_and_the_first_paragraph_as_excerpt(
    corpus: tuple[Workspace, dict[str, str]],
) -> None:
    ws, ids = corpus
    reads = find_related(ws, ids["export_3"])
    assert len(reads) == RELATED_LIMIT == 8  # eleven other stories would qualify
    assert len({r.story_id for r in reads}) == len(reads)
    for read in reads:
        assert read.published_at is not None and read.published_at.tzinfo is not None
        first = ws.store.get_article(read.article_id).paragraphs[0].text
        assert read.excerpt and first.startswith(read.excerpt.rstrip("…"))
        assert len(read.excerpt) <= 120
    scores = [r.score for r in reads]
    assert scores == sorted(scores, reverse=True)
    assert len(find_related(ws, ids["export_3"], limit=3)) == 3


def test_a_long_first_paragraph_is_cut_with_an_ellipsis(corpus: tuple[Workspace, dict[str, str]]) -> None:
    ws, ids = corpus
    license_read = next(r for r in find_related(ws, ids["halt"]) if r.article_id == ids["license"])
    first = RECORDS["license"]["text"].split("\n\n")[0]
    assert len(first) > 120
    assert license_read.excerpt == first[:119] + "…"


def test_an_article_with_no_neighbours_gets_an_empty_list(corpus: tuple[Workspace, dict[str, str]]) -> None:
    ws, ids = corpus
    assert find_related(ws, ids["tulip"]) == []


def test_an_article_without_a_story_row_is_a_story_of_its_own(
    corpus: tuple[Workspace, dict[str, str]],
) -> None:
    ws, ids = corpus
    lone = ids["lone"]
    assert ws.store.story_ids([lone]) == {}
    keys = _keys(ids, find_related(ws, lone))
    assert "cambricon" in keys and "lone" not in keys
    from_cambricon = find_related(ws, ids["cambricon"])
    assert any(r.article_id == lone and r.story_id == f"s-{lone}" for r in from_cambricon)


def test_an_unsaved_article_gets_related_reads_too(corpus: tuple[Workspace, dict[str, str]]) -> None:
    ws, ids = corpus
    draft = make_article(
        "英伟达H20停产影响几何",
        ["英伟达暂停H20芯片相关生产后，国产算力厂商寒武纪和海光信息的订单有望增加。"],
        published_at=datetime(2025, 8, 23, tzinfo=UTC),
    )
    keys = _keys(ids, find_related(ws, draft))
    assert keys and ("halt" in keys or "halt_repost" in keys)


def test_an_unknown_article_id_is_not_found(corpus: tuple[Workspace, dict[str, str]]) -> None:
    with pytest.raises(NotFoundError, match="No article with id 'ffffffffffff'"):
        find_related(corpus[0], "ffffffffffff")


def test_the_article_page_view_names_shared_entities_through_the_knowledge_hook(
    corpus: tuple[Workspace, dict[str, str]], kb: KnowledgeBase
) -> None:
    ws, ids = corpus
    article = ws.store.get_article(ids["halt"])
    hooks = Hooks(knowledge=StaticKnowledge(entities=[e for e in kb if e.entity_id == "nvidia"]))
    views = related_views(ws, article, hooks, ())
    assert [v.article_id for v in views] == [r.article_id for r in find_related(ws, article)]
    first = views[0]
    assert first.article_id == ids["license"] and first.story_id.startswith("s-")
    assert [(e.entity_id, e.is_known) for e in first.shared_entities] == [
        ("nvidia", True),
        ("nvidia-h20", False),
    ]
    assert first.shared_entities[0].name == "英伟达"
    without = related_views(ws, article, Hooks(), ())
    assert all(not e.is_known for v in without for e in v.shared_entities)


def test_a_read_titled_like_the_article_is_left_out_as_a_copy_grouping_missed(
    corpus: tuple[Workspace, dict[str, str]],
) -> None:
    ws, ids = corpus
    title = RECORDS["cambricon"]["title"]
    copy = make_article(
        title,
        ["寒武纪半年报显示，公司营业收入同比大幅增长，云端芯片出货量明显提升，实现扭亏为盈。"],
        published_at=datetime(2025, 8, 27, tzinfo=UTC),
    )
    reads = find_related(ws, copy)
    assert reads and ids["cambricon"] not in {r.article_id for r in reads}
    assert all(r.title != title for r in reads)
