"""Project-written articles for the briefing tests, ingested by the real pipeline.

Two reports of one event (a repost of the H20 halt), two reports of one half-year revenue with
different numbers (a conflict for the key-numbers table), an English article, and a later article
(5 September) that an as-of-August briefing must never show.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suanli.models import AddReport
from suanli.pipeline import add_inputs
from suanli.workspace import Workspace

H20_TEXT = (
    "8月22日，英伟达通知部分供应商暂停H20芯片相关生产工作，涉及封装与测试环节。\n\n"
    "英伟达此前曾计提约45亿美元的H20库存及采购承诺费用。\n\n"
    "市场人士认为，若H20供应收紧，寒武纪等国产算力厂商有望获得更多订单。"
)
H20 = {
    "title": "英伟达通知供应商暂停H20芯片生产",
    "source": "测试快讯",
    "url": "https://news.example.invalid/h20-a",
    # 07:30 in Beijing is still 21 August in UTC: the briefing must file it under the 22nd.
    "published_at": "2025-08-22T07:30:00+08:00",
    "text": H20_TEXT,
}
H20_REPOST = {
    "title": "H20停产消息发酵：英伟达通知供应商暂停生产",
    "source": "测试转载",
    "url": "https://news.example.invalid/h20-b",
    "published_at": "2025-08-22T15:00:00+08:00",
    "text": H20_TEXT + "\n\n（本文转载自测试快讯）",
}
CAMBRICON = {
    "title": "寒武纪上半年营收28.81亿元",
    "source": "测试证券",
    "url": "https://news.example.invalid/cam-a",
    "published_at": "2025-08-26T20:00:00+08:00",
    "text": "8月26日晚，寒武纪披露半年报，公司上半年营业收入28.81亿元，同比增长4347.82%。\n\n"
    "寒武纪上半年归母净利润10.38亿元，实现扭亏为盈。\n\n"
    "公司表示，营收增长主要来自云端智能芯片及加速卡业务。",
}
CAMBRICON_OTHER = {
    "title": "寒武纪业绩大增，营收约29.1亿元",
    "source": "测试自媒体",
    "url": "https://news.example.invalid/cam-b",
    "published_at": "2025-08-27T09:00:00+08:00",
    "text": "据公司公告，寒武纪上半年营业收入29.1亿元，业绩大幅增长。\n\n"
    "分析人士认为，国产算力需求旺盛，寒武纪有望继续受益。",
}
ENGLISH = {
    "title": "Cambricon revenue jumps as Chinese AI chip demand grows",
    "source": "Test Wire",
    "url": "https://news.example.invalid/cam-en",
    "published_at": "2025-08-28T08:00:00+00:00",
    "text": "Cambricon said on Aug. 26 that first-half revenue rose sharply on demand for AI chips.\n\n"
    "Analysts expect Cambricon to keep gaining share in China's data centers.",
}
LATE = {
    "title": "英伟达宣布恢复H20芯片生产",
    "source": "测试晚报",
    "url": "https://news.example.invalid/h20-late",
    "published_at": "2025-09-05T10:00:00+08:00",
    "text": "9月5日，英伟达宣布恢复H20芯片生产，预计影响营收12.3亿美元。\n\n"
    "寒武纪股价当日下跌，市场担心国产替代节奏放缓。",
}
BEFORE_LATE: tuple[dict[str, Any], ...] = (H20, H20_REPOST, CAMBRICON, CAMBRICON_OTHER, ENGLISH)
RECORDS: tuple[dict[str, Any], ...] = (*BEFORE_LATE, LATE)
LATE_MARKERS = ("英伟达宣布恢复H20芯片生产", "12.3亿美元", "9月5日", "测试晚报", "h20-late")


def ingest(folder: Path, ws: Workspace, records: tuple[dict[str, Any], ...] = RECORDS) -> AddReport:
    """Write ``records`` as JSONL into ``folder`` and ingest them with ``add_inputs``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "brief.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    report = add_inputs([str(path)], ws, now=lambda: datetime(2025, 9, 10, tzinfo=UTC))
    assert not report.failures, report.failures
    assert len(report.added) == len(records), report
    return report


def ids_by_title(ws: Workspace) -> dict[str, str]:
    return {a.title: a.article_id for a in ws.store.iter_articles()}
