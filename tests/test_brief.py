"""Topic briefings: story cards, cited developments, timeline, key numbers, as-of cutoff and renderers."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from conftest import make_article
from suanli.brief import (
    BriefEvent,
    BriefFact,
    BriefItem,
    BriefOptions,
    brief_to_dict,
    build_brief,
    render_brief_html,
    render_brief_markdown,
)
from suanli.errors import ConfigError
from suanli.models import Article
from suanli.summary import check_bullet
from suanli.summary.models import Bullet, Summary


def at(day: int, month: int = 8) -> datetime:
    return datetime(2025, month, day, 10, tzinfo=UTC)


H20 = make_article(
    "英伟达暂停H20芯片生产",
    [
        "8月22日，英伟达通知部分供应商暂停H20芯片相关生产工作。",
        "英伟达此前曾计提约45亿美元的H20库存及采购承诺费用。",
        "多家服务器厂商表示，目前尚未收到正式的停产通知。",
    ],
    source="财联社",
    published_at=at(22),
    url="https://example.com/h20",
)
H20_OTHER = make_article(
    "H20停产消息发酵",
    [
        "据报道，8月22日，英伟达通知部分供应商暂停H20芯片相关生产工作。",
        "分析人士认为，此举将影响英伟达在中国市场的收入。",
    ],
    source="第一财经",
    published_at=at(23),
)
CAMBRICON = make_article(
    "寒武纪上半年营收28.81亿元",
    ["寒武纪8月26日披露半年报，上半年营业收入28.81亿元，同比增长4347.82%。", "公司归母净利润10.38亿元。"],
    source="证券时报",
    published_at=at(26),
)
CAMBRICON_OTHER = make_article(
    "寒武纪业绩大增",
    ["据公司公告，寒武纪上半年营收约29.1亿元。"],
    source="某财经号",
    published_at=at(27),
)
LATE = make_article(
    "英伟达恢复H20生产",
    ["9月5日，英伟达宣布恢复H20芯片生产，预计影响营收12.3亿美元。"],
    source="华尔街见闻",
    published_at=at(5, 9),
)
STORIES = {
    H20.article_id: "s-h20",
    H20_OTHER.article_id: "s-h20",
    CAMBRICON.article_id: "s-cam",
    CAMBRICON_OTHER.article_id: "s-cam",
    LATE.article_id: "s-late",
}
FACTS = [
    BriefFact(CAMBRICON.article_id, 1, "寒武纪", "revenue", "28.81亿元", 2.881e9, "CNY", "2025-H1"),
    BriefFact(CAMBRICON_OTHER.article_id, 1, "寒武纪", "revenue", "29.1亿元", 2.91e9, "CNY", "2025-H1"),
    BriefFact(H20.article_id, 2, "英伟达", "loss", "45亿美元", 4.5e9, "USD"),
    BriefFact(LATE.article_id, 1, "英伟达", "loss", "12.3亿美元", 1.23e9, "USD"),
]
EVENTS = [
    BriefEvent(date(2025, 8, 22), "英伟达暂停H20芯片生产", H20.article_id, 1, "production_halt"),
    BriefEvent(date(2025, 8, 26), "寒武纪披露半年报", CAMBRICON.article_id, 1, "earnings"),
    BriefEvent(date(2025, 9, 5), "英伟达恢复H20芯片生产", LATE.article_id, 1, "product_launch"),
]
ALL = (H20, H20_OTHER, CAMBRICON, CAMBRICON_OTHER, LATE)


def items(articles: tuple[Article, ...] = ALL) -> list[BriefItem]:
    return [BriefItem(a, None, STORIES[a.article_id]) for a in articles]


def options(**kw: object) -> BriefOptions:
    return BriefOptions("英伟达 寒武纪", generated_at=datetime(2025, 9, 10, tzinfo=UTC), **kw)  # type: ignore[arg-type]


ARTICLES = {a.article_id: a for a in ALL}


def test_cards_are_newest_first_with_the_earliest_report_as_lead() -> None:
    brief = build_brief(items(), options())
    assert [c.story_id for c in brief.stories] == ["s-late", "s-cam", "s-h20"]
    h20 = brief.stories[2]
    assert h20.lead.article_id == H20.article_id and h20.more_reports == 1
    assert h20.lead.source == "财联社" and h20.lead.url == "https://example.com/h20"
    assert h20.core_points and all(b.is_supported for b in h20.core_points)


def test_every_development_cites_paragraphs_that_pass_the_summary_citation_check() -> None:
    brief = build_brief(items(), options())
    assert brief.developments
    for bullet in brief.developments:
        assert re.search(r"\[[0-9a-f]{8,}§\d+\]$", bullet.rendered)
        by_article: dict[str, list[int]] = {}
        for c in bullet.citations:
            by_article.setdefault(c.article_id, []).append(c.paragraph)
        for article_id, numbers in by_article.items():
            assert check_bullet(bullet.text, numbers, ARTICLES[article_id]).is_supported


def test_a_development_also_cites_another_report_that_says_the_same() -> None:
    brief = build_brief(items(), options())
    h20 = next(b for b in brief.developments if b.citations[0].article_id == H20.article_id)
    assert h20.text == "8月22日，英伟达通知部分供应商暂停H20芯片相关生产工作。"
    assert [(c.article_id, c.paragraph) for c in h20.citations] == [
        (H20.article_id, 1),
        (H20_OTHER.article_id, 1),
    ]


def test_as_of_leaves_out_later_articles_events_and_facts_and_reproduces_the_past_brief() -> None:
    cutoff = datetime(2025, 8, 31, 23, 59, tzinfo=UTC)
    brief = build_brief(items(), options(as_of=cutoff), facts=FACTS, events=EVENTS)
    assert brief.excluded == 1 and brief.article_count == 4
    cited = {c.article_id for b in brief.developments for c in b.citations}
    cited |= {c.article_id for e in brief.timeline for c in e.bullet.citations}
    cited |= {c.article_id for row in brief.numbers for v in row.values for c in v.citations}
    assert LATE.article_id not in cited | {r.article_id for r in brief.sources}
    assert "12.3亿美元" not in render_brief_markdown(brief)
    past = build_brief(items(ALL[:4]), options(as_of=cutoff), facts=FACTS, events=EVENTS)
    assert replace(brief, excluded=0) == past


def test_an_undated_article_is_left_out_of_an_as_of_brief() -> None:
    undated = replace(H20, article_id="undated0000000000", published_at=None, fetched_at=None)
    brief = build_brief([BriefItem(undated)], options(as_of=at(30)))
    assert brief.article_count == 0 and brief.excluded == 1 and brief.stories == ()
    assert build_brief([BriefItem(undated)], options()).article_count == 1


def test_since_and_until_narrow_the_period() -> None:
    brief = build_brief(items(), options(since=at(25), until=at(31)))
    assert {c.story_id for c in brief.stories} == {"s-cam"} and brief.excluded == 3


def test_key_numbers_show_conflicting_values_side_by_side_with_sources() -> None:
    brief = build_brief(items(), options(), facts=FACTS)
    revenue = brief.numbers[0]
    assert (revenue.subject, revenue.metric, revenue.period, revenue.is_conflict) == (
        "寒武纪",
        "revenue",
        "2025-H1",
        True,
    )
    assert [(v.value_text, v.sources) for v in revenue.values] == [
        ("28.81亿元", ("证券时报",)),
        ("29.1亿元", ("某财经号",)),
    ]
    assert brief.has_conflicts
    markdown = render_brief_markdown(brief)
    assert "28.81亿元 (证券时报)" in markdown and "≠ 29.1亿元 (某财经号)" in markdown and "⚠" in markdown


def test_equal_values_from_two_reports_share_one_cell() -> None:
    same = [FACTS[0], replace(FACTS[0], article_id=CAMBRICON_OTHER.article_id, value_text="28.81亿元")]
    other = replace(
        CAMBRICON_OTHER, blocks=(replace(CAMBRICON_OTHER.blocks[0], text="寒武纪上半年营收28.81亿元。"),)
    )
    brief = build_brief([BriefItem(CAMBRICON, None, "s"), BriefItem(other, None, "s")], options(), facts=same)
    (row,) = brief.numbers
    assert not row.is_conflict and len(row.values[0].citations) == 2


def test_a_fact_not_found_in_its_paragraph_is_left_out() -> None:
    wrong = BriefFact(CAMBRICON.article_id, 2, "寒武纪", "revenue", "99.9亿元", 9.99e9, "CNY")
    assert build_brief(items(), options(), facts=[wrong]).numbers == ()


def test_timeline_lists_events_by_date_or_else_each_storys_first_report() -> None:
    brief = build_brief(items(), options(), events=EVENTS)
    assert [(e.on.isoformat(), e.bullet.text) for e in brief.timeline] == [
        ("2025-08-22", "英伟达暂停H20芯片生产"),
        ("2025-08-26", "寒武纪披露半年报"),
        ("2025-09-05", "英伟达恢复H20芯片生产"),
    ]
    derived = build_brief(items(), options())
    assert [e.on.day for e in derived.timeline] == [22, 26, 5]


def test_unsupported_summary_bullets_are_dropped_or_marked_by_policy() -> None:
    bad = Summary(
        article_id=H20.article_id,
        lang="zh",
        quick_read=Bullet("英伟达计提了99亿美元费用", (2,)),
        core_points=(Bullet("英伟达此前曾计提约45亿美元的H20库存及采购承诺费用", (2,)),),
        sections=(),
        keywords=(),
        engine="test",
        engine_version="0",
        label="test",
    )
    dropped = build_brief([BriefItem(H20, bad, "s")], options())
    assert [b.text for b in dropped.developments] == ["英伟达此前曾计提约45亿美元的H20库存及采购承诺费用"]
    marked = build_brief([BriefItem(H20, bad, "s")], options(policy="mark"))
    assert not marked.developments[0].is_supported
    assert "99亿美元" in marked.developments[0].verdict.problems[0]
    assert "未通过引用核对" in render_brief_markdown(marked)


def test_markdown_reads_on_its_own() -> None:
    text = render_brief_markdown(build_brief(items(), options(as_of=at(31)), facts=FACTS, events=EVENTS))
    for heading in ("# 简报：英伟达 寒武纪", "## 主要进展", "## 事件", "## 时间线", "## 关键数字", "## 来源"):
        assert heading in text
    assert "截至 2025-08-31" in text and "另有 1 篇报道" in text
    assert (
        f"`{H20.article_id[:8]}` [英伟达暂停H20芯片生产](https://example.com/h20) · 财联社 · 2025-08-22"
        in text
    )


def test_html_is_standalone_and_escapes_article_text() -> None:
    evil = make_article(
        "<script>alert(1)</script>标题",
        ["英伟达<b>暂停</b>H20芯片生产工作，影响45亿美元。"],
        published_at=at(22),
    )
    page = render_brief_html(build_brief([BriefItem(evil)], options()))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;标题" in page
    assert "&lt;b&gt;暂停&lt;/b&gt;" in page
    assert not re.search(r"<(link|script|img|iframe)\b", page) and "@import" not in page
    assert page.startswith("<!doctype html>") and '<html lang="zh-CN">' in page


def test_html_links_citations_to_the_sources_list() -> None:
    page = render_brief_html(build_brief(items(), options()))
    label = H20.article_id[:8]
    assert f'href="#src-{label}">[{label}§1]</a>' in page and f'id="src-{label}"' in page


def test_json_form_carries_every_section() -> None:
    data = brief_to_dict(build_brief(items(), options(as_of=at(31)), facts=FACTS, events=EVENTS))
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["as_of"] == "2025-08-31T10:00:00+00:00" and data["excluded"] == 1
    assert data["developments"][0]["citations"][0]["rendered"].startswith("[")
    assert data["numbers"][0]["is_conflict"] is True and data["stories"][0]["more_reports"] == 1


def test_english_briefing_uses_english_headings() -> None:
    en = make_article("Nvidia halts H20", ["Nvidia told suppliers on Aug. 22 to halt H20 output."], lang="en")
    text = render_brief_markdown(build_brief([BriefItem(en)], BriefOptions("H20")))
    assert text.startswith("# Briefing: H20") and "## Main developments" in text


def test_an_empty_briefing_says_so() -> None:
    brief = build_brief([], options())
    assert brief.stories == () and "没有符合条件的报道。" in render_brief_markdown(brief)
    assert "没有符合条件的报道。" in render_brief_html(brief)


def test_brief_options_reject_bad_values() -> None:
    with pytest.raises(ConfigError, match="Brief policy 'keep' is not one of: drop, mark"):
        BriefOptions("q", policy="keep")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="'max_stories' must be 1 or more, got '0'"):
        BriefOptions("q", max_stories=0)


def test_citation_labels_grow_until_they_tell_articles_apart() -> None:
    twins = [
        replace(H20, article_id="abcdef0123456789"),
        replace(CAMBRICON, article_id="abcdef0199999999"),
    ]
    brief = build_brief([BriefItem(a) for a in twins], options())
    assert sorted(r.label for r in brief.sources) == ["abcdef012", "abcdef019"]
