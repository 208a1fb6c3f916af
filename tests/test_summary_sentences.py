"""Sentence splitting and term matching used by the summary engines."""

from __future__ import annotations

import pytest

from conftest import make_article
from suanli.summary.sentences import article_sentences, split_sentences
from suanli.summary.terms import find_terms, mentions, normalize, product_codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("英伟达涨4.98%。寒武纪涨超8%！", ["英伟达涨4.98%。", "寒武纪涨超8%！"]),
        ("他说：“H20回来了！”随后离场。", ["他说：“H20回来了！”", "随后离场。"]),
        ("他问：「国产替代是否可行？」）随后离场", ["他问：「国产替代是否可行？」）", "随后离场"]),
        ("规模达1.5亿元。同比增长9.87%。", ["规模达1.5亿元。", "同比增长9.87%。"]),
        ("The U.S. rose 9.87%. Nvidia Inc. fell.", ["The U.S. rose 9.87%.", "Nvidia Inc. fell."]),
        ('He said "it is over." Then he left.', ['He said "it is over."', "Then he left."]),
        (
            "Dr. Su spoke at 9 a.m. Monday. J. Smith agreed.",
            ["Dr. Su spoke at 9 a.m. Monday.", "J. Smith agreed."],
        ),
        ("Shares rose 3.5 percent. version 2.0 ships", ["Shares rose 3.5 percent. version 2.0 ships"]),
        ("第一行\n第二行", ["第一行", "第二行"]),
        ("没有句号的一段话", ["没有句号的一段话"]),
        ("。。！？", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_sentences_cuts_overlong_sentences_at_semicolons() -> None:
    text = "；".join(["寒武纪营收暴涨42.3倍"] * 12) + "。"
    pieces = split_sentences(text, max_chars=60)
    assert len(pieces) == 12
    assert "".join(pieces) == text


def test_article_sentences_number_sentences_by_paragraph() -> None:
    article = make_article("t", ["第一句。第二句。", "第三句。"], extra_blocks=[(1, "heading", "小标题。")])
    sentences = article_sentences(article)
    assert [(s.text, s.paragraph, s.index, s.position) for s in sentences] == [
        ("第一句。", 1, 0, 0),
        ("第二句。", 1, 1, 1),
        ("第三句。", 2, 2, 0),
    ]


def test_terms_match_case_insensitively_on_token_bounds() -> None:
    assert find_terms("Nvidia sold H20 chips, not H200", ["NVIDIA", "H20", "H100"]) == ["Nvidia", "H20"]
    assert find_terms("英伟达ＨＢＭ３供应", ["HBM3", "英伟达"]) == ["ＨＢＭ３", "英伟达"]
    assert find_terms("摩尔线程MTT  S4000已部署", ["MTT S4000"]) == ["MTT  S4000"]
    assert not mentions(normalize("the H200 ships"), "h20")
    assert mentions(normalize("昇腾910C芯片"), "昇腾910c")


def test_product_codes_are_tokens_mixing_letters_and_digits() -> None:
    assert product_codes("昇腾910C与H20、DeepSeek-V3.1和GPU对比9.87%") == ["910C", "H20", "DeepSeek-V3.1"]
