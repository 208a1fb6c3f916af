"""Project-written articles, summaries and knowledge for the web tests, ingested by the real pipeline.

``build_corpus(folder, ws)`` writes a .jsonl file and an .html page into ``folder`` and ingests them
with ``add_inputs``. ``demo_summaries`` and ``demo_knowledge`` are hooks that supply a summary per
article and two dated market-share facts of one entity (enough for a chart).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from suanli.config import Settings
from suanli.knowledge.models import Entity, Event, Evidence, Fact, Listing, Period
from suanli.models import AddReport
from suanli.pipeline import add_inputs
from suanli.stages.segment import Segmenter
from suanli.summary.models import Bullet, Section, Summary, Verdict
from suanli.web import StaticKnowledge, WebOptions, create_app
from suanli.workspace import Workspace, open_workspace

with warnings.catch_warnings():
    # Starlette 1.x warns (StarletteDeprecationWarning) at import when its test client runs on httpx
    # rather than httpx2; the test client works the same either way.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = [
    "Site",
    "TestClient",
    "article_id_by_title",
    "build_corpus",
    "demo_knowledge",
    "demo_summaries",
    "site",
]
BASE_URL = "http://127.0.0.1"

XSS_TITLE = '<script>window.xssFired=1</script>寒武纪标题测试<img src=x onerror="window.xssFired=2">'
XSS_PARAGRAPH = '<img src=x onerror="window.xssFired=3">寒武纪 算力 段落测试，这段文字必须原样显示。'

RECORDS: list[dict[str, Any]] = [
    {
        "title": "国产GPU板块大涨，寒武纪市值突破五千亿元",
        "url": "https://news.example.invalid/gpu-rally",
        "source": "测试财经",
        "published_at": "2025-08-22T18:30:00+08:00",
        "authors": ["张三"],
        "text": "作者 | 张三 编辑 | 李四\n\n"
        "8月22日，A股国产算力板块集体走强，万得GPU指数当日上涨9.87%，寒武纪与海光信息双双涨停。\n\n"
        "按收盘价计算，寒武纪总市值超过5000亿元，海光信息总市值超过4000亿元，板块合计市值首次站上万亿元。\n\n"
        "图：8月22日万得GPU指数走势（示意）\n\n"
        "分析人士认为，英伟达H20停产的传闻与国产芯片生态的进展，共同推动了本轮算力行情。\n\n"
        "寒武纪今年一季度营收同比大幅增长，主要客户包括运营商、智算中心和互联网公司。\n\n"
        "风险提示：本文不构成投资建议。",
    },
    {
        "title": "英伟达据报暂停H20相关生产，国产算力受关注",
        "url": "https://news.example.invalid/h20-halt",
        "source": "测试科技",
        "published_at": "2025-08-21T20:00:00+08:00",
        "text": "当地时间8月21日，有媒体报道称英伟达已要求部分供应商暂停与H20芯片相关的生产工作。\n\n"
        "H20是英伟达为符合出口管制要求、面向中国市场推出的加速芯片，此前销售多次受到政策影响。\n\n"
        "市场人士表示，若H20供应收紧，寒武纪、海光信息等国产算力厂商有望获得更多订单。",
    },
    {
        "title": "智算中心建设提速，算力租赁价格回落",
        "url": "https://news.example.invalid/rental",
        "source": "测试科技",
        "published_at": "2025-07-10T09:00:00+08:00",
        "text": "今年以来，多地智算中心陆续投运，算力租赁市场的供给明显增加。\n\n"
        "业内人士表示，高端训练卡的每卡时租金较年初有所回落，国产GPU集群的利用率则在提升。\n\n"
        "分析认为，算力租赁价格回落将降低大模型训练成本。",
    },
    {
        "title": "HBM supply tightens as AI accelerators ramp",
        "url": "https://news.example.invalid/hbm",
        "source": "Test Wire",
        "published_at": "2025-06-01T08:00:00+00:00",
        "text": "Memory makers said high-bandwidth memory (HBM) for AI accelerators is sold out.\n\n"
        "Analysts expect HBM prices to stay firm while export controls limit shipments to some buyers.",
    },
    {
        "title": XSS_TITLE,
        "url": "https://news.example.invalid/xss",
        "source": "测试安全",
        "published_at": "2025-08-20T10:00:00+08:00",
        "text": XSS_PARAGRAPH
        + "\n\n<script>window.xssFired=4</script>第二段同样提到算力与寒武纪，也必须作为文字显示。",
    },
]

HTML_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>海光信息发布新一代深算芯片</title>
<meta property="article:published_time" content="2025-05-12T10:00:00+08:00">
</head><body><article>
<h1>海光信息发布新一代深算芯片</h1>
<p>5月12日，海光信息发布新一代深算系列加速芯片，面向大模型训练与推理场景，这是公司今年的重要产品。</p>
<p>公司表示，新产品在显存容量和互联带宽上均有提升，并兼容主流的软件生态，便于客户迁移现有模型。</p>
<p>多家智算中心已开始测试该芯片，寒武纪等国产厂商也在加快推出同类产品，国产算力竞争趋于激烈。</p>
</article></body></html>
"""


def build_corpus(folder: Path, ws: Workspace) -> AddReport:
    """Write the fixtures into ``folder`` and ingest them through the real pipeline."""
    folder.mkdir(parents=True, exist_ok=True)
    jsonl = folder / "articles.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    page = folder / "haiguang.html"
    page.write_text(HTML_PAGE, encoding="utf-8")
    report = add_inputs([str(jsonl), str(page)], ws, now=lambda: datetime(2025, 9, 1, tzinfo=UTC))
    assert not report.failures, report.failures
    return report


def article_id_by_title(ws: Workspace, title: str) -> str:
    for article in ws.store.iter_articles():
        if article.title == title:
            return article.article_id
    raise AssertionError(f"no article titled {title!r}")


def demo_summaries(ws: Workspace, article_ids: Sequence[str]) -> Mapping[str, Summary]:
    """A summary for every article with at least three paragraphs; the quick read cites [2]."""
    out = {}
    for article in ws.store.get_articles(list(article_ids)):
        paras = article.paragraphs
        if len(paras) < 3:
            continue
        ok = Verdict(is_supported=True)
        out[article.article_id] = Summary(
            article_id=article.article_id,
            lang=article.lang,
            quick_read=Bullet(paras[1].text[:60], (2,), ok),
            core_points=(Bullet(paras[0].text[:40], (1,), ok), Bullet(paras[2].text[:40], (3,), ok)),
            sections=(Section("市场表现", (Bullet(paras[1].text[:30], (2, 3), ok),)),),
            keywords=("寒武纪", "算力"),
            engine="test",
            engine_version="1",
            label="机器生成摘要 · test 1",
        )
    return out


def demo_knowledge(ws: Workspace) -> StaticKnowledge:
    """One entity with two dated market-share facts (a chart) and one event, citing stored articles."""
    rally = article_id_by_title(ws, RECORDS[0]["title"])
    halt = article_id_by_title(ws, RECORDS[1]["title"])
    cambricon = Entity(
        entity_id="cambricon",
        type="company",
        name_zh="寒武纪",
        name_en="Cambricon",
        aliases=("寒武纪科技",),
        listings=(Listing("688256.SH", "SSE"),),
        country="CN",
    )
    facts = [
        _share(rally, 2024, 30.0, "30%"),
        _share(rally, 2025, 45.0, "45%"),
    ]
    event = Event(
        event_id="ev-rally",
        event_type="price_move",
        period=Period(date(2025, 8, 22), date(2025, 8, 22), "day"),
        subject_ids=("cambricon",),
        entity_ids=("cambricon",),
        summary="寒武纪涨停，市值突破五千亿元",
        evidence=(Evidence(rally, 1, "寒武纪与海光信息双双涨停", datetime(2025, 8, 22, 10, 30, tzinfo=UTC)),),
    )
    halt_event = Event(
        event_id="ev-halt",
        event_type="production_halt",
        period=Period(date(2025, 8, 21), date(2025, 8, 21), "day"),
        subject_ids=("nvidia",),
        entity_ids=("nvidia",),
        summary="英伟达据报暂停H20生产",
        evidence=(Evidence(halt, 1, "暂停与H20芯片相关的生产工作", None),),
    )
    nvidia = Entity(entity_id="nvidia", type="company", name_zh="英伟达", name_en="NVIDIA")
    return StaticKnowledge(entities=(cambricon, nvidia), facts=facts, events=(event, halt_event))


def _share(article_id: str, year: int, value: float, text: str) -> Fact:
    span = f"市场份额约{text}"
    return Fact(
        article_id=article_id,
        paragraph_number=2,
        subject_id="cambricon",
        subject_text="寒武纪",
        metric="market_share",
        value=value,
        unit="%",
        span=span,
        span_start=0,
        span_end=len(span),
        value_text=text,
        period=Period(date(year, 1, 1), date(year, 12, 31), "year"),
    )


@dataclass
class Site:
    """A running test app over the fixture corpus."""

    client: TestClient
    settings: Settings
    ws: Workspace
    ids: dict[str, str]  # short name -> article id: rally, halt, rental, hbm, xss, haiguang


def web_settings(folder: Path) -> Settings:
    return Settings(
        data_dir=str(folder / "data"),
        allowed_hosts=("127.0.0.1",),
        connect_timeout_s=2.0,
        total_timeout_s=5.0,
    )


def corpus_ids(ws: Workspace) -> dict[str, str]:
    names = ("rally", "halt", "rental", "hbm", "xss")
    ids = {name: article_id_by_title(ws, str(r["title"])) for name, r in zip(names, RECORDS, strict=True)}
    ids["haiguang"] = article_id_by_title(ws, "海光信息发布新一代深算芯片")
    return ids


@contextmanager
def site(
    folder: Path, segmenter: Segmenter, *, hooks: bool = True, options: WebOptions | None = None
) -> Iterator[Site]:
    """Ingest the corpus into ``folder`` and serve it through the framework's test client."""
    settings = web_settings(folder)
    with open_workspace(settings, segmenter=segmenter) as ws:
        build_corpus(folder / "inputs", ws)
        app = create_app(
            settings,
            workspace=ws,
            options=options,
            summaries=demo_summaries if hooks else None,
            knowledge=demo_knowledge(ws) if hooks else None,
        )
        with TestClient(app, base_url=BASE_URL) as client:
            yield Site(client=client, settings=settings, ws=ws, ids=corpus_ids(ws))
