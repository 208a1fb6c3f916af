"""Search shows one card per story: the card's report, the folded reports, pages and --all-reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import make_article
from storytexts import WIRE
from suanli.models import SearchQuery
from suanli.pipeline import sync_index
from suanli.search import find_story, search_articles
from suanli.workspace import Workspace

DAY = datetime(2025, 8, 22, 9, 0, tzinfo=UTC)

OTHER = [
    "寒武纪发布2025年半年度报告，上半年实现营业收入28.81亿元，同比增长4347.82%。",
    "公司表示，云端智能芯片及加速卡业务收入增长明显，研发投入持续加大，算力需求旺盛。",
]
# Four unrelated stories, months apart, each to be reported twice.
TOPICS = [
    (
        "摩尔线程登陆科创板",
        [
            "摩尔线程今日在科创板上市，首日股价大幅上涨，公司主营国产GPU与算力集群产品。",
            "公司表示募资将用于新一代显卡研发，并扩大面向数据中心的算力集群销售团队。",
        ],
    ),
    (
        "智算中心建设提速",
        [
            "多地智算中心陆续投运，算力租赁市场的供给明显增加，高端训练卡的租金较年初回落。",
            "业内人士预计，随着更多集群上线，训练卡租赁价格在下半年仍将继续下行。",
        ],
    ),
    (
        "HBM供应趋紧",
        [
            "存储厂商表示面向AI加速器的高带宽内存已经售罄，算力芯片厂商正在争抢产能。",
            "分析师预计，在新产能投产之前，高带宽内存的合同价格将在未来几个季度保持坚挺。",
        ],
    ),
    (
        "昇腾910C量产",
        [
            "华为昇腾910C芯片进入量产阶段，多家互联网公司采购用于大模型训练的国产算力。",
            "供应链人士称，该芯片的良率在过去几个月持续提升，出货量有望在年底前翻倍。",
        ],
    ),
]


def _record(
    ws: Workspace,
    title: str,
    paragraphs: list[str],
    when: datetime,
    source: str = "test",
    *,
    story: bool = True,
) -> str:
    article = make_article(title, paragraphs, published_at=when, source=source)
    record = ws.stories().assign(article) if story else None
    assert ws.store.add_article(article, story=record)
    return article.article_id


def _wire_story(ws: Workspace) -> tuple[str, str, str]:
    """Three reports of one story; the latest repeats 'H20停产' in its title, so it ranks first."""
    first = _record(ws, "英伟达要求供应商暂停生产", WIRE, DAY, "新华社")
    second = _record(
        ws, "英伟达暂停H20生产", [*WIRE[:2], WIRE[2] + "（来源：财联社）"], DAY + timedelta(hours=5), "财联社"
    )
    third = _record(
        ws,
        "H20停产？H20停产影响几何",
        [WIRE[0], WIRE[1] + "。", WIRE[2]],
        DAY + timedelta(days=1),
        "新浪财经",
    )
    ids = ws.store.story_ids([first, second, third])
    assert ids[first] == ids[second] == ids[third] == f"s-{first}"
    return first, second, third


def test_reports_of_one_story_fold_into_one_card_showing_the_earliest_report(ws: Workspace) -> None:
    first, second, third = _wire_story(ws)
    other = _record(ws, "寒武纪半年报", OTHER, DAY)
    sync_index(ws)
    result = search_articles(SearchQuery("H20停产"), ws)
    assert result.total == 3 and result.card_total == 1
    [card] = result.hits
    assert (card.article_id, card.story_id, card.source) == (first, f"s-{first}", "新华社")
    assert [r.article_id for r in card.other_reports] == [second, third]
    assert [r.source for r in card.other_reports] == ["财联社", "新浪财经"]
    assert card.more_reports == 2
    assert "H20" in card.snippet.text
    everything = search_articles(SearchQuery("算力"), ws)
    assert [h.article_id for h in everything.hits if h.article_id == other] == [other]
    assert len(everything.hits) == 2 and everything.total == 4


def test_the_card_keeps_the_best_rank_of_its_story(ws: Workspace) -> None:
    first, _, third = _wire_story(ws)
    solo = _record(
        ws,
        "寒武纪与H20",
        ["寒武纪表示，H20停产对公司影响有限，订单主要来自国内客户，算力需求依然旺盛。"],
        DAY,
    )
    sync_index(ws)
    ranked = search_articles(SearchQuery("H20停产", all_reports=True), ws).hits
    assert ranked[0].article_id == third  # the title mentions it twice
    cards = search_articles(SearchQuery("H20停产"), ws).hits
    assert [c.article_id for c in cards][:1] == [first]
    assert solo in [c.article_id for c in cards]


def test_on_equal_dates_the_fullest_report_is_the_card(ws: Workspace) -> None:
    short = _record(ws, "英伟达暂停H20", WIRE, DAY, "甲")
    full = _record(
        ws,
        "英伟达暂停H20生产",
        [*WIRE, "更多细节：安靠表示将配合客户调整排产计划，产能转向其他产品。"],
        DAY,
        "乙",
    )
    assert ws.store.story_ids([short, full])[full] == ws.store.story_ids([short])[short]
    sync_index(ws)
    [card] = search_articles(SearchQuery("H20"), ws).hits
    assert card.article_id == full
    assert [r.article_id for r in card.other_reports] == [short]


def test_a_card_prefers_reports_holding_every_word_of_the_query(ws: Workspace) -> None:
    first = _record(ws, "英伟达暂停H20", WIRE, DAY, "甲")
    later = _record(ws, "英伟达暂停H20", [*WIRE, "摩尔线程也表示欢迎。"], DAY + timedelta(hours=2), "乙")
    assert ws.store.story_ids([later])[later] == f"s-{first}"
    sync_index(ws)
    [card] = search_articles(SearchQuery("H20 摩尔线程"), ws).hits
    assert card.article_id == later and card.is_exact
    assert [r.article_id for r in card.other_reports] == [first]


def test_folded_reports_include_those_the_filters_leave_out(ws: Workspace) -> None:
    first, second, third = _wire_story(ws)
    sync_index(ws)
    [card] = search_articles(SearchQuery("H20", source="财联社"), ws).hits
    assert card.article_id == second
    assert [r.article_id for r in card.other_reports] == [first, third]
    assert [r.rule for r in card.other_reports] == ["new", "near_duplicate"]


def test_pages_step_through_stories_without_repeating_one(ws: Workspace) -> None:
    ids: dict[str, list[str]] = {}
    for n, (title, paragraphs) in enumerate(TOPICS):
        when = DAY + timedelta(days=40 * n)
        ids[title] = [
            _record(ws, title, paragraphs, when, "甲"),
            _record(
                ws,
                title + "（转载）",
                [paragraphs[0], paragraphs[1] + "（转载）"],
                when + timedelta(hours=3),
                "乙",
            ),
        ]
    assert len(set(ws.store.story_ids([i for pair in ids.values() for i in pair]).values())) == 4
    sync_index(ws)
    pages = [
        search_articles(SearchQuery("算力", limit=3, offset=offset, sort="date"), ws) for offset in (0, 3, 6)
    ]
    shown = [h.article_id for p in pages for h in p.hits]
    assert [len(p.hits) for p in pages] == [3, 1, 0]
    assert sorted(shown) == sorted(pair[0] for pair in ids.values())  # each story once, by its first report
    assert all(p.total == 8 and p.card_total == 4 for p in pages)
    assert [h.article_id for h in pages[0].hits] == [ids[t][0] for t, _ in reversed(TOPICS)][
        :3
    ]  # newest first


def test_all_reports_shows_every_article_with_its_story_id(ws: Workspace) -> None:
    first, second, third = _wire_story(ws)
    sync_index(ws)
    result = search_articles(SearchQuery("H20", all_reports=True), ws)
    assert sorted(h.article_id for h in result.hits) == sorted([first, second, third])
    assert {h.story_id for h in result.hits} == {f"s-{first}"}
    assert all(h.other_reports == () for h in result.hits)
    assert result.total == 3
    paged = search_articles(SearchQuery("H20", all_reports=True, limit=1, offset=2), ws)
    assert [h.article_id for h in paged.hits] == [result.hits[2].article_id]


def test_articles_without_a_story_row_are_stories_of_their_own(ws: Workspace) -> None:
    a = _record(ws, "英伟达暂停H20", WIRE, DAY, story=False)
    b = _record(ws, "英伟达暂停H20生产", [*WIRE[:2], WIRE[2] + "（转）"], DAY, story=False)
    sync_index(ws)
    result = search_articles(SearchQuery("H20"), ws)
    assert sorted(h.article_id for h in result.hits) == sorted([a, b])
    assert all(h.story_id is None and h.more_reports == 0 for h in result.hits)
    assert result.card_total == 2


def test_find_story_by_story_id_article_id_or_prefix(ws: Workspace) -> None:
    first, second, third = _wire_story(ws)
    alone = _record(ws, "寒武纪半年报", OTHER, DAY, story=False)
    by_story = find_story(f"s-{first}", ws)
    assert by_story.story_id == f"s-{first}"
    assert [r.article_id for r in by_story.reports] == [first, second, third]
    assert find_story(third[:6], ws) == by_story
    single = find_story(alone, ws)
    assert single.story_id is None and [r.article_id for r in single.reports] == [alone]


def test_only_keeps_the_given_articles_and_still_folds_their_story(ws: Workspace) -> None:
    first, second, third = _wire_story(ws)
    other = _record(ws, "寒武纪半年报", OTHER, DAY)
    sync_index(ws)
    result = search_articles(SearchQuery("算力"), ws, only={second, other})
    assert result.total == 2 and not result.is_total_partial
    assert {h.article_id for h in result.hits} == {second, other}  # the story's card is a kept report
    assert search_articles(SearchQuery("算力"), ws, only=set()).hits == ()
    every = search_articles(SearchQuery("算力", all_reports=True), ws, only={first, third})
    assert sorted(h.article_id for h in every.hits) == sorted([first, third])
