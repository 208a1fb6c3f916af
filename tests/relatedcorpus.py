"""Project-written articles for the related-reads tests (你可能还想读), ingested by the real pipeline.

- ``halt`` and ``halt_repost``: one story of two reports (the repost adds a source line and a title);
- ``license``: another story that names the same entities (英伟达, H20) a month earlier, with a
  first paragraph longer than an excerpt;
- ``cambricon``: a story that shares only 寒武纪 with ``halt``;
- ``cooling``: a data-centre story that shares general words with ``halt`` but no entity;
- ``tulip``: an English article nothing else resembles;
- ``export_1`` .. ``export_10``: ten more H20 export stories on ten different days.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suanli.pipeline import add_inputs
from suanli.workspace import Workspace

HALT_PARAGRAPHS = [
    "当地时间8月21日，有媒体报道称英伟达已要求部分供应商暂停与H20芯片相关的生产工作，涉及封装和测试环节。",
    "H20是英伟达为符合美国出口管制要求、面向中国市场推出的加速芯片，此前销售多次受到政策影响。",
    "市场人士表示，若H20供应收紧，寒武纪等国产算力厂商有望获得更多订单，国产替代进程或将加快。",
]

REPOST_LINE = "（本文转载自测试科技，原标题：英伟达据报要求供应商暂停H20相关生产）"

CITIES = "北京 上海 深圳 杭州 成都 武汉 西安 南京 广州 天津".split()
BUYERS = "云服务商 互联网公司 运营商 智算服务商 科研机构 车企 银行 游戏公司 电商平台 高校".split()


def _record(title: str, paragraphs: list[str], *, source: str, published_at: str, url: str) -> dict[str, Any]:
    return {
        "title": title,
        "url": f"https://related.example.invalid/{url}",
        "source": source,
        "published_at": published_at,
        "text": "\n\n".join(paragraphs),
    }


def _export_story(n: int) -> dict[str, Any]:
    city, buyer = CITIES[n - 1], BUYERS[n - 1]
    return _record(
        f"{city}{buyer}调整H20采购计划（第{n}期观察）",
        [
            f"6月{n}日，{city}一家{buyer}的采购负责人透露，受英伟达H20芯片出口管制影响，"
            f"原定采购的{100 * n + 7}台服务器将分{n + 1}批交付。",
            "英伟达H20的供应与出口许可仍存在不确定性，下游客户正在评估替代方案。",
            f"{city}当地的{buyer}还表示，今年在算力上的预算约为{n * 3 + 1}亿元，其中一部分将转向国产加速卡。",
        ],
        source="测试观察",
        published_at=f"2025-06-{n:02d}T10:00:00+08:00",
        url=f"export-{n}",
    )


RECORDS: dict[str, dict[str, Any]] = {
    "halt": _record(
        "英伟达据报要求供应商暂停H20相关生产",
        HALT_PARAGRAPHS,
        source="测试科技",
        published_at="2025-08-22T09:00:00+08:00",
        url="halt",
    ),
    "halt_repost": _record(
        "消息称英伟达暂停H20生产，国产算力受关注",
        [REPOST_LINE, *HALT_PARAGRAPHS],
        source="测试转载",
        published_at="2025-08-22T15:00:00+08:00",
        url="halt-repost",
    ),
    "license": _record(
        "英伟达H20对华出口许可获批，恢复销售在即",
        [
            "7月15日，英伟达表示已获得美国政府对H20芯片出口中国的许可，预计很快恢复向中国客户交货。"
            "公司同时表示，已向部分中国客户提交了新的订单确认，首批芯片有望在数周内发出，"
            "但具体交付节奏仍取决于许可证的落实情况以及供应链的恢复速度，公司将根据客户需求逐步提升出货量。",
            "H20此前因出口管制被迫停售，英伟达曾为此计提数十亿美元的库存减值。",
            "分析人士认为，H20恢复销售将缓解部分客户的算力紧张，但长期仍面临政策风险。",
        ],
        source="测试财经",
        published_at="2025-07-15T20:00:00+08:00",
        url="license",
    ),
    "cambricon": _record(
        "寒武纪上半年营收同比大幅增长",
        [
            "8月26日晚，寒武纪发布半年度报告，上半年营业收入同比大幅增长，并实现扭亏为盈。",
            "公司表示，云端智能芯片及加速卡的出货量明显提升，主要客户包括互联网公司和运营商。",
        ],
        source="测试财经",
        published_at="2025-08-26T21:00:00+08:00",
        url="cambricon",
    ),
    "cooling": _record(
        "数据中心液冷改造提速，相关供应商订单增加",
        [
            "今年以来，多地数据中心加快液冷改造，机柜功率密度不断提高，相关供应商的订单明显增加。",
            "业内人士表示，液冷设备的生产和测试环节仍然紧张，部分供应商已在扩建产线。",
        ],
        source="测试科技",
        published_at="2025-08-20T10:00:00+08:00",
        url="cooling",
    ),
    "tulip": _record(
        "Tulip growers expect a late spring",
        [
            "Tulip growers near Lisse expect a late spring after a cold February, a trade association said.",
            "Bulb auctions opened quietly, with buyers waiting for warmer weather to place large orders.",
        ],
        source="Test Garden",
        published_at="2025-03-03T09:00:00+00:00",
        url="tulip",
    ),
    **{f"export_{n}": _export_story(n) for n in range(1, 11)},
}


def build_corpus(folder: Path, ws: Workspace) -> dict[str, str]:
    """Ingest :data:`RECORDS` through ``add_inputs``; return record key -> article id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "related.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS.values()), encoding="utf-8"
    )
    report = add_inputs([str(path)], ws, now=lambda: datetime(2025, 9, 1, tzinfo=UTC))
    assert not report.failures, report.failures
    by_url = {a.url: a.article_id for a in ws.store.iter_articles()}
    return {key: by_url[record["url"]] for key, record in RECORDS.items()}
