"""The read path: tokens, filters, ordering, snippets and query validation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from conftest import make_article
from suanli.errors import BadQueryError
from suanli.models import SearchQuery
from suanli.pipeline import sync_index
from suanli.search import make_snippet, search_articles
from suanli.workspace import Workspace


@pytest.fixture
def filled(ws: Workspace) -> Workspace:
    rows = [
        (
            "寒武纪市值突破5000亿元",
            ["8月22日，寒武纪股价涨停，市值超过5000亿元，国产算力板块大涨。"],
            "36氪",
            "zh",
            datetime(2025, 8, 22, tzinfo=UTC),
        ),
        (
            "英伟达H20停产",
            ["英伟达要求供应商暂停H20相关生产。", "此举推动国产GPU板块上涨，寒武纪受关注。"],
            "szf",
            "zh",
            datetime(2025, 8, 24, tzinfo=UTC),
        ),
        (
            "摩尔线程登陆科创板",
            ["摩尔线程发布MTT S4000显卡，算力提升明显。"],
            "36氪",
            "zh",
            datetime(2025, 12, 5, tzinfo=UTC),
        ),
        (
            "Nvidia halts H20 production",
            ["Nvidia asked Amkor and Samsung to halt H20 work."],
            "Reuters",
            "en",
            datetime(2025, 8, 22, tzinfo=UTC),
        ),
        (
            "DeepSeek-V3.1 adopts UE8M0 FP8",
            ["DeepSeek-V3.1 uses the UE8M0 FP8 scale format for domestic chips."],
            "Reuters",
            "en",
            datetime(2025, 8, 21, tzinfo=UTC),
        ),
    ]
    for title, paras, source, lang, when in rows:
        ws.store.add_article(make_article(title, paras, source=source, lang=lang, published_at=when))
    sync_index(ws)
    return ws


def titles(ws: Workspace, **kw: object) -> list[str]:
    return [h.title for h in search_articles(SearchQuery(**kw), ws).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("H20停产", "英伟达H20停产"),
        ("寒武纪 市值", "寒武纪市值突破5000亿元"),
        ("国产GPU", "英伟达H20停产"),
        ("MTT S4000", "摩尔线程登陆科创板"),
        ("UE8M0", "DeepSeek-V3.1 adopts UE8M0 FP8"),
        ("deepseek", "DeepSeek-V3.1 adopts UE8M0 FP8"),
        ("fp8", "DeepSeek-V3.1 adopts UE8M0 FP8"),
    ],
)
def test_chinese_and_mixed_queries_find_their_article(filled: Workspace, query: str, expected: str) -> None:
    assert titles(filled, text=query)[0] == expected


def test_every_article_containing_a_word_is_found(filled: Workspace) -> None:
    assert set(titles(filled, text="算力")) == {"寒武纪市值突破5000亿元", "摩尔线程登陆科创板"}


def test_title_matches_rank_first(filled: Workspace) -> None:
    assert titles(filled, text="寒武纪")[0] == "寒武纪市值突破5000亿元"


def test_filters_by_date_source_and_language(filled: Workspace) -> None:
    assert titles(filled, text="H20", lang="en") == ["Nvidia halts H20 production"]
    assert titles(filled, text="H20", source="szf") == ["英伟达H20停产"]
    since = datetime(2025, 8, 23, tzinfo=UTC)
    assert titles(filled, text="H20", since=since) == ["英伟达H20停产"]
    until = datetime(2025, 8, 23, tzinfo=UTC)
    assert titles(filled, text="H20", until=until) == ["Nvidia halts H20 production"]


def test_sort_by_date_is_newest_first(filled: Workspace) -> None:
    assert titles(filled, text="寒武纪", sort="date") == ["英伟达H20停产", "寒武纪市值突破5000亿元"]


def test_result_carries_total_and_pages(filled: Workspace) -> None:
    result = search_articles(SearchQuery("H20", limit=1), filled)
    assert result.total == 2 and len(result.hits) == 1
    second = search_articles(SearchQuery("H20", limit=1, offset=1), filled)
    assert second.hits[0].title != result.hits[0].title


def test_snippet_highlights_the_matching_words(filled: Workspace) -> None:
    hit = search_articles(SearchQuery("寒武纪 市值"), filled).hits[0]
    marked = [hit.snippet.text[s:e] for s, e in hit.snippet.highlights]
    assert "寒武纪" in marked and "市值" in marked
    assert hit.snippet.paragraph_number == 1


def test_snippet_is_cut_around_the_match_in_long_paragraphs() -> None:
    long = "无关内容。" * 60 + "寒武纪市值超过5000亿元。" + "其他内容。" * 60
    article = make_article("t", [long])
    snippet = make_snippet(article, ("寒武纪",), width=60)
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    ((start, end),) = snippet.highlights
    assert snippet.text[start:end] == "寒武纪"


@pytest.mark.parametrize(
    "query",
    [
        "!!!",
        "，。？",
        "()",
        '"',
        "AND",
        "title:x",
        "*?",
        "[1 TO 2]",
        "a^2",
        "~",
        "\\",
        "'; DROP TABLE",
        "\x00",
        "寒武纪 AND (市值 OR",
        "-H20",
        "+算力",
        '"H20停产',
        "{}",
        "<script>alert(1)</script>",
    ],
)
def test_no_query_string_raises_an_internal_error(filled: Workspace, query: str) -> None:
    try:
        search_articles(SearchQuery(query), filled)
    except BadQueryError as exc:
        assert "no searchable words" in str(exc)


def test_punctuation_only_query_is_rejected_with_a_clear_message(filled: Workspace) -> None:
    with pytest.raises(BadQueryError, match=r"Query '!!!' has no searchable words"):
        search_articles(SearchQuery("!!!"), filled)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"limit": 0}, "Limit must be between 1 and 100, got '0'"),
        ({"limit": 1000}, "got '1000'"),
        ({"sort": "price"}, "Sort must be one of relevance, date, got 'price'"),
        ({"lang": "fr"}, "Language must be one of zh, en, got 'fr'"),
        ({"offset": -1}, "Offset must be 0 or more"),
        (
            {"since": datetime(2025, 9, 1, tzinfo=UTC), "until": datetime(2025, 8, 1, tzinfo=UTC)},
            "Date range is empty",
        ),
        ({"text": "算" * 501}, "limit is 500"),
    ],
)
def test_bad_filters_are_rejected(filled: Workspace, change: dict[str, object], message: str) -> None:
    with pytest.raises(BadQueryError, match=message):
        search_articles(replace(SearchQuery("H20"), **change), filled)  # type: ignore[arg-type]


def test_articles_with_every_word_come_before_those_with_some(filled: Workspace) -> None:
    result = search_articles(SearchQuery("寒武纪 停产"), filled)
    assert result.exact_total == 0 or result.hits[0].is_exact
    exact = search_articles(SearchQuery("寒武纪 市值"), filled)
    assert exact.exact_total == 1 and exact.hits[0].title == "寒武纪市值突破5000亿元"
    assert exact.hits[0].is_exact and not any(h.is_exact for h in exact.hits[1:])
    assert exact.total == len(exact.hits) == 2  # the other article names 寒武纪 but not 市值
    page2 = search_articles(SearchQuery("寒武纪 市值", limit=1, offset=1), filled)
    assert [h.title for h in page2.hits] == ["英伟达H20停产"] and not page2.hits[0].is_exact


def test_a_question_finds_articles_with_some_of_its_words(filled: Workspace) -> None:
    hits = search_articles(SearchQuery("摩尔线程发布了哪款显卡"), filled).hits
    assert hits and hits[0].title == "摩尔线程登陆科创板" and not hits[0].is_exact
