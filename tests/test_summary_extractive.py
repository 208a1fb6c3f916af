"""The extractive summary engine on project-written zh and en articles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from importlib import resources

import pytest

from conftest import make_article
from suanli.dictionary import parse_terms
from suanli.models import Article
from suanli.summary import check_summary, extract_keywords, render_summary, summarize, summarize_extractive
from suanli.summary.models import Summary, summary_to_dict

TERMS = parse_terms((resources.files("suanli") / "data" / "terms.txt").read_text(encoding="utf-8"))

ZH_PARAGRAPHS = [
    "8月22日，寒武纪发布2025年半年度报告，上半年实现营业收入28.81亿元，同比增长4347.82%，首次实现半年度盈利。"
    "公司表示，营收增长主要来自云端智能芯片及加速卡的大规模出货。",
    "据了解，寒武纪2025年第一季度营收暴涨42.3倍，实现上市后首次季度盈利，主要客户为运营商、智算中心和互联网大厂。",
    "与此同时，英伟达H20在中国市场的销售经历波折。4月，美国政府要求H20出口须取得许可证，英伟达因此计提约55亿美元费用。",
    "7月中旬，英伟达创始人黄仁勋表示，公司已获得美国政府保证，将恢复H20芯片在中国的销售。"
    "但多家互联网公司表示，国产芯片在过去三个月已获得大量订单。",
    "业内人士认为，H20禁令仅维持三个月，但国产芯片已抢占市场真空期，多家厂商出现爆单情况。"
    "英伟达在中国AI芯片市场的份额从2022年的95%降至2025年的约50%。",
    "在资本市场上，万得GPU指数8月以来累计上涨9.87%，寒武纪市值一度超过5000亿元，成为科创板市值最高的公司之一。",
    "此外，海光信息、摩尔线程、沐曦等公司也在加快推进产品迭代。"
    "摩尔线程MTT S4000已在多个万卡集群中部署，沐曦则计划在科创板上市。",
    "光模块方面，中际旭创和新易盛上半年净利润分别增长69.4%和355.7%，800G光模块成为出货主力，1.6T光模块预计在2026年开始放量。",
    "据IDC预测，2025年中国智能算力规模预计达1037.3 EFLOPS，2023至2028年复合增长率高达46.2%。",
    "不过，分析师也提醒，国产芯片在软件生态、先进制程产能和HBM供应方面仍面临约束，短期内难以完全替代英伟达的高端产品。",
    "“国产替代不是一句口号，而是要在真实业务中跑通。”一位云厂商负责人说，目前其新增推理集群中国产芯片占比已接近30%。",
    "总的来说，订单激增与政策不确定性叠加，正在重塑中国AI算力市场的竞争格局。",
]
EN_PARAGRAPHS = [
    "Nvidia said on Wednesday that it expects revenue of about $54 billion in its third "
    "quarter, slightly above analysts' estimates, as demand for its Blackwell chips from cloud "
    "providers remained strong.",
    "The company reported second-quarter revenue of $46.7 billion, up 56% from a year earlier. "
    "Data center revenue rose to $41.1 billion, though it came in slightly below Wall Street "
    "expectations.",
    "However, the forecast excludes any sales of the H20 chip to China. Nvidia said it sold no "
    "H20 chips to Chinese customers during the quarter, after the U.S. government required "
    "export licenses in April.",
    "Chief executive Jensen Huang said the China market could be worth $50 billion this year "
    'and is growing at about 50% a year. "China is the second-largest computing market in the '
    'world," he told analysts.',
    "Meanwhile, Chinese regulators have urged local companies to avoid the H20, citing security "
    "concerns. Several Chinese firms, including Cambricon and Huawei, are racing to fill the "
    "gap with domestic accelerators.",
    "Cambricon reported first-half revenue of 2.88 billion yuan, a 44-fold jump from a year "
    "earlier, and its shares have more than doubled since July.",
    "Nvidia also approved an additional $60 billion share buyback. Its shares fell about 3% in "
    "after-hours trading.",
    "Analysts at Morgan Stanley said supply of Blackwell systems, including the GB200 NVL72 "
    "rack, improved in the quarter, and that gross margin is expected to reach about 73.5% next "
    "quarter.",
    "The results come as Microsoft, Google, Amazon and Meta plan to spend more than $350 "
    "billion on data centers this year, much of it on Nvidia hardware.",
    "Huawei, meanwhile, plans to ship its Ascend 910C accelerators in larger volumes next year, "
    "according to people familiar with the matter.",
]
ZH = make_article("国产算力芯片订单激增，寒武纪季度营收暴涨42.3倍", ZH_PARAGRAPHS)
EN = make_article("Nvidia forecasts $54 billion in revenue as China sales stall", EN_PARAGRAPHS, lang="en")


def paragraph_text(article: Article, number: int) -> str:
    block = article.paragraph(number)
    assert block is not None
    return block.text


@pytest.mark.parametrize("article", [ZH, EN], ids=["zh", "en"])
def test_summarize_extractive_builds_the_full_structure_for_a_long_article(article: Article) -> None:
    summary = summarize_extractive(article, terms=TERMS)
    assert summary.engine == "extractive" and summary.engine_version
    assert summary.quick_read is not None
    assert 2 <= len(summary.core_points) <= 3
    assert 2 <= len(summary.sections) <= 6
    for section in summary.sections:
        assert section.heading.strip()
        assert 2 <= len(section.bullets) <= 6
    assert len({s.heading for s in summary.sections}) == len(summary.sections)
    assert 3 <= len(summary.keywords) <= 8
    assert len({k.lower() for k in summary.keywords}) == len(summary.keywords)


def test_summarize_extractive_labels_the_summary_in_the_article_language() -> None:
    assert summarize_extractive(ZH).label == "机器生成摘要 · extractive 1.0"
    assert summarize_extractive(EN).label == "Machine-written summary · extractive 1.0"


@pytest.mark.parametrize("article", [ZH, EN], ids=["zh", "en"])
def test_every_extractive_bullet_passes_the_citation_check(article: Article) -> None:
    summary = summarize_extractive(article, terms=TERMS)
    assert summary.is_checked and summary.is_fully_supported
    rechecked = check_summary(summary, article, entities=TERMS)
    assert all(b.is_supported for b in rechecked.bullets), [b.verdict for b in rechecked.bullets]


@pytest.mark.parametrize("article", [ZH, EN], ids=["zh", "en"])
def test_extractive_bullets_quote_the_paragraph_they_cite(article: Article) -> None:
    summary = summarize_extractive(article, terms=TERMS)
    bullets = summary.core_points + tuple(b for s in summary.sections for b in s.bullets)
    for bullet in bullets:
        (number,) = bullet.citations
        # Only a trimmed leading connective may change the case of the first letter.
        assert bullet.text[1:] in paragraph_text(article, number)


def test_extractive_bullets_drop_leading_connectives() -> None:
    summary = summarize_extractive(ZH, terms=TERMS)
    for bullet in summary.bullets:
        assert not bullet.text.startswith(("此外", "据了解", "与此同时", "不过", "总的来说"))
    english = summarize_extractive(EN, terms=TERMS)
    assert not any(b.text.startswith(("However", "Meanwhile")) for b in english.bullets)


def test_quick_read_stays_within_the_length_limit() -> None:
    zh = summarize_extractive(ZH, terms=TERMS).quick_read
    en = summarize_extractive(EN, terms=TERMS).quick_read
    assert zh is not None and 0 < len(zh.text) <= 120
    assert en is not None and 0 < len(en.text.split()) <= 60
    assert zh.citations and en.citations


def test_quick_read_cuts_an_overlong_sentence_at_a_clause() -> None:
    long_sentence = (
        "寒武纪在2025年上半年实现营业收入28.81亿元，同比增长4347.82%，首次实现半年度盈利，"
        "公司表示营收增长主要来自云端智能芯片及加速卡的大规模出货，客户覆盖运营商、智算中心和互联网大厂，"
        "同时公司还在积极推进新一代训练芯片的研发和量产准备工作，预计将在明年下半年推出新产品。"
    )
    summary = summarize_extractive(make_article("寒武纪半年报", [long_sentence]), terms=TERMS)
    assert summary.quick_read is not None
    assert len(summary.quick_read.text) <= 120
    assert long_sentence.startswith(summary.quick_read.text[:-1])
    assert summary.quick_read.is_supported


@pytest.mark.parametrize("article", [ZH, EN], ids=["zh", "en"])
def test_summarize_extractive_is_deterministic(article: Article) -> None:
    assert summarize_extractive(article, terms=TERMS) == summarize_extractive(article, terms=TERMS)


def test_summarize_extractive_does_not_depend_on_hash_randomisation() -> None:
    code = (
        "import json, sys\n"
        "from conftest import make_article\n"
        "from test_summary_extractive import EN, TERMS, ZH\n"
        "from suanli.summary import summarize_extractive\n"
        "from suanli.summary.models import summary_to_dict\n"
        "print(json.dumps([summary_to_dict(summarize_extractive(a, terms=TERMS)) for a in (ZH, EN)]))\n"
    )
    here = os.path.dirname(__file__)
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": here}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=here, capture_output=True, text=True, check=True
        )
        outputs.append(json.loads(done.stdout))
    expected = [summary_to_dict(summarize_extractive(a, terms=TERMS)) for a in (ZH, EN)]
    assert outputs[0] == outputs[1] == expected


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["英伟达表示将恢复H20芯片在中国的销售。"],
        ["英伟达表示将恢复H20芯片在中国的销售。寒武纪2025年第一季度营收暴涨42.3倍。"],
        [
            "英伟达表示将恢复H20芯片在中国的销售。",
            "寒武纪2025年第一季度营收暴涨42.3倍。",
            "万得GPU指数上涨9.87%。",
        ],
    ],
    ids=["one-sentence", "one-paragraph", "three-paragraphs"],
)
def test_short_articles_get_fewer_parts_and_no_invented_text(paragraphs: list[str]) -> None:
    article = make_article("短讯", paragraphs)
    summary = summarize_extractive(article, terms=TERMS)
    assert summary.quick_read is not None
    assert len(summary.sections) <= 1
    assert len(summary.core_points) <= 2
    body = "".join(paragraphs)
    for bullet in summary.bullets:
        assert bullet.text.rstrip("。") in body
        assert bullet.is_supported


@pytest.mark.parametrize(
    "paragraphs",
    [
        [],
        ["。。。！！？？"],
        ["……"],
        ["😀😀😀 🚀"],
        ["a"],
        ["算力" * 400],
        ["1 2 3 4 5 6 7 8 9 10"],
        ["&nbsp; <div>标签</div> &amp;"],
        ["第一段\n\n\n第二行", "“未闭合的引号，以及（未闭合的括号"],
        ["Nvidia Inc. U.S. Dr. e.g. No. 5 vs. 9.87% ... ?!"],
    ],
)
def test_summarize_extractive_never_crashes_on_odd_text(paragraphs: list[str]) -> None:
    for lang in ("zh", "en"):
        summary = summarize_extractive(make_article("", paragraphs, lang=lang), terms=TERMS)
        assert summary.is_checked
        render_summary(summary)
        if summary.quick_read is None:
            assert summary.core_points == () and summary.sections == ()


def test_summarize_extractive_ignores_non_body_blocks() -> None:
    article = make_article(
        "标题",
        ["英伟达表示将恢复H20芯片在中国的销售。"],
        extra_blocks=[(0, "byline", "记者 张三 责任编辑 李四")],
    )
    summary = summarize_extractive(article)
    assert all("记者" not in b.text for b in summary.bullets)


def test_extract_keywords_prefers_known_terms_as_the_article_writes_them() -> None:
    keywords = extract_keywords(EN, terms=["NVIDIA", "H20", "Cambricon"])
    assert keywords[:2] == ("Nvidia", "H20") or set(keywords[:3]) >= {"Nvidia", "H20"}
    assert "NVIDIA" not in keywords
    zh = extract_keywords(ZH, terms=TERMS)
    assert "寒武纪" in zh and "英伟达" in zh


def test_summarize_picks_the_extractive_engine_by_default() -> None:
    assert summarize(ZH, terms=TERMS) == summarize_extractive(ZH, terms=TERMS)


def test_summary_renders_with_numbered_citations() -> None:
    text = render_summary(summarize_extractive(ZH, terms=TERMS))
    assert text.startswith("机器生成摘要 · extractive 1.0")
    assert "文章核心观点" in text and "关键词：" in text
    assert "[6]" in text or "[5]" in text


def test_summarize_extractive_keeps_up_with_many_articles() -> None:
    # About 1,000 characters each; the goal is >= 100 articles/s, the floor here leaves room for slow CI.
    articles = [
        make_article(f"第{i}篇", ZH_PARAGRAPHS[i % 3 :] + [f"第{i}篇文章的补充说明。"]) for i in range(40)
    ]
    start = time.perf_counter()
    summaries = [summarize_extractive(a, terms=TERMS) for a in articles]
    elapsed = time.perf_counter() - start
    assert all(isinstance(s, Summary) for s in summaries)
    assert elapsed < 4.0


def test_summarize_extractive_handles_a_very_long_article_quickly() -> None:
    paragraphs = [f"{p}（第{i}段）" for i in range(25) for p in ZH_PARAGRAPHS]
    start = time.perf_counter()
    summary = summarize_extractive(make_article("长文", paragraphs), terms=TERMS)
    assert time.perf_counter() - start < 10.0
    assert 2 <= len(summary.sections) <= 6
    assert summary.is_fully_supported
    assert json.dumps(summary_to_dict(summary), ensure_ascii=False)
