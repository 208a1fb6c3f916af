"""End-to-end ingest through add_inputs: files, URLs and feeds, good and bad, in one batch."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from localserver import LocalServer, Reply, redirect
from suanli.config import Settings
from suanli.models import SearchQuery
from suanli.pipeline import add_inputs, reindex, sync_index, update_sources
from suanli.search import search_articles
from suanli.workspace import Workspace, open_workspace

NOW = datetime(2025, 8, 25, 12, 0, tzinfo=UTC)


def page(title: str, paragraphs: list[str], *, date: str = "2025年8月24日", charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>{title}</title></head><body>"
        "<nav><a href='/'>首页</a> <a href='/tech'>科技</a> <a href='/finance'>财经</a></nav>"
        f"<article><h1>{title}</h1><div class='meta'>发布时间：{date} 来源：测试财经</div>{body}</article>"
        "<footer>版权所有 © 测试财经 未经授权禁止转载</footer></body></html>"
    )


ZH_PARAS = [
    "8月22日国产算力板块迎来大幅上涨，万得GPU指数上涨9.87%，寒武纪股价涨停，市值超过5000亿元。",
    "大涨背后主要受到英伟达H20停产消息的催化。据报道，英伟达已要求供应商暂停与H20芯片相关的生产工作。",
    "除了H20停产消息之外，DeepSeek-V3.1使用了UE8M0 FP8的参数精度，被认为利好国产AI芯片。",
]
EN_PARAS = [
    "Nvidia has asked suppliers including Amkor and Samsung to halt work related to the H20 chip, "
    "according to a report published on Thursday.",
    "The H20 was designed for the Chinese market to comply with US export controls on advanced "
    "processors, and demand had been hit by regulatory uncertainty in China.",
    "Shares of Chinese GPU designers rallied on the news, with Cambricon reaching a record high.",
]


def run(ws: Workspace, inputs: list[str], **kw: object) -> object:
    return add_inputs(inputs, ws, now=lambda: NOW, **kw)  # type: ignore[arg-type]


def test_files_of_every_kind_are_added_and_searchable(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.html").write_text(
        page("H20停产，国产GPU板块突破万亿大关", ZH_PARAS), encoding="utf-8"
    )
    (tmp_path / "in" / "sub" / "b.md").write_text("# Nvidia halts H20 work\n\n" + "\n\n".join(EN_PARAS))
    record = {
        "title": "摩尔线程科创板上市",
        "source": "测试",
        "published_at": "2025-12-05 09:30",
        "text": "摩尔线程在科创板上市，首日股价大涨。\n\n公司主营国产GPU，产品包括MTT S4000。",
    }
    (tmp_path / "in" / "c.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    report = run(ws, [str(tmp_path / "in")])
    assert (len(report.added), len(report.already), len(report.failures)) == (3, 0, 0), report
    hits = search_articles(SearchQuery("H20停产"), ws).hits
    assert {h.title for h in hits} >= {"H20停产，国产GPU板块突破万亿大关"}
    assert search_articles(SearchQuery("MTT S4000"), ws).hits[0].title == "摩尔线程科创板上市"
    assert search_articles(SearchQuery("Amkor"), ws).hits[0].lang == "en"


def test_readding_the_same_inputs_reports_already_had(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "a.html"
    f.write_text(page("标题", ZH_PARAS), encoding="utf-8")
    copy = tmp_path / "copy.html"
    copy.write_text(page("标题", ZH_PARAS), encoding="utf-8")
    first = run(ws, [str(f), str(copy)])
    assert (len(first.added), len(first.already)) == (1, 1)
    second = run(ws, [str(f)])
    assert (len(second.added), len(second.already), len(second.failures)) == (0, 1, 0)
    assert ws.store.stats().articles == 1


def test_bad_inputs_fail_one_by_one_and_the_batch_goes_on(ws: Workspace, tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(page("好文章", ZH_PARAS), encoding="utf-8")
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "lines.jsonl").write_text('{"title": "x"\n{"title": "no text"}\n', encoding="utf-8")
    (tmp_path / "nomain.html").write_text("<html><body><nav><a href='/'>首页</a></nav></body></html>")
    inputs = [
        str(tmp_path / n) for n in ("empty.html", "binary.html", "notes.docx", "lines.jsonl", "nomain.html")
    ] + [
        "file:///etc/passwd",
        "ftp://example.com/a.html",
        "javascript:alert(1)",
        str(tmp_path / "missing.txt"),
        str(good),
    ]
    report = run(ws, inputs)
    assert len(report.added) == 1
    reasons = {f.input: f.reason for f in report.failures}
    assert "is empty" in reasons[str(tmp_path / "empty.html")]
    assert "binary" in reasons[str(tmp_path / "binary.html")]
    assert ".jsonl" in reasons[str(tmp_path / "notes.docx")]
    assert any("line 1" in k or "line 1" in v for k, v in reasons.items())
    assert any("line 2" in k or "line 2" in v for k, v in reasons.items())
    assert "no main text" in reasons[str(tmp_path / "nomain.html")]
    for url, scheme in (
        ("file:///etc/passwd", "file"),
        ("ftp://example.com/a.html", "ftp"),
        ("javascript:alert(1)", "javascript"),
    ):
        assert f"scheme '{scheme}'" in reasons[url]
    assert str(tmp_path / "missing.txt") in reasons
    assert ws.store.stats().articles == 1
    assert ws.index.count() == 1


def test_file_over_the_size_cap_is_refused(tmp_path: Path, segmenter: object) -> None:
    settings = Settings(data_dir=str(tmp_path / "d"), max_bytes=2000)
    big = tmp_path / "big.txt"
    big.write_text("算力" * 2000, encoding="utf-8")
    with open_workspace(settings, segmenter=segmenter) as ws:  # type: ignore[arg-type]
        report = add_inputs([str(big)], ws)
    assert "max_bytes" in report.failures[0].reason


def test_future_date_is_dropped_with_a_warning(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "future.html"
    f.write_text(page("未来的文章", ZH_PARAS, date="2099年1月1日"), encoding="utf-8")
    report = run(ws, [str(f)])
    assert len(report.added) == 1
    assert any("future" in w for w in report.warnings)
    assert ws.store.get_article(report.added[0]).published_at is None


def test_urls_pages_and_http_failures(ws: Workspace) -> None:
    zh = page("H20停产", ZH_PARAS).encode("gbk", errors="ignore").replace(b"utf-8", b"gbk")
    with LocalServer(
        {
            "/zh": Reply(body=zh, headers={"Content-Type": "text/html"}),
            "/en": Reply(
                body=page("Nvidia halts H20", EN_PARAS, date="Aug 22, 2025"),
                headers={"Content-Type": "text/html; charset=utf-8"},
            ),
            "/500": Reply(status=500, body="oops"),
            "/slow": Reply(body="late", delay_s=10),
            "/loop": redirect("/loop"),
            "/private": redirect("http://10.0.0.1/x"),
        }
    ) as server:
        urls = [server.url(p) for p in ("/zh", "/en", "/404", "/500", "/slow", "/loop", "/private")]
        fast = Workspace(
            settings=Settings(
                data_dir=ws.settings.data_dir,
                allowed_hosts=("127.0.0.1",),
                total_timeout_s=1.0,
                connect_timeout_s=1.0,
            ),
            store=ws.store,
            index=ws.index,
            segmenter=ws.segmenter,
        )
        report = run(fast, urls)
    reasons = {f.input: f.reason for f in report.failures}
    assert len(report.added) == 2, reasons
    assert "404" in reasons[urls[2]]
    assert "500" in reasons[urls[3]]
    assert "timed out" in reasons[urls[4]]
    assert "redirect" in reasons[urls[5]].lower()
    assert "10.0.0.1" in reasons[urls[6]]
    zh_article = ws.store.get_article(report.added[0])
    assert zh_article.title == "H20停产" and zh_article.paragraphs[0].text.startswith("8月22日")


def test_loopback_is_refused_unless_allowed(tmp_path: Path, segmenter: object) -> None:
    settings = Settings(data_dir=str(tmp_path / "d"))
    with (
        LocalServer({"/a": Reply(body=page("标题", ZH_PARAS))}) as server,
        open_workspace(
            settings,
            segmenter=segmenter,  # type: ignore[arg-type]
        ) as ws,
    ):
        report = add_inputs([server.url("/a")], ws)
    assert "allowed_hosts" in report.failures[0].reason


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>测试算力快讯</title><link>{base}/</link><description>d</description>
<item><title>H20停产</title><link>{base}/item1</link><guid>item-1</guid>
<pubDate>Fri, 22 Aug 2025 10:00:00 +0800</pubDate>
<content:encoded><![CDATA[{content}]]></content:encoded></item>
<item><title>Nvidia halts H20</title><link>{base}/en</link><guid>item-2</guid>
<description>Short summary only.</description></item>
{extra}
</channel></rss>"""


def test_feed_register_then_update_uses_conditional_get(ws: Workspace) -> None:
    content = "".join(f"<p>{p}</p>" for p in ZH_PARAS)
    with LocalServer() as server:
        rss = RSS.format(base=server.base_url, content=content, extra="")
        server.route(
            "/rss",
            lambda req: (
                Reply(status=304)
                if req.headers.get("if-none-match") == '"v1"'
                else Reply(body=rss, headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})
            ),
        )
        server.route(
            "/en",
            Reply(
                body=page("Nvidia halts H20", EN_PARAS, date="Aug 22, 2025"),
                headers={"Content-Type": "text/html; charset=utf-8"},
            ),
        )
        report = run(ws, [server.url("/rss")], register_feeds=True)
        assert (len(report.added), len(report.failures)) == (2, 0), report
        [src] = ws.store.feed_sources()
        assert src.name == "测试算力快讯" and src.etag == '"v1"'
        again = update_sources(ws, now=lambda: NOW)
        assert (len(again.added), len(again.failures)) == (0, 0)
        assert server.requests[-1].headers.get("if-none-match") == '"v1"'


def test_feed_items_without_links_and_malformed_feeds_fail_clearly(ws: Workspace) -> None:
    with LocalServer() as server:
        extra = "<item><title>无链接条目</title><description>只有摘要</description></item>"
        server.route(
            "/rss",
            Reply(
                body=RSS.format(base=server.base_url, content="<p>" + ZH_PARAS[0] + "</p>", extra=extra),
                headers={"Content-Type": "application/rss+xml"},
            ),
        )
        server.route("/en", Reply(body=page("Nvidia halts H20", EN_PARAS)))
        server.route(
            "/bad",
            Reply(
                body="<?xml version='1.0'?><rss><channel><item><title>broken",
                headers={"Content-Type": "application/rss+xml"},
            ),
        )
        report = run(ws, [server.url("/rss"), server.url("/bad")])
    reasons = " | ".join(f.reason for f in report.failures)
    assert len(report.added) == 2
    assert "无链接条目" in reasons and "neither a link nor content" in reasons
    assert "not valid RSS or Atom" in reasons


def test_index_catches_up_after_an_interrupted_run(ws: Workspace, tmp_path: Path) -> None:
    from conftest import make_article

    article = make_article("寒武纪市值", ["寒武纪市值超过5000亿元。"])
    ws.store.add_article(article)  # stored, as if the process died before the index commit
    assert ws.index.count() == 0
    assert sync_index(ws) == 1
    assert ws.index.all_ids() == {article.article_id}
    assert ws.store.stats().pending_index == 0
    assert reindex(ws) == 1 and ws.index.count() == 1
