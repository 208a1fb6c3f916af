"""Events of articles, their merging across articles, and conflicting facts."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from suanli.knowledge import (
    Event,
    Evidence,
    Fact,
    KnowledgeBase,
    Period,
    detect_events,
    extract_facts,
    find_conflicts,
    load_kb,
    merge_events,
)
from suanli.models import Article, Block


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def article(article_id: str, *paragraphs: str, published: str = "2025-08-22T09:00:00+08:00") -> Article:
    blocks = tuple(Block(i, "body", p, i + 1) for i, p in enumerate(paragraphs))
    return Article(article_id, "t", blocks, "zh", article_id, published_at=datetime.fromisoformat(published))


def events_of(kb: KnowledgeBase, art: Article) -> list[Event]:
    return detect_events(art, kb, extract_facts(art, kb))


def test_production_halt_is_dated_and_keeps_local_time(kb: KnowledgeBase) -> None:
    art = article("a", "当地时间8月21日，有媒体报道称，英伟达已要求供应商暂停与H20相关的生产。")
    [event] = [e for e in events_of(kb, art) if e.event_type == "production_halt"]
    assert event.period is not None and event.period.label == "2025-08-21" and event.is_local_time
    assert set(event.subject_ids) == {"nvidia", "nvidia-h20"}
    assert event.evidence[0].article_id == "a" and event.evidence[0].paragraph_number == 1
    assert "暂停" in event.evidence[0].quote


@pytest.mark.parametrize(
    ("text", "event_type", "subject"),
    [
        ("7月15日，美国政府恢复H20对华出口许可。", "export_control", "nvidia-h20"),
        ("8月21日，深度求索正式发布DeepSeek-V3.1。", "product_launch", "deepseek-v3-1"),
        ("6月30日，沐曦集成向上交所递交招股说明书。", "listing", "metax"),
        ("7月31日，国家网信办就H20漏洞后门安全风险约谈英伟达。", "regulatory_probe", "nvidia"),
        ("6月初，华为、寒武纪中标GPU服务器采购大单。", "deal", "huawei"),
        ("壁仞科技宣布完成新一轮融资。", "financing", "biren"),
        ("8月26日，寒武纪发布2025年半年度报告。", "earnings", "cambricon"),
        ("8月22日，海光信息涨停。", "price_move", "hygon"),
    ],
)
def test_each_event_type_is_detected(kb: KnowledgeBase, text: str, event_type: str, subject: str) -> None:
    found = [e for e in events_of(kb, article("a", text)) if e.event_type == event_type]
    assert found and subject in found[0].subject_ids, events_of(kb, article("a", text))


def test_events_need_an_entity_of_the_right_kind(kb: KnowledgeBase) -> None:
    assert events_of(kb, article("a", "多家上市公司发布公告，新品上市在即。")) == []
    assert [e.event_type for e in events_of(kb, article("a", "英伟达发布公告称将调整供应链。"))] == []


def test_large_price_change_fact_is_a_price_move_and_small_one_is_not(kb: KnowledgeBase) -> None:
    art = article("a", "8月22日，寒武纪上涨20%，沪指上涨0.5%。")
    moves = [e for e in events_of(kb, art) if e.event_type == "price_move"]
    assert [e.subject_ids for e in moves] == [("cambricon",)]


def test_same_event_from_two_articles_is_one_event_with_both_evidence(kb: KnowledgeBase) -> None:
    first = article("a", "8月21日，英伟达要求供应商暂停H20芯片生产。")
    second = article(
        "b", "当地时间8月21日，英伟达通知安靠科技暂停H20相关工作。", published="2025-08-22T20:00:00+08:00"
    )
    merged = merge_events(
        [e for art in (first, second) for e in events_of(kb, art) if e.event_type == "production_halt"]
    )
    assert len(merged) == 1
    assert {ev.article_id for ev in merged[0].evidence} == {"a", "b"}
    assert "amkor" in merged[0].entity_ids


def _event(event_type: str, subjects: tuple[str, ...], day: date | None, article_id: str) -> Event:
    period = Period(day, day, "day") if day else None
    return Event("x", event_type, period, subjects, subjects, "s", (Evidence(article_id, 1, "q"),))  # type: ignore[arg-type]


def test_merge_allows_one_day_for_time_zones_but_not_more() -> None:
    a = _event("production_halt", ("nvidia-h20",), date(2025, 8, 21), "a")
    b = _event("production_halt", ("nvidia-h20",), date(2025, 8, 22), "b")
    c = _event("production_halt", ("nvidia-h20",), date(2025, 8, 25), "c")
    merged = merge_events([a, b, c])
    assert [len(e.evidence) for e in merged] == [2, 1]
    assert merged[0].event_id != "x"  # ids are recomputed from type, subjects and date


def test_merge_keeps_apart_other_types_subjects_and_undated_events_of_other_articles() -> None:
    events = [
        _event("production_halt", ("nvidia-h20",), date(2025, 8, 21), "a"),
        _event("export_control", ("nvidia-h20",), date(2025, 8, 21), "a"),
        _event("production_halt", ("amd-mi300x",), date(2025, 8, 21), "a"),
        _event("production_halt", ("nvidia-h20",), None, "b"),
    ]
    assert len(merge_events(events)) == 4
    assert len(merge_events([events[0], _event("production_halt", ("nvidia-h20",), None, "a")])) == 1


def _cap(article_id: str, value: float, qualifiers: tuple[str, ...] = (), day: int = 22) -> Fact:
    return Fact(
        article_id=article_id,
        paragraph_number=1,
        subject_id="cambricon",
        subject_text="寒武纪",
        metric="market_cap",
        value=value,
        unit="CNY",
        span="寒武纪市值",
        span_start=0,
        span_end=5,
        value_text="5000亿元",
        qualifiers=qualifiers,  # type: ignore[arg-type]
        period=Period(date(2025, 8, day), date(2025, 8, day), "day"),
    )


def test_conflict_is_flagged_with_both_sources() -> None:
    [conflict] = find_conflicts([_cap("a", 5e11), _cap("b", 4e11)])
    assert (conflict.subject_id, conflict.metric, conflict.period.label) == (
        "cambricon",
        "market_cap",
        "2025-08-22",
    )
    assert {f.article_id for f in conflict.facts} == {"a", "b"}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (_cap("a", 5e11, ("over",)), _cap("b", 5.2e11)),
        (_cap("a", 5e11, ("approx",)), _cap("b", 5.2e11)),
        (_cap("a", 5e11), _cap("b", 5.02e11)),
        (_cap("a", 5e11), _cap("a", 4e11)),
        (_cap("a", 5e11), _cap("b", 4e11, ("expected",))),
        (_cap("a", 5e11), _cap("b", 4e11, (), 21)),
    ],
)
def test_compatible_or_incomparable_facts_are_no_conflict(first: Fact, second: Fact) -> None:
    assert find_conflicts([first, second]) == []


def test_conflicts_across_real_extractions(kb: KnowledgeBase) -> None:
    a = article("a", "8月22日，寒武纪总市值超过5000亿元。")
    b = article("b", "8月22日，寒武纪总市值约为4200亿元。")
    facts = extract_facts(a, kb) + extract_facts(b, kb)
    [conflict] = find_conflicts(facts)
    assert {f.value for f in conflict.facts} == {5e11, 4.2e11}
