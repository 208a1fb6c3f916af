"""Typed numeric facts: metrics, units, scales, qualifiers, dates, subjects, spans and traps."""

from __future__ import annotations

from datetime import datetime

import pytest

from suanli.knowledge import Fact, KnowledgeBase, extract_facts, load_kb
from suanli.knowledge.quantities import find_amounts
from suanli.models import Article, Block

PUBLISHED = "2025-08-24T10:00:00+08:00"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def facts_of(kb: KnowledgeBase, *paragraphs: str, published: str | None = PUBLISHED) -> list[Fact]:
    blocks = tuple(Block(i, "body", p, i + 1) for i, p in enumerate(paragraphs))
    when = datetime.fromisoformat(published) if published else None
    return extract_facts(Article("a1", "t", blocks, "zh", "h", published_at=when), kb)


def row(fact: Fact) -> tuple[object, ...]:
    if fact.is_vague:
        value: object = f"vague:{fact.scale}"
    elif fact.value is None:
        value = (fact.value_low, fact.value_high)
    else:
        value = fact.value
    label = fact.period.label if fact.period else None
    return (fact.subject_id or fact.subject_text, fact.metric, value, fact.unit, label)


def rows(kb: KnowledgeBase, *paragraphs: str, published: str | None = PUBLISHED) -> list[tuple[object, ...]]:
    return [row(f) for f in facts_of(kb, *paragraphs, published=published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8月22日，寒武纪上涨20%。", ("cambricon", "price_change", 20.0, "%", "2025-08-22")),
        ("8月22日，新易盛收盘下跌1.1%。", ("eoptolink", "price_change", -1.1, "%", "2025-08-22")),
        ("8月22日，新易盛收于406.1元/股。", ("eoptolink", "price", 406.1, "CNY/share", "2025-08-22")),
        ("8月22日收盘，沪指报3825.76点。", ("sse-composite", "index_level", 3825.76, "points", "2025-08-22")),
        ("8月22日，寒武纪市值超过5000亿元。", ("cambricon", "market_cap", 5e11, "CNY", "2025-08-22")),
        ("8月22日，全市场成交额达到2.29万亿元。", ("全市场", "turnover", 2.29e12, "CNY", "2025-08-22")),
        ("2025年上半年，寒武纪营业收入28.81亿元。", ("cambricon", "revenue", 2.881e9, "CNY", "2025-H1")),
        ("2025年上半年，寒武纪净利润10.38亿元。", ("cambricon", "profit", 1.038e9, "CNY", "2025-H1")),
        ("英特尔2024年净亏损达188亿美元。", ("intel", "profit", -1.88e10, "USD", "2024")),
        ("今年4月，英伟达预计损失135亿美元收入。", ("nvidia", "loss", 1.35e10, "USD", "2025-04")),
        ("寒武纪2025年Q1营收同比增长43倍。", ("cambricon", "growth_rate", 43.0, "倍", "2025-Q1")),
        ("2023至2028年复合增长率高达46.2%。", ("", "growth_rate", 46.2, "%", "2023/2028")),
        ("英伟达在中国的市场份额为50%。", ("nvidia", "market_share", 50.0, "%", None)),
        ("2025年全球AI算力市场规模预计达1.2万亿美元。", ("全球AI算力", "market_size", 1.2e12, "USD", "2025")),
        ("华为计划2025年生产约75万颗昇腾910C芯片。", ("huawei", "shipments", 7.5e5, "units", "2025")),
        ("H20配备96GB HBM3显存。", ("nvidia-h20", "spec", 96e9, "B", None)),
        ("H20显存带宽为4.0TB/s。", ("nvidia-h20", "spec", 4e12, "B/s", None)),
        ("H20的FP8算力为296 TFLOPS。", ("nvidia-h20", "spec", 2.96e14, "FLOPS", None)),
        ("7月15日，英伟达须将对华收入的15%上缴美国政府。", ("nvidia", "fee_rate", 15.0, "%", "2025-07-15")),
        ("2023年9月，欧盟委员会对英特尔开出3.76亿欧元罚款。", ("intel", "fine", 3.76e8, "EUR", "2023-09")),
        ("摩尔线程本轮融资后估值约为255亿元。", ("moore-threads", "valuation", 2.55e10, "CNY", None)),
        ("沐曦股份拟在科创板募资39.04亿元。", ("metax", "funding", 3.904e9, "CNY", None)),
        ("腾讯第一季度资本开支为275亿元。", ("tencent", "investment", 2.75e10, "CNY", "2025-Q1")),
        (
            "2025年中国智能算力规模预计达1037.3 EFLOPS。",
            ("中国", "compute_capacity", 1.0373e21, "FLOPS", "2025"),
        ),
        (
            "TSMC's revenue for July rose to NT$323.17 billion.",
            ("tsmc", "revenue", 3.2317e11, "TWD", "2025-07"),
        ),
    ],
)
def test_each_metric_unit_and_scale(kb: KnowledgeBase, text: str, expected: tuple[object, ...]) -> None:
    found = rows(kb, text)
    assert expected[1:] in [r[1:] for r in found], found
    got = next(r for r in found if r[1:] == expected[1:])
    assert expected[0] == "" or str(expected[0]) in str(got[0]), got


@pytest.mark.parametrize(
    ("text", "qualifiers"),
    [
        ("寒武纪市值超过5000亿元。", ("over",)),
        ("寒武纪市值近5000亿元。", ("near",)),
        ("海光信息市值接近4000亿元。", ("near",)),
        ("寒武纪市值约5000亿元。", ("approx",)),
        ("寒武纪市值5000亿元左右。", ("approx",)),
        ("复合增长率高达46.2%。", ("as_high_as",)),
        ("寒武纪市值至少5000亿元。", ("at_least",)),
        ("寒武纪市值不到5000亿元。", ("under",)),
        ("寒武纪营收预计达30亿元。", ("expected",)),
        ("英伟达或将把H20售价调涨18%。", ("possibly",)),
        ("英伟达预计营收超过500亿美元。", ("over", "expected")),
        ("Nvidia expects revenue of about $54 billion.", ("approx", "expected")),
    ],
)
def test_qualifiers_are_kept(kb: KnowledgeBase, text: str, qualifiers: tuple[str, ...]) -> None:
    [fact] = facts_of(kb, text)
    assert fact.qualifiers == qualifiers


def test_range_stays_a_range(kb: KnowledgeBase) -> None:
    [fact] = facts_of(kb, "H20的性能仅为H100的15%-30%。")
    assert (fact.subject_id, fact.value, fact.value_low, fact.value_high) == ("nvidia-h20", None, 15.0, 30.0)
    assert fact.is_range and fact.aspect == "relative_performance"
    [profit] = facts_of(kb, "浪潮信息预计2024年净利润为22亿元至24亿元。")
    assert (profit.value_low, profit.value_high, profit.unit, profit.scale) == (2.2e9, 2.4e9, "CNY", "亿")


def test_vague_amounts_stay_vague(kb: KnowledgeBase) -> None:
    [deal] = facts_of(kb, "6月初，中国农业发展银行公布了一份价值数亿元的GPU服务器采购大单。")
    assert (deal.metric, deal.is_vague, deal.value, deal.value_low, deal.scale) == (
        "deal_value",
        True,
        None,
        None,
        "亿",
    )
    assert deal.period is not None and deal.period.label == "2025-06"


def test_trap_jia_ge_ling_and_a_few_hundred_million_give_no_precise_number(kb: KnowledgeBase) -> None:
    text = "包装成“中国英伟达”可能使估值从几亿美金提升至“加个零”的水平。"
    assert all(f.value is None and f.is_vague for f in facts_of(kb, text))
    assert [a.text for a in find_amounts(text)] == ["几亿美金"]


def test_trap_counted_in_billions_is_vague_and_no_fact(kb: KnowledgeBase) -> None:
    text = "过去几年，国产芯片公司已烧掉以十亿、百亿计的资金。"
    amounts = find_amounts(text)
    assert [(a.text, a.is_vague, a.value) for a in amounts] == [("十亿", True, None), ("百亿", True, None)]
    assert facts_of(kb, text) == []


def test_trap_surge_of_42_3_times_is_a_growth_multiple_not_a_price_move(kb: KnowledgeBase) -> None:
    [fact] = facts_of(
        kb, "寒武纪2025年Q1营收暴涨42.3倍，实现上市后首次季度盈利。", published="2025-07-16T08:12:00+08:00"
    )
    assert row(fact) == ("cambricon", "growth_rate", 42.3, "倍", "2025-Q1")
    assert fact.aspect == "revenue"


def test_trap_unbalanced_bracket_does_not_break_extraction(kb: KnowledgeBase) -> None:
    text = "DeepSeek-V3.1使用了UE8M0 FP8 Scale的参数精度（针对下一代国产芯片设计。科创50指数8月22日上涨3.2%。"
    assert rows(kb, text) == [("star50", "price_change", 3.2, "%", "2025-08-22")]


def test_trap_full_width_digits_are_read_and_quoted_as_written(kb: KnowledgeBase) -> None:
    [price, change] = facts_of(kb, "海光信息８月２２日收于１８９.８元/股，上涨２０%。")
    assert row(price) == ("hygon", "price", 189.8, "CNY/share", "2025-08-22")
    assert row(change) == ("hygon", "price_change", 20.0, "%", "2025-08-22")
    assert price.value_text == "１８９.８元/股" and price.value_text in price.span


def test_stock_codes_list_markers_and_citations_are_not_numbers(kb: KnowledgeBase) -> None:
    text = "寒武纪（688256.SH）上涨20%[3][4]。（2）思考效率更高。"
    assert [r[2] for r in rows(kb, text)] == [20.0]


def test_publish_date_anchors_dates_and_local_time_is_flagged(kb: KnowledgeBase) -> None:
    [fact] = facts_of(kb, "当地时间8月21日，英伟达股价下跌1.1%。", published="2025-08-22T08:00:00+08:00")
    assert row(fact) == ("nvidia", "price_change", -1.1, "%", "2025-08-21") and fact.is_local_time
    [late] = facts_of(kb, "12月30日，浪潮信息股价上涨3%。", published="2025-01-03T09:00:00+08:00")
    assert row(late)[4] == "2024-12-30"


def test_without_a_publish_date_only_explicit_years_are_used(kb: KnowledgeBase) -> None:
    found = rows(kb, "8月22日寒武纪上涨20%，2024年营收11.74亿元。", published=None)
    assert ("cambricon", "price_change", 20.0, "%", None) in found
    assert ("cambricon", "revenue", 1.174e9, "CNY", "2024") in found


def test_market_day_date_carries_into_the_next_paragraph(kb: KnowledgeBase) -> None:
    found = rows(kb, "8月22日，国产算力板块大涨。", "个股方面，寒武纪涨停，当日上涨20%，总市值超过5000亿元。")
    assert found == [
        ("cambricon", "price_change", 20.0, "%", "2025-08-22"),
        ("cambricon", "market_cap", 5e11, "CNY", "2025-08-22"),
    ]


def test_same_period_a_year_earlier_moves_the_date_back(kb: KnowledgeBase) -> None:
    found = rows(kb, "2025年上半年，寒武纪实现归母净利润10.38亿元，上年同期亏损5.3亿元。")
    assert found[1] == ("cambricon", "profit", -5.3e8, "CNY", "2024-H1")


def test_pronoun_subject_is_the_company_named_before(kb: KnowledgeBase) -> None:
    found = rows(
        kb, "沐曦集成向上交所递交招股书。", "招股书显示，公司2024年营业收入为7.43亿元，同比增长1000%以上。"
    )
    assert [r[:2] for r in found] == [("metax", "revenue"), ("metax", "growth_rate")]


def test_comparison_object_is_not_the_subject(kb: KnowledgeBase) -> None:
    [fact] = facts_of(kb, "H20芯片相当于是H100的阉割版，显存带宽为4.0TB/s。")
    assert fact.subject_id == "nvidia-h20"


def test_enumeration_subject_is_the_group(kb: KnowledgeBase) -> None:
    [fact] = facts_of(kb, "寒武纪、海光信息、景嘉微等公司的合计市值在8月22日突破万亿大关。")
    assert (fact.subject_id, fact.subject_text, fact.value, fact.qualifiers) == (
        None,
        "寒武纪、海光信息、景嘉微等公司",
        1e12,
        ("over",),
    )


def test_metric_carries_to_the_next_clause_of_the_sentence(kb: KnowledgeBase) -> None:
    found = rows(kb, "今年6月以来，寒武纪的涨幅已经超过100%，海光信息接近40%。")
    assert found == [
        ("cambricon", "price_change", 100.0, "%", "2025-06-01/2025-08-24"),
        ("hygon", "price_change", 40.0, "%", "2025-06-01/2025-08-24"),
    ]


def test_english_facts(kb: KnowledgeBase) -> None:
    found = rows(
        kb,
        "Nvidia reported revenue of $46.7 billion for the quarter, up 56% from a year earlier.",
        "Shares fell 3% on Wednesday.",
        published="2025-08-28T06:00:00+00:00",
    )
    assert found == [
        ("nvidia", "revenue", 4.67e10, "USD", None),
        ("nvidia", "growth_rate", 56.0, "%", None),
        ("nvidia", "price_change", -3.0, "%", "2025-08-27"),
    ]


def test_numbers_without_a_metric_are_not_facts(kb: KnowledgeBase) -> None:
    assert facts_of(kb, "中国拥有超过150万CUDA开发者，成都有2300多年建城史，单节点集成72颗GPU。") == []


def test_every_span_is_exact_and_contains_its_value(kb: KnowledgeBase) -> None:
    paragraphs = [
        "8月22日，万得GPU指数上涨9.87%，其中寒武纪上涨20%，股价突破新高，市值超过5000亿元；海光信息股价上涨20%。",
        "H20在保持了高内存带宽（4.0TB/s）和容量（96GB HBM3）的同时，性能却仅为H100的15%-30%。",
        "新易盛盘中最高上涨5.53%至433.33元/股后翻绿下跌1.1%收于406.1元/股。",
        "海光信息８月２２日收于１８９.８元/股，上涨２０%。",
    ]
    found = facts_of(kb, *paragraphs)
    assert len(found) >= 12
    for fact in found:
        text = paragraphs[fact.paragraph_number - 1]
        assert text[fact.span_start : fact.span_end] == fact.span
        assert fact.value_text in fact.span
        assert fact.article_id == "a1"


def test_amount_parsing_adds_prices_counts_points_and_chinese_scales() -> None:
    got = [
        (a.text, a.value, a.unit)
        for a in find_amounts("报3994.42美元/盎司，出货2000万块，报3882.78点，突破万亿元")
    ]
    assert got == [
        ("3994.42美元/盎司", 3994.42, "USD/oz"),
        ("2000万块", 2e7, "units"),
        ("3882.78点", 3882.78, "points"),
        ("万亿元", 1e12, "CNY"),
    ]


def test_a_company_named_after_the_previous_subject_takes_the_next_fact(kb: KnowledgeBase) -> None:
    got = rows(kb, "8月22日，万得GPU指数上涨9.87%，寒武纪股价涨停，市值超过5000亿元。")
    assert ("wind-gpu-index", "price_change", 9.87, "%", "2025-08-22") in got
    assert ("cambricon", "market_cap", 5e11, "CNY", "2025-08-22") in got
