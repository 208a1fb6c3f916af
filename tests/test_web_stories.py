"""Stories on the web: folded reports on search cards, the story page and ``/api/stories/{id}``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from suanli.pipeline import add_inputs
from suanli.stages.segment import Segmenter
from suanli.web import create_app
from suanli.workspace import open_workspace
from webcorpus import (
    BASE_URL,
    RECORDS,
    Site,
    TestClient,
    build_corpus,
    corpus_ids,
    demo_knowledge,
    demo_summaries,
    web_settings,
)
from webserver import CHROMIUM, chromium, serving

REPOST_TITLE = "英伟达暂停H20生产？供应链人士回应"
REPOST = {
    **RECORDS[1],
    "title": REPOST_TITLE,
    "url": "https://news.example.invalid/h20-repost",
    "source": "转载网",
    "published_at": "2025-08-22T08:00:00+08:00",
    "text": str(RECORDS[1]["text"]) + "\n\n（本文转载自测试科技）",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Iterator[Site]:
    """The web corpus plus a repost of the H20 article (a two-report story); ``client`` is unset."""
    folder = tmp_path_factory.mktemp("web_stories")
    settings = web_settings(folder)
    with open_workspace(settings, segmenter=segmenter) as ws:
        build_corpus(folder / "inputs", ws)
        repost = folder / "repost.jsonl"
        repost.write_text(json.dumps(REPOST, ensure_ascii=False) + "\n", encoding="utf-8")
        report = add_inputs([str(repost)], ws, now=lambda: datetime(2025, 9, 1, tzinfo=UTC))
        assert len(report.added) == 1
        ids = {**corpus_ids(ws), "repost": report.added[0]}
        stories = ws.store.story_ids(list(ids.values()))
        assert stories[ids["repost"]] == stories[ids["halt"]] == f"s-{ids['halt']}"
        assert len(set(stories.values())) == len(ids) - 1
        yield Site(client=None, settings=settings, ws=ws, ids=ids)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def web(corpus: Site) -> Iterator[Site]:
    app = create_app(
        corpus.settings,
        workspace=corpus.ws,
        summaries=demo_summaries,
        knowledge=demo_knowledge(corpus.ws),
    )
    with TestClient(app, base_url=BASE_URL) as client:
        yield Site(client=client, settings=corpus.settings, ws=corpus.ws, ids=corpus.ids)


def _html(web: Site, url: str, status: int = 200) -> str:
    response = web.client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return str(response.text)


def test_search_page_folds_a_repost_into_the_card_of_the_first_report(web: Site) -> None:
    halt, repost = web.ids["halt"], web.ids["repost"]
    html = _html(web, "/?q=英伟达+H20")
    assert f'<h2 class="card-title"><a href="/articles/{halt}">' in html
    assert f'class="card-title"><a href="/articles/{repost}"' not in html
    assert html.count('<details class="more-reports">') == 1
    assert "<summary>另有1篇报道</summary>" in html
    assert f'转载网 · 2025-08-22 08:00 · <a href="/articles/{repost}">{REPOST_TITLE}</a>' in html
    assert f'<a class="story-link" href="/stories/s-{halt}">查看该事件的全部报道</a>' in html
    assert "3 条结果 · 2个事件" in html


def test_show_every_report_makes_each_article_a_card_and_stays_in_page_links(web: Site) -> None:
    halt, repost = web.ids["halt"], web.ids["repost"]
    html = _html(web, "/?q=英伟达+H20&all_reports=1")
    for article_id in (halt, repost):
        assert f'class="card-title"><a href="/articles/{article_id}"' in html
    assert '<details class="more-reports">' not in html
    assert 'name="all_reports" value="1" checked' in html
    q = "/?q=%E8%8B%B1%E4%BC%9F%E8%BE%BE+H20&amp;sort=date"
    paged = _html(web, "/?q=英伟达+H20&all_reports=1&per_page=1&sort=date")
    assert f'rel="next" href="{q}&amp;all_reports=1&amp;page=2&amp;per_page=1"' in paged
    assert f'href="{q}&amp;all_reports=1&amp;page=3&amp;per_page=1"' in paged  # 3 articles
    assert f'class="reports-toggle" href="{q}&amp;per_page=1"' in paged
    folded = _html(web, "/?q=英伟达+H20&per_page=1&sort=date")
    assert f'class="reports-toggle" href="{q}&amp;all_reports=1&amp;per_page=1"' in folded
    assert f'href="{q}&amp;page=2&amp;per_page=1"' in folded
    assert f'href="{q}&amp;page=3&amp;per_page=1"' not in folded  # 2 stories, 2 pages


def test_a_bad_all_reports_value_is_refused_with_the_parameter_named(web: Site) -> None:
    html = _html(web, "/?q=H20&all_reports=maybe", status=400)
    assert "Parameter &#39;all_reports&#39; must be 1 or 0, got &#39;maybe&#39;" in html


def test_story_page_lists_reports_earliest_first_with_source_date_and_rule(web: Site) -> None:
    halt, repost = web.ids["halt"], web.ids["repost"]
    html = _html(web, f"/stories/s-{halt}")
    assert '<h1 class="doc-title">英伟达据报暂停H20相关生产，国产算力受关注</h1>' in html
    assert "2篇报道" in html and "测试科技、转载网" in html
    first, second = html.index(f'href="/articles/{halt}"'), html.index(f'href="/articles/{repost}"')
    assert first < second
    assert "<td>2025-08-21 20:00</td>" in html and "<td>转载网</td>" in html
    assert "<td>首发报道</td>" in html and "<td>转载/近似重复</td>" in html
    assert 'href="https://news.example.invalid/h20-repost"' in html
    english = _html(web, f"/stories/s-{halt}?hl=en")
    assert "<td>first report</td>" in english and "<td>repost (near-duplicate)</td>" in english
    by_article = _html(web, f"/stories/{repost}?hl=zh")  # an article id opens its story
    assert by_article[by_article.index("<table") :] == html[html.index("<table") :]


def test_an_unknown_story_is_a_404_page(web: Site) -> None:
    html = _html(web, "/stories/s-0000000000000000", status=404)
    assert "No story with id &#39;s-0000000000000000&#39;" in html


def test_api_search_returns_story_ids_and_other_reports(web: Site) -> None:
    halt, repost = web.ids["halt"], web.ids["repost"]
    body = web.client.get("/api/search", params={"q": "英伟达 H20"}).json()
    assert body["ok"] and body["total"] == 3 and body["card_total"] == 2 and body["all_reports"] is False
    card = next(h for h in body["hits"] if h["article_id"] == halt)
    assert card["story_id"] == f"s-{halt}" and card["story_url"] == f"/stories/s-{halt}"
    assert card["other_reports"] == [
        {
            "article_id": repost,
            "title": REPOST_TITLE,
            "source": "转载网",
            "published_at": "2025-08-22T00:00:00+00:00",
            "url": "https://news.example.invalid/h20-repost",
            "page_url": f"/articles/{repost}",
        }
    ]
    every = web.client.get("/api/search", params={"q": "英伟达 H20", "all_reports": "1"}).json()
    assert {h["article_id"] for h in every["hits"]} >= {halt, repost}
    assert all(h["other_reports"] == [] for h in every["hits"])


def test_api_story_returns_the_reports_and_404s_in_the_one_error_shape(web: Site) -> None:
    halt, repost = web.ids["halt"], web.ids["repost"]
    body = web.client.get(f"/api/stories/{repost}").json()
    assert body["ok"] is True
    story = body["story"]
    assert story["story_id"] == f"s-{halt}" and story["page_url"] == f"/stories/s-{halt}"
    assert [(r["article_id"], r["source"], r["rule"]) for r in story["reports"]] == [
        (halt, "测试科技", "new"),
        (repost, "转载网", "near_duplicate"),
    ]
    assert story["reports"][0]["published_at"] == "2025-08-21T12:00:00+00:00"
    missing = web.client.get("/api/stories/s-0000000000000000")
    assert missing.status_code == 404
    assert missing.json() == {
        "ok": False,
        "error": missing.json()["error"],
        "errors": [missing.json()["error"]],
        "status": 404,
    }
    assert missing.json()["error"].startswith("No story with id 's-0000000000000000'")


# -- in a real browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(corpus: Site) -> Iterator[str]:
    """The app under uvicorn on a free port of 127.0.0.1 (as tests/test_web_browser.py runs it)."""
    app = create_app(
        corpus.settings, workspace=corpus.ws, summaries=demo_summaries, knowledge=demo_knowledge(corpus.ws)
    )
    with serving(app, name="uvicorn-stories") as url:
        yield url


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing; install Debian's chromium")
def test_in_a_browser_more_reports_expand_and_lead_to_the_story_page(
    server: str, corpus: Site, tmp_path: Path
) -> None:
    halt, repost = corpus.ids["halt"], corpus.ids["repost"]
    errors: list[str] = []
    requests: list[str] = []
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(server + "/?q=英伟达+H20")
        details = tab.locator("details.more-reports")
        assert details.count() == 1
        folded = details.locator(f'a[href="/articles/{repost}"]')
        assert not folded.is_visible()
        details.locator("summary").click()
        assert folded.is_visible() and folded.inner_text() == REPOST_TITLE
        tab.screenshot(path=str(tmp_path / "more_reports.png"), full_page=True)
        details.locator("a.story-link").click()
        tab.wait_for_url(f"{server}/stories/s-{halt}")
        assert tab.locator("h1").inner_text() == "英伟达据报暂停H20相关生产，国产算力受关注"
        assert tab.locator("table.reports tbody tr").count() == 2
        tab.screenshot(path=str(tmp_path / "story.png"), full_page=True)
    assert errors == []  # CSP violations show up here
    assert [u for u in requests if not u.startswith(server) and not u.startswith("data:")] == []
