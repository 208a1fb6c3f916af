from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from suanli.errors import ExtractError
from suanli.models import Article, InputKind, RawPage
from suanli.stages.extract import extract_article
from suanli.text.lang import detect_lang

PAGES = Path(__file__).parent / "data" / "pages"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 8, 25, 12, 0, tzinfo=TZ)
KINDS: dict[str, InputKind] = {".html": "html", ".md": "markdown", ".txt": "text"}
ARTICLE_PAGES = [
    "zh_gbk_meta_36kr.html",
    "zh_gbk_nometa_sina.html",
    "zh_big5_tw.html",
    "zh_utf8_declared_gbk.html",
    "zh_malformed.html",
    "zh_table_layout.html",
    "zh_future_date.html",
    "en_compute_weekly.html",
    "zh_note.md",
    "zh_flash.txt",
    "en_memo.txt",
]
# Text of navigation menus, footers and related-links boxes in the fixture pages.
CHROME = [
    "首页",
    "关于我们",
    "关于36氪",
    "相关阅读",
    "智算中心租赁价格触底回升",
    "新浪简介",
    "Related stories",
    "CoreWeave raises",
    "Privacy",
    "Sign up",
    "All rights reserved",
    "登录",
    "經濟日報 版權所有",
]


def _page(name: str, **fields) -> RawPage:
    path = PAGES / name
    kind = KINDS[path.suffix]
    if kind == "html":
        return RawPage(origin=name, kind="html", content=path.read_bytes(), **fields)
    return RawPage(origin=name, kind=kind, text=path.read_text(encoding="utf-8"), **fields)


def _extract(raw: RawPage) -> Article:
    return extract_article(raw, tz=TZ, now=NOW)


def _text(article: Article, number: int) -> str:
    block = article.paragraph(number)
    assert block is not None, f"no paragraph {number}"
    return block.text


def _kinds(article: Article) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for block in article.blocks:
        out.setdefault(block.kind, []).append(block.text)
    return out


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_extract_article_numbers_body_from_one_without_gaps(name):
    article = _extract(_page(name))
    assert [b.position for b in article.blocks] == list(range(len(article.blocks)))
    assert [p.number for p in article.paragraphs] == list(range(1, len(article.paragraphs) + 1))
    assert all(b.number is None for b in article.blocks if b.kind != "body")
    assert article.paragraph(1) == article.paragraphs[0]


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_extract_article_keeps_navigation_and_footers_out_of_the_body(name):
    body = "\n".join(p.text for p in _extract(_page(name)).paragraphs)
    assert not [chrome for chrome in CHROME if chrome in body]


def test_extract_article_reads_gbk_page_and_sorts_its_blocks():
    article = _extract(_page("zh_gbk_meta_36kr.html"))
    kinds = _kinds(article)
    assert article.title == "国产算力板块集体爆发，寒武纪市值突破五千亿元"
    assert article.lang == "zh"
    assert article.source == "36氪"
    assert kinds["byline"] == ["作者 | 范亮 丁卯 编辑 | 丁卯"]
    assert kinds["heading"] == ["推理需求接力训练", "估值分歧加大"]
    assert kinds["caption"] == ["图：寒武纪思元系列加速卡（图片来源：公司官网）", "资料来源：Wind，36氪整理"]
    assert kinds["disclaimer"] == ["免责声明：本文内容仅供参考，不构成投资建议。市场有风险，投资需谨慎。"]
    assert kinds["boilerplate"] == ["本文由36氪原创，版权所有，未经授权禁止转载。"]
    assert len(article.paragraphs) == 5
    assert "华为昇腾" in _text(article, 4)
    assert article.warnings == ()


def test_extract_article_splits_byline_off_the_first_paragraph():
    article = _extract(_page("zh_gbk_meta_36kr.html"))
    assert article.blocks[0].kind == "byline"
    assert _text(article, 1).startswith("8月22日，国产算力板块迎来大幅上涨。")
    assert article.authors == ("范亮", "丁卯")


def test_extract_article_takes_canonical_url_normalised():
    article = _extract(_page("zh_gbk_meta_36kr.html", url="https://36kr.com/p/3412345678901?f=rss"))
    assert article.url == "https://36kr.com/p/3412345678901?f=rss"
    assert article.canonical_url == "https://36kr.com/p/3412345678901?id=7"


def test_extract_article_prefers_header_time_over_date_only_metadata():
    article = _extract(_page("zh_gbk_meta_36kr.html"))
    assert article.published_at == datetime(2025, 8, 22, 10, 45, tzinfo=UTC)


def test_extract_article_reads_gbk_page_without_meta_charset():
    article = _extract(
        _page("zh_gbk_nometa_sina.html", url="https://finance.sina.com.cn/tech/2025-08-24/doc-x.shtml")
    )
    kinds = _kinds(article)
    assert article.title == "智算中心租赁价格止跌回升 H100整机月租重回七万元"
    assert article.published_at == datetime(2025, 8, 24, 2, 32, tzinfo=UTC)
    assert article.authors == ("王晓明", "李娜")
    assert kinds["byline"] == ["记者 王晓明", "责任编辑：李娜"]
    assert kinds["caption"] == ["（图/视觉中国）"]
    assert article.source == "finance.sina.com.cn"
    assert len(article.paragraphs) == 4


def test_extract_article_reads_big5_page():
    article = _extract(_page("zh_big5_tw.html"))
    assert article.title == "台積電CoWoS產能明年再擴充 AI晶片封裝供不應求"
    assert article.lang == "zh"
    assert article.authors == ("陳怡君",)
    assert article.canonical_url == "https://money.udn.com/money/story/5612/8912345"
    assert _kinds(article)["caption"] == ["（圖／本報資料照片）"]
    assert _text(article, 1).startswith("人工智慧晶片需求持續強勁")


def test_extract_article_warns_when_declared_charset_is_wrong_and_hashes_like_utf8_copy():
    page = _page("zh_utf8_declared_gbk.html")
    article = _extract(page)
    assert article.warnings == (
        "'zh_utf8_declared_gbk.html' did not decode in its declared charset; read it as 'gb18030'",
    )
    assert _text(article, 4) == "对于上述消息，字节跳动方面未予置评。"
    utf8_copy = page.content.decode("gb18030").encode("utf-8")
    same = _extract(RawPage(origin="copy.html", kind="html", content=utf8_copy))
    assert same.warnings == ()
    assert same.article_id == article.article_id


def test_extract_article_reads_english_page():
    article = _extract(
        _page("en_compute_weekly.html", url="https://www.computeweekly.example/x?utm_source=rss")
    )
    kinds = _kinds(article)
    assert article.lang == "en"
    assert article.title == "Hyperscalers lift 2025 capex guidance as GPU lead times shrink"
    assert article.source == "Compute Weekly"
    assert article.published_at == datetime(2025, 8, 24, 14, 30, tzinfo=UTC)
    assert article.authors == ("Jane Doe",)
    assert article.canonical_url == (
        "https://www.computeweekly.example/news/2025/08/hyperscalers-capex-gpu-lead-times"
    )
    assert kinds["byline"] == ["Aug 24, 2025"]
    assert kinds["heading"] == ["Power is the new constraint"]
    assert kinds["caption"] == ["Source: company filings, Compute Weekly analysis"]
    assert kinds["disclaimer"] == ["This article is not investment advice."]
    assert len(article.paragraphs) == 4


def test_extract_article_survives_malformed_html():
    article = _extract(_page("zh_malformed.html"))
    assert article.title == "液冷服务器渗透率有望翻倍"
    assert len(article.paragraphs) == 3
    assert article.paragraphs[-1].text.endswith("预计明年新建智算中心中液冷的渗透率有望翻倍。")


def test_extract_article_falls_back_to_readability_for_table_layouts():
    article = _extract(_page("zh_table_layout.html"))
    assert article.title == "东数西算工程八大枢纽节点建设提速"
    assert _kinds(article)["byline"] == ["2025-08-21 09:30 来源：中国算力网"]
    assert article.published_at == datetime(2025, 8, 21, 1, 30, tzinfo=UTC)
    assert len(article.paragraphs) == 3
    assert _text(article, 3).startswith("据介绍，下一步将重点推进")


def test_extract_article_rejects_binary_file_renamed_to_html():
    with pytest.raises(ExtractError) as info:
        _extract(_page("cover_image_png.html"))
    assert str(info.value) == "'cover_image_png.html' is not text (looks binary); check the file type"


def test_extract_article_rejects_empty_content():
    with pytest.raises(ExtractError) as info:
        _extract(RawPage(origin="https://example.com/empty", kind="html", content=b""))
    assert str(info.value) == "'https://example.com/empty' is empty; check the file or URL"


def test_extract_article_rejects_page_without_main_text():
    with pytest.raises(ExtractError) as info:
        _extract(_page("zh_no_main_text.html"))
    assert str(info.value) == (
        "'zh_no_main_text.html' has no main text; "
        "check that it is an article page and not a list or login page"
    )


def test_extract_article_rejects_garbled_page():
    with pytest.raises(ExtractError) as info:
        _extract(_page("zh_mojibake_double_utf8.html"))
    assert str(info.value).startswith("'zh_mojibake_double_utf8.html' looks garbled (mojibake")


def test_extract_article_rejects_document_of_only_boilerplate():
    raw = RawPage(
        origin="notice.txt",
        kind="text",
        text="版权所有，未经授权禁止转载。\n\n免责声明：本文不构成投资建议。",
    )
    with pytest.raises(ExtractError) as info:
        _extract(raw)
    assert str(info.value) == (
        "'notice.txt' has no body paragraphs, only navigation, bylines or boilerplate; "
        "check that it is an article page"
    )


def test_extract_article_reads_markdown():
    article = _extract(_page("zh_note.md"))
    kinds = _kinds(article)
    assert article.title == "国产GPU厂商融资进展速览"
    assert kinds["heading"] == ["上市进展", "行业观察"]
    assert kinds["byline"] == ["整理：算力研究组"]
    assert kinds["disclaimer"] == ["免责声明：本文不构成投资建议。"]
    assert _text(article, 1) == (
        "2025年以来，国产GPU赛道融资热度持续升温。以下为部分公司近期的融资与上市进展，数据来自公开报道和企业公告。"
    )
    assert _text(article, 2) == "摩尔线程已完成上市辅导，计划于年内提交科创板申请。"
    assert _text(article, 5) == "国产GPU的竞争焦点正在从单卡性能转向软件生态和集群能力。"
    assert not any("](" in b.text or "**" in b.text or "chart.png" in b.text for b in article.blocks)


def test_extract_article_reads_text_without_blank_lines():
    article = _extract(_page("zh_flash.txt"))
    assert article.title == "英伟达发布新一代推理芯片"
    assert article.source == "local"
    assert (
        _text(article, 2)
        == "新芯片采用更大容量的高带宽内存，单卡推理吞吐量较上一代提升约两倍，同时功耗基本持平。"
    )
    assert len(article.paragraphs) == 4
    assert article.blocks[-1].kind == "byline"


def test_extract_article_joins_hard_wrapped_english_lines():
    article = _extract(_page("en_memo.txt"))
    assert article.title == "GPU rental prices, week 34"
    assert article.lang == "en"
    assert _text(article, 1) == (
        "H100 on-demand prices at the ten largest GPU clouds fell another 3% this "
        "week to a median of $2.10 per GPU-hour, the fifth weekly decline in a row."
    )
    assert len(article.paragraphs) == 3


def test_extract_article_keeps_english_bylines_captions_and_disclaimers_apart():
    text = (
        "Nvidia ships Blackwell Ultra\n\nBy Jane Doe and Marcus Lee\n\n"
        "Nvidia began shipping Blackwell Ultra systems to cloud providers this week.\n\n"
        "Photo: A Blackwell Ultra rack on display.\n\n"
        "Supply remains tight through the first quarter, the company said.\n\n"
        "This article is not investment advice.\n\n© 2025 Compute Weekly"
    )
    article = _extract(RawPage(origin="nv.txt", kind="text", text=text))
    assert [(b.kind, b.number) for b in article.blocks] == [
        ("byline", None),
        ("body", 1),
        ("caption", None),
        ("body", 2),
        ("disclaimer", None),
        ("boilerplate", None),
    ]
    assert article.authors == ("Jane Doe", "Marcus Lee")


def test_extract_article_drops_repeated_blocks_and_title_line():
    paragraph = "液冷正在成为新建智算中心的标配。"
    text = f"液冷渗透率有望翻倍\n\n{paragraph}\n\n{paragraph}\n\n冷板式液冷是当前主流方案。"
    article = _extract(RawPage(origin="dup.txt", kind="text", text=text))
    assert [b.text for b in article.blocks] == [
        "液冷正在成为新建智算中心的标配。",
        "冷板式液冷是当前主流方案。",
    ]


def test_extract_article_treats_pdf_text_like_plain_text():
    text = "智算中心行业研究\n\n2025年上半年，智算中心新增规划规模\n超过去年全年。\n\n资料来源：公司公告"
    article = _extract(RawPage(origin="report.pdf", kind="pdf", text=text))
    assert article.title == "智算中心行业研究"
    assert _text(article, 1) == "2025年上半年，智算中心新增规划规模超过去年全年。"
    assert article.blocks[-1].kind == "caption"


def test_extract_article_drops_future_publish_date_with_a_warning():
    raw = _page("zh_flash.txt", published="2030-01-01 10:00")
    article = _extract(raw)
    assert article.published_at is None
    assert article.warnings == (
        "Date '2030-01-01 10:00' of 'zh_flash.txt' lies in the future; stored without a publish date",
    )


def test_extract_article_drops_future_date_found_in_page_header():
    article = _extract(_page("zh_future_date.html"))
    assert article.published_at is None
    assert article.warnings == (
        "Date '2026年9月1日 09:00' of 'zh_future_date.html' lies in the future; "
        "stored without a publish date",
    )


def test_extract_article_accepts_a_date_within_one_day_ahead():
    article = _extract(_page("zh_flash.txt", published="2025-08-26 08:00"))
    assert article.published_at == datetime(2025, 8, 26, 0, 0, tzinfo=UTC)
    assert article.warnings == ()


def test_extract_article_gives_the_same_id_to_respaced_copies():
    original = (PAGES / "zh_flash.txt").read_text(encoding="utf-8")
    respaced = "  " + original.replace("，", " , ").replace("\n", "\n\n  ") + "\n\n"
    first = _extract(RawPage(origin="a.txt", kind="text", text=original))
    second = _extract(RawPage(origin="b.txt", kind="text", text=respaced))
    assert first.article_id == second.article_id
    assert first.content_hash == second.content_hash
    assert len(first.article_id) == 16 and first.content_hash.startswith(first.article_id)


def test_extract_article_is_deterministic():
    assert _extract(_page("zh_gbk_meta_36kr.html")) == _extract(_page("zh_gbk_meta_36kr.html"))


def test_extract_article_takes_metadata_the_input_states():
    fetched = datetime(2025, 8, 24, 8, 0, tzinfo=UTC)
    raw = _page(
        "zh_gbk_meta_36kr.html",
        title="寒武纪市值破五千亿",
        authors=("范亮",),
        source="36kr",
        published="2025-08-22T18:45:00+08:00",
        fetched_at=fetched,
        is_sample=True,
    )
    article = _extract(raw)
    assert article.title == "寒武纪市值破五千亿"
    assert article.authors == ("范亮",)
    assert article.source == "36kr"
    assert article.published_at == datetime(2025, 8, 22, 10, 45, tzinfo=UTC)
    assert article.fetched_at == fetched
    assert article.is_sample


def test_extract_article_defaults_fetched_at_to_now_in_utc():
    article = _extract(_page("en_memo.txt"))
    assert article.fetched_at == datetime(2025, 8, 25, 4, 0, tzinfo=UTC)
    assert article.published_at is None
    assert article.canonical_url is None


def test_extract_article_reads_html_that_arrives_as_text_from_a_feed():
    html = (
        "<p>CoreWeave said on Tuesday it had raised $2 billion in new debt to fund data center expansion.</p>"
        "<p>The company plans to add 500 MW of capacity by 2026.</p>"
    )
    raw = RawPage(
        origin="https://news.example/feed#3",
        kind="html",
        text=html,
        url="https://news.example/coreweave-debt",
        title="CoreWeave raises $2bn in new debt",
        published="Tue, 19 Aug 2025 09:00:00 GMT",
    )
    article = _extract(raw)
    assert article.title == "CoreWeave raises $2bn in new debt"
    assert article.published_at == datetime(2025, 8, 19, 9, 0, tzinfo=UTC)
    assert article.source == "news.example"
    assert [p.number for p in article.paragraphs] == [1, 2]


def test_extract_article_rejects_whitespace_only_page():
    with pytest.raises(ExtractError) as info:
        _extract(RawPage(origin="blank.html", kind="html", content=b"  \n\t \n"))
    assert str(info.value) == "'blank.html' is empty; check the file or URL"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("智算中心租赁价格止跌回升_科技_新浪网", "智算中心租赁价格止跌回升"),
        (
            "Nvidia ships Blackwell Ultra to cloud providers | Compute Weekly",
            "Nvidia ships Blackwell Ultra to cloud providers",
        ),
        ("对话张三｜算力租赁的下半场", "对话张三｜算力租赁的下半场"),
        ("GPT-5 training run used 50,000 GPUs", "GPT-5 training run used 50,000 GPUs"),
    ],
)
def test_extract_article_strips_site_names_from_titles_only(given, expected):
    raw = RawPage(origin="t.txt", kind="text", text="液冷正在成为新建智算中心的标配。", title=given)
    assert _extract(raw).title == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("英伟达发布新一代推理芯片，单卡吞吐量提升约两倍。", "zh"),
        ("寒武纪(688256)涨停，H100整机月租重回7万元，PUE低于1.2。", "zh"),
        ("Huawei's Ascend 910C, known in China as 昇腾, is shipping in volume to cloud providers.", "en"),
        ("1234 5678 %%%", "en"),
    ],
)
def test_detect_lang_uses_share_of_cjk_ideographs(text, lang):
    assert detect_lang(text) == lang
