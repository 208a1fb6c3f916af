"""Entity mentions: alias matching, shared names, weak names and pattern-found companies."""

from __future__ import annotations

import pytest

from suanli.knowledge import KnowledgeBase, find_article_mentions, find_mentions, load_kb
from suanli.knowledge.aliases import AliasMatcher, spelling_variants
from suanli.knowledge.discover import discover_companies, short_company_name
from suanli.models import Article, Block


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def ids(text: str, kb: KnowledgeBase, *, discover: bool = False) -> list[tuple[str, str | None]]:
    return [(m.text, m.entity_id) for m in find_mentions(text, kb, discover=discover)]


def test_latin_chinese_mix_is_a_company_and_a_chip(kb: KnowledgeBase) -> None:
    assert ids("英伟达H20停产", kb) == [("英伟达", "nvidia"), ("H20", "nvidia-h20")]


def test_latin_alias_does_not_match_inside_a_longer_code(kb: KnowledgeBase) -> None:
    assert ids("H200与H20E、xH20和H20", kb) == [("H200", "nvidia-h200"), ("H20", "nvidia-h20")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昆仑芯P800量产", ("昆仑芯P800", "kunlunxin-p800")),
        ("万得GPU指数大涨", ("万得GPU指数", "wind-gpu-index")),
        ("MTT-S80显卡", ("MTT-S80", "mtt-s80")),
        ("昇腾 910C芯片", ("昇腾 910C", "ascend-910c")),
        ("deepseek-v3.1发布", ("deepseek-v3.1", "deepseek-v3-1")),
        ("寒武纪（688256.SH）", ("寒武纪", "cambricon")),
    ],
)
def test_longest_alias_and_spelling_variants_win(
    kb: KnowledgeBase, text: str, expected: tuple[str, str]
) -> None:
    assert ids(text, kb)[0] == expected


def test_stock_codes_are_mentions_of_their_company(kb: KnowledgeBase) -> None:
    assert ("688256.SH", "cambricon") in ids("寒武纪（688256.SH）", kb)


def test_full_width_text_keeps_original_offsets(kb: KnowledgeBase) -> None:
    text = "英伟达Ｈ２０停产"
    [company, chip] = find_mentions(text, kb)
    assert chip.entity_id == "nvidia-h20"
    assert text[chip.start : chip.end] == chip.text == "Ｈ２０"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("美国商务部宣布新规后，商务部又补充了说明。", "us-commerce"),
        ("商务部新闻发言人表示，中方将采取必要措施。", "mofcom"),
        ("美国政府表示，商务部将收紧对华出口管制。", "us-commerce"),
    ],
)
def test_shared_alias_is_resolved_by_context(kb: KnowledgeBase, text: str, expected: str) -> None:
    found = [m for m in find_mentions(text, kb) if m.text == "商务部"]
    assert found and all(m.entity_id == expected for m in found)


def test_shared_alias_without_context_stays_unresolved_with_candidates(kb: KnowledgeBase) -> None:
    [mention] = [m for m in find_mentions("10月9日，商务部发布公告。", kb) if m.text == "商务部"]
    assert mention.entity_id is None and not mention.is_resolved
    assert mention.candidates == ("mofcom", "us-commerce")
    assert mention.entity_type == "regulator"


def test_shared_alias_is_resolved_by_an_unambiguous_mention_elsewhere_in_the_article(
    kb: KnowledgeBase,
) -> None:
    article = Article(
        "a",
        "t",
        (Block(0, "body", "浪潮信息发布AI服务器新品。", 1), Block(1, "body", "浪潮表示订单饱满。", 2)),
        "zh",
        "h",
    )
    second = [m for m in find_article_mentions(article, kb) if m.paragraph_number == 2]
    assert [(m.text, m.entity_id) for m in second][0] == ("浪潮", "inspur-info")


def test_weak_alias_counts_only_when_confirmed(kb: KnowledgeBase) -> None:
    assert ids("行业终于迎来曙光。", kb) == []
    assert ("曙光", "sugon") in ids("中科曙光发布服务器，曙光表示将扩产。", kb)
    assert ("小米", "xiaomi") in ids("小米发布新款手机。", kb)
    assert ids("小米粥很香。", kb) == []


def test_weak_alias_marked_as_company_by_the_text_is_confirmed(kb: KnowledgeBase) -> None:
    assert ("甲骨文", "oracle") in ids("甲骨文股价9日大涨36%", kb, discover=True)
    assert ids("甲骨文是商代文字。", kb, discover=True) == []


def test_excluded_phrases_name_nothing(kb: KnowledgeBase) -> None:
    assert ids("北京东路开了一家店，高通胀压力犹在。", kb) == []
    assert ids("京东与高通合作。", kb) == [("京东", "jd"), ("高通", "qualcomm")]


def test_discovered_companies_are_unresolved_pattern_mentions(kb: KnowledgeBase) -> None:
    found = find_mentions("9月13日午间，龙佰集团（002601.SZ）披露调价公告。", kb)
    [mention] = [m for m in found if m.method == "pattern"]
    assert (mention.text, mention.entity_id, mention.entity_type) == ("龙佰集团", None, "company")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "【粤桂股份：庄学武辞任副总经理】1月19日讯，粤桂股份公告，公司收到辞职报告。",
            ["粤桂股份", "粤桂股份"],
        ),
        ("12月30日讯，天康生物在互动平台表示，目标上调。", ["天康生物"]),
        ("深圳市卓翼科技股份有限公司（以下简称“卓翼科技”）收到关注函。", ["卓翼科技", "卓翼科技"]),
        ("买方为中信证券股份有限公司北京东直门证券营业部。", ["中信证券"]),
        ("行业终于迎来曙光，市场情绪回暖。", []),
    ],
)
def test_company_patterns_find_the_short_name(text: str, names: list[str]) -> None:
    assert [m.text for m in discover_companies(text)] == names


def test_short_company_name_drops_region_legal_form_and_generic_tail() -> None:
    assert short_company_name("福建华龙生物科技集团有限公司") == "华龙生物"
    assert short_company_name("深圳市卓翼科技股份有限公司") == "卓翼科技"


def test_article_mentions_carry_their_paragraph_number(kb: KnowledgeBase) -> None:
    article = Article(
        "a", "t", (Block(0, "heading", "寒武纪", None), Block(1, "body", "海光信息上涨", 1)), "zh", "h"
    )
    assert [(m.text, m.paragraph_number) for m in find_article_mentions(article, kb)] == [("海光信息", 1)]


def test_spelling_variants_cover_separators_spaces_and_case() -> None:
    assert {"MTT S80", "MTT-S80", "MTTS80"} <= spelling_variants("MTT S80")
    assert {"昇腾910C", "昇腾 910C"} <= spelling_variants("昇腾910C")
    assert {"NVIDIA", "nvidia", "Nvidia"} <= spelling_variants("NVIDIA")
    assert spelling_variants("AMD") == {"AMD"}


def test_matcher_prefers_the_longest_spelling_without_overlaps() -> None:
    matcher = AliasMatcher(["寒武纪", "寒武纪科技", "H20", "A股"])
    assert list(matcher.finditer("寒武纪科技H20 A股")) == [
        (0, 5, "寒武纪科技"),
        (5, 8, "H20"),
        (9, 11, "A股"),
    ]
    assert list(AliasMatcher([]).finditer("anything")) == []
