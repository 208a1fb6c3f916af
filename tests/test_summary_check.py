"""The citation check: numbers, dates, names, codes, quotations and qualifiers against cited paragraphs."""

from __future__ import annotations

import pytest

from conftest import make_article
from suanli.errors import ConfigError
from suanli.summary import Bullet, Section, Summary, apply_policy, check_bullet, check_summary
from suanli.summary.models import summary_from_dict, summary_to_dict

ARTICLE = make_article(
    "英伟达预计业务规模达5000亿美元",
    [
        "英伟达表示将出货2000万块Blackwell和Rubin图形处理器，预计未来六个季度业务规模达5000亿美元。",
        "8月22日，寒武纪发布半年报，2025年第一季度营收暴涨42.3倍，上半年营收28.81亿元。",
        "万得GPU指数当日上涨9.87%，成交额达到2.29万亿元，寒武纪市值超过5,000亿元。",
        "黄仁勋称“中国是全球第二大计算市场”，并表示H20的销售占比约为15%-30%。",
        "Nvidia expects revenue of about $54 billion in the third quarter.",
    ],
)
TERMS = ("英伟达", "寒武纪", "海光信息", "H20", "H100", "Blackwell", "Nvidia")


def problems(text: str, cited: tuple[int, ...]) -> tuple[str, ...]:
    return check_bullet(text, cited, ARTICLE, entities=TERMS).problems


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("英伟达预计未来六个季度业务规模达5000亿美元", (1,)),
        ("寒武纪一季度营收暴涨42.3倍", (2,)),
        ("8月22日寒武纪发布半年报", (2,)),
        ("寒武纪2025年上半年营收28.81亿元", (2,)),
        ("万得GPU指数上涨9.87%", (3,)),
        ("成交额达2.29万亿元", (3,)),
        ("寒武纪市值超过5000亿元", (3,)),
        ("黄仁勋称“中国是全球第二大计算市场”", (4,)),
        ("H20销售占比约为15%-30%", (4,)),
        ("英伟达将出货2000万块Blackwell处理器；寒武纪营收暴涨42.3倍", (1, 2)),
        ("Nvidia expects revenue of about $54 billion", (5,)),
    ],
)
def test_check_bullet_accepts_statements_backed_by_cited_paragraphs(
    text: str, cited: tuple[int, ...]
) -> None:
    verdict = check_bullet(text, cited, ARTICLE, entities=TERMS)
    assert verdict.is_supported, verdict.problems
    assert verdict.problems == ()


def test_check_bullet_rejects_a_citation_to_a_missing_paragraph() -> None:
    (problem,) = problems("寒武纪一季度营收暴涨42.3倍", (99,))
    assert "paragraph 99" in problem and "does not exist" in problem


def test_check_bullet_rejects_a_bullet_without_citations() -> None:
    assert problems("寒武纪一季度营收暴涨42.3倍", ()) == ("Bullet cites no paragraph",)


def test_check_bullet_rejects_a_number_not_in_the_cited_paragraph() -> None:
    (problem,) = problems("英伟达业务规模暴涨42.3倍", (1,))
    assert "'42.3倍'" in problem and "paragraph 1" in problem


def test_check_bullet_rejects_a_changed_number_or_unit() -> None:
    assert problems("万得GPU指数上涨9.9%", (3,))
    assert problems("英伟达业务规模预计达5000亿元", (1,))  # 美元 became 元
    assert problems("H20销售占比约为15%-35%", (4,))


def test_check_bullet_rejects_a_dropped_qualifier() -> None:
    (problem,) = problems("英伟达未来六个季度业务规模达5000亿美元", (1,))
    assert "qualifier '预计'" in problem
    assert problems("寒武纪市值5000亿元", (3,))  # 超过 dropped
    assert problems("Nvidia's revenue will be $54 billion", (5,))  # about dropped


def test_check_bullet_accepts_a_kept_qualifier_in_other_words_or_clauses() -> None:
    assert check_bullet("寒武纪市值逾5000亿元", (3,), ARTICLE).is_supported
    assert check_bullet("英伟达预计，未来六个季度业务规模达5000亿美元", (1,), ARTICLE).is_supported
    assert not check_bullet("英伟达预计出货2000万块；业务规模达5000亿美元", (1,), ARTICLE).is_supported


def test_check_bullet_rejects_a_date_not_in_the_cited_paragraph() -> None:
    (problem,) = problems("8月23日寒武纪发布半年报", (2,))
    assert "'8月23日'" in problem


def test_check_bullet_rejects_a_name_or_code_not_in_the_cited_paragraph() -> None:
    (problem,) = problems("海光信息发布半年报", (2,))
    assert "'海光信息'" in problem
    (problem,) = problems("H100的销售占比约为15%-30%", (4,))
    assert "H100" in problem


def test_check_bullet_rejects_a_quotation_not_in_the_cited_paragraph() -> None:
    (problem,) = problems("黄仁勋称「中国是全球最大计算市场」", (4,))
    assert "Quoted phrase" in problem


def test_check_bullet_ignores_citation_markers_in_the_text() -> None:
    assert check_bullet("万得GPU指数上涨9.87%[3]", (3,), ARTICLE).is_supported


def summary_of(*bullets: Bullet) -> Summary:
    return Summary(
        article_id=ARTICLE.article_id,
        lang="zh",
        quick_read=bullets[0],
        core_points=bullets[1:2],
        sections=(Section("市场", bullets[2:]),),
        keywords=("英伟达",),
        engine="test",
        engine_version="0",
        label="机器生成摘要 · test 0",
    )


def test_check_summary_gives_every_bullet_a_verdict() -> None:
    summary = summary_of(
        Bullet("万得GPU指数上涨9.87%", (3,)),
        Bullet("寒武纪一季度营收暴涨42.3倍", (2,)),
        Bullet("成交额达2.29万亿元", (3,)),
        Bullet("成交额达2.3万亿元", (3,)),
    )
    checked = check_summary(summary, ARTICLE, entities=TERMS)
    assert checked.is_checked and not summary.is_checked
    assert [b.is_supported for b in checked.bullets] == [True, True, True, False]
    assert not checked.is_fully_supported


def test_apply_policy_drops_or_marks_unsupported_bullets() -> None:
    summary = summary_of(
        Bullet("万得GPU指数上涨19.87%", (3,)),
        Bullet("寒武纪一季度营收暴涨42.3倍", (2,)),
        Bullet("成交额达2.3万亿元", (3,)),
    )
    checked = check_summary(summary, ARTICLE)
    dropped = apply_policy(checked, "drop")
    assert dropped.quick_read is None
    assert [b.text for b in dropped.core_points] == ["寒武纪一季度营收暴涨42.3倍"]
    assert dropped.sections == ()
    assert apply_policy(checked, "mark") == checked


def test_apply_policy_rejects_unknown_modes_and_unchecked_summaries() -> None:
    summary = summary_of(Bullet("万得GPU指数上涨9.87%", (3,)))
    with pytest.raises(ConfigError, match="'keep' is not one of: drop, mark"):
        apply_policy(check_summary(summary, ARTICLE), "keep")
    with pytest.raises(ValueError, match="check_summary"):
        apply_policy(summary, "drop")


def test_summary_round_trips_through_a_dict() -> None:
    checked = check_summary(
        summary_of(Bullet("万得GPU指数上涨9.87%", (3,)), Bullet("成交额达2.3万亿元", (3,))), ARTICLE
    )
    assert summary_from_dict(summary_to_dict(checked)) == checked
