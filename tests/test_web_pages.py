"""The HTML pages through the framework's test client: content, states, escaping and headers."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest

from suanli.stages.segment import Segmenter
from suanli.web.security import CSP
from webcorpus import XSS_PARAGRAPH, XSS_TITLE, Site, site


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Iterator[Site]:
    with site(tmp_path_factory.mktemp("web_pages"), segmenter) as running:
        yield running


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Iterator[Site]:
    with site(tmp_path_factory.mktemp("web_pages_bare"), segmenter, hooks=False) as running:
        yield running


def _page(web: Site, url: str, status: int = 200, **kwargs: Any) -> str:
    response = web.client.get(url, **kwargs)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP
    return str(response.text)


def test_search_page_shows_cards_with_source_date_summary_and_citation_links(web: Site) -> None:
    html = _page(web, "/?q=寒武纪+市值")
    rally = web.ids["rally"]
    assert f'href="/articles/{rally}">国产GPU板块大涨，寒武纪市值突破五千亿元</a>' in html
    assert "测试财经 · 2025-08-22 18:30" in html  # shown in the configured zone, Asia/Shanghai
    assert "文章核心观点" in html and "市场表现" in html
    assert f'href="/articles/{rally}#p2">[2]</a>' in html
    assert "<mark>寒武纪</mark>" in html


def test_search_page_paginates_with_links_that_keep_the_filters(web: Site) -> None:
    html = _page(web, "/?q=算力&per_page=2&sort=date")
    assert 'rel="next" href="/?q=%E7%AE%97%E5%8A%9B&amp;sort=date&amp;page=2&amp;per_page=2"' in html
    second = _page(web, "/?q=算力&per_page=2&sort=date&page=2")
    assert 'rel="prev"' in second and 'aria-current="page">2<' in second


def test_search_page_without_a_query_invites_a_search(web: Site) -> None:
    html = _page(web, "/")
    assert "搜索AI算力新闻" in html and "<strong>6</strong>" in html
    assert 'href="/?q=%E5%AF%92%E6%AD%A6%E7%BA%AA+%E5%B8%82%E5%80%BC"' in html  # an example query


def test_search_page_with_no_match_says_what_to_do(web: Site) -> None:
    html = _page(web, "/?q=量子计算机&lang=en")
    assert "没有找到匹配的文章" in html and "试试减少关键词" in html
    assert "清除筛选" in html


def test_bad_search_parameters_render_the_error_page_with_the_message(web: Site) -> None:
    html = _page(web, "/?q=算力&since=2025-02-30", status=400)
    assert "出错了" in html
    assert "Parameter &#39;since&#39; must be a day like 2025-08-22, got &#39;2025-02-30&#39;" in html
    assert 'value="算力"' in html  # the search box keeps the query, so it can be fixed


def test_article_page_numbers_paragraphs_and_keeps_captions_and_disclaimers_apart(web: Site) -> None:
    html = _page(web, f"/articles/{web.ids['rally']}")
    for n in (1, 2, 3, 4):
        assert f'<p class="para" id="p{n}"><a class="pn" href="#p{n}"' in html
    assert '<p class="caption"><span class="tag">图注</span> 图：8月22日万得GPU指数走势（示意）</p>' in html
    assert '<aside class="disclaimer">' in html and "风险提示：本文不构成投资建议。" in html
    assert '<p class="byline">作者 | 张三 编辑 | 李四</p>' in html
    assert "作者：张三" in html
    assert 'href="https://news.example.invalid/gpu-rally" rel="noopener noreferrer nofollow"' in html


def test_article_page_shows_quick_read_keywords_related_and_the_machine_label(web: Site) -> None:
    html = _page(web, f"/articles/{web.ids['rally']}")
    assert "快速阅读" in html and f'href="/articles/{web.ids["rally"]}#p2">[2]</a>' in html
    assert "机器生成摘要 · test 1" in html
    assert 'href="/?q=%E7%AE%97%E5%8A%9B">算力</a>' in html  # keyword as a search link
    related = html.split("你可能还想读", 1)[1]
    assert f'href="/articles/{web.ids["halt"]}"' in related
    assert "发布时间：2025-08-21 20:00" in related


def test_article_page_without_summaries_hook_leaves_the_summary_out(bare: Site) -> None:
    html = _page(bare, f"/articles/{bare.ids['rally']}")
    assert "快速阅读" not in html and "机器生成摘要" not in html
    assert 'href="/?q=%E5%AF%92%E6%AD%A6%E7%BA%AA">寒武纪</a>' in html  # dictionary keywords instead


def test_unknown_article_renders_a_404_page(web: Site) -> None:
    html = _page(web, "/articles/ffffffffffff", status=404)
    assert "No article with id &#39;ffffffffffff&#39;" in html


@pytest.mark.parametrize("url", ["/?q=寒武纪标题测试", "/articles/{xss}", "/api/docs"])
def test_markup_in_titles_and_paragraphs_is_escaped_text(web: Site, url: str) -> None:
    html = _page(web, url.format(xss=web.ids["xss"]))
    assert "<script>window" not in html and "<img" not in html
    assert "onerror=" not in html.replace("onerror=&#34;", "")  # only as escaped text
    if "xss" in url:
        assert unescape(XSS_TITLE) in unescape(html) and XSS_PARAGRAPH in unescape(html)
    assert re.findall(r"<script[^>]*>", html) == [f'<script src="/static/app.js?v={_version(html)}" defer>']


def _version(html: str) -> str:
    match = re.search(r"/static/app\.js\?v=(\w+)", html)
    assert match is not None
    return match.group(1)


def test_pages_load_nothing_from_other_hosts(web: Site) -> None:
    for url in ("/", "/?q=算力", f"/articles/{web.ids['rally']}", "/entities/cambricon", "/add", "/api/docs"):
        html = _page(web, url)
        for tag in re.findall(r"<(?:script|link|img|iframe)[^>]*>", html):
            if tag.startswith('<script type="application/json"'):
                continue  # data, never run
            assert re.search(r"(?:src|href)=\"/static/", tag), tag


def test_static_assets_are_served_locally(web: Site) -> None:
    for name in ("app.css", "app.js", "chart.umd.min.js"):
        response = web.client.get(f"/static/{name}")
        assert response.status_code == 200 and len(response.content) > 500
        assert response.headers["x-content-type-options"] == "nosniff"


def test_english_switch_sets_a_cookie_that_later_pages_follow(web: Site) -> None:
    try:
        response = web.client.get("/?hl=en")
        assert "Search AI-compute news" in response.text and 'lang="en"' in response.text
        assert "hl=en" in response.headers["set-cookie"]
        later = web.client.get("/entities")  # the client sends the cookie back
        assert "Entities" in later.text and "实体" not in later.text.split("<main>", 1)[1]
        assert 'href="/entities?hl=zh">中文</a>' in later.text
    finally:
        web.client.cookies.clear()


def test_entity_page_shows_codes_facts_timeline_and_embeds_chart_data(web: Site) -> None:
    html = _page(web, "/entities/cambricon")
    assert "<code>688256.SH</code> SSE" in html
    assert "市场份额" in html and "2024" in html and "2025" in html
    assert f'href="/articles/{web.ids["rally"]}#p1">[1]</a>' in html  # event evidence
    assert 'src="/static/chart.umd.min.js?v=' in html
    data = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S)
    assert data is not None
    assert json.loads(data.group(1)) == [
        {"label": "市场份额 (%)", "labels": ["2024", "2025"], "values": [30.0, 45.0]}
    ]


def test_entity_list_groups_entities(web: Site) -> None:
    html = _page(web, "/entities")
    assert 'href="/entities/cambricon">寒武纪</a>' in html and 'href="/entities/nvidia">英伟达</a>' in html


def test_entity_pages_without_knowledge_base_say_so(bare: Site) -> None:
    assert "还没有知识库" in _page(bare, "/entities")
    assert "还没有知识库" in _page(bare, "/entities/cambricon", status=404)
    search = _page(bare, "/?q=算力")
    assert 'name="entity"' not in search and 'name="event_type"' not in search


def test_add_page_refuses_local_paths_and_starts_jobs_for_urls(web: Site) -> None:
    assert 'action="/add"' in _page(web, "/add")
    refused = web.client.post("/add", data={"urls": "/etc/passwd"}, headers={"Origin": "http://127.0.0.1"})
    assert refused.status_code == 400 and "is not an http:// or https:// URL" in unescape(refused.text)
    started = web.client.post(
        "/add",
        data={"urls": "http://127.0.0.1:9/none.html\n"},
        headers={"Origin": "http://127.0.0.1"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    job_url = started.headers["location"]
    assert job_url.startswith("/add?job=")
    deadline = time.monotonic() + 20
    while 'data-state="done"' not in (html := _page(web, job_url)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert 'class="result-failed"' in html and "http://127.0.0.1:9/none.html" in html


def test_unknown_page_and_wrong_method_render_error_pages(web: Site) -> None:
    assert "Page &#39;/nowhere&#39; does not exist" in _page(web, "/nowhere", status=404)
    response = web.client.delete("/")
    assert response.status_code == 405 and "出错了" in response.text


def test_a_foreign_host_header_is_refused(web: Site) -> None:
    html = _page(web, "/", status=400, headers={"Host": "rebind.example:8000"})
    assert "Host &#39;rebind.example&#39; is not served here" in html
