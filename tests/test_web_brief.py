"""The briefing page and API: TestClient for pages, downloads and errors; Chromium for a citation click."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from briefcorpus import CAMBRICON, H20, H20_REPOST, LATE, LATE_MARKERS, ids_by_title, ingest
from suanli.stages.segment import Segmenter
from suanli.web import WebOptions, create_app, create_token
from suanli.workspace import open_workspace
from webcorpus import BASE_URL, TestClient, web_settings
from webserver import CHROMIUM, chromium, serving

CITE = re.compile(r'<a class="cite" href="/articles/([0-9a-f]+)#p(\d+)"[^>]*>\[([0-9a-f]+)§(\d+)\]</a>')


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("web_brief")
    with open_workspace(web_settings(folder), segmenter=segmenter) as ws:
        ingest(folder / "inputs", ws)
        ids = ids_by_title(ws)
    return folder, ids


@pytest.fixture(scope="module")
def client(corpus: tuple[Path, dict[str, str]], segmenter: Segmenter) -> Iterator[TestClient]:
    folder, _ = corpus
    with open_workspace(web_settings(folder), segmenter=segmenter) as ws:
        app = create_app(web_settings(folder), workspace=ws)
        with TestClient(app, base_url=BASE_URL) as test_client:
            yield test_client


@pytest.fixture(scope="module")
def ids(corpus: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return corpus[1]


def test_the_page_without_a_query_shows_the_form_and_examples(client: TestClient) -> None:
    response = client.get("/brief")
    assert response.status_code == 200
    assert 'action="/brief"' in response.text and 'name="as_of"' in response.text
    assert "/brief?q=%E5%AF%92%E6%AD%A6%E7%BA%AA" in response.text  # the 寒武纪 example
    assert '<a class="nav-brief" href="/brief">简报</a>' in response.text


def test_the_briefing_page_shows_cards_developments_timeline_and_numbers(
    client: TestClient, ids: dict[str, str]
) -> None:
    response = client.get("/brief", params={"q": "寒武纪"})
    assert response.status_code == 200
    page = response.text
    for heading in ("主要进展", "事件", "时间线", "关键数字", "来源"):
        assert f"<h2>{heading}</h2>" in page
    titles = re.findall(r'<h3 class="card-title"><a href="/articles/[0-9a-f]+">([^<]+)</a>', page)
    assert titles[0] == LATE["title"] and titles[-1] == H20["title"]  # newest first
    assert "另有 1 篇报道" in page and H20_REPOST["title"] in page
    assert '<tr class="conflict">' in page and "⚠ 各方数字不一致" in page
    assert re.search(r"28\.81亿元</mark>.*?≠</strong> <mark class=\"value\">29\.1亿元</mark>", page, re.S)
    assert f'href="/articles/{ids[CAMBRICON["title"]]}"' in page


def test_every_citation_links_to_an_anchored_paragraph_of_its_article(client: TestClient) -> None:
    page = client.get("/brief", params={"q": "寒武纪 英伟达"}).text
    cites = CITE.findall(page)
    assert len(cites) >= 5
    for article_id, number, label, shown in set(cites):
        assert article_id.startswith(label) and number == shown
        article = client.get(f"/articles/{article_id}")
        assert article.status_code == 200 and f'id="p{number}"' in article.text


def test_as_of_page_notes_the_cutoff_and_shows_no_later_news(client: TestClient) -> None:
    page = client.get("/brief", params={"q": "寒武纪", "as_of": "2025-08-31"}).text
    assert "截至 2025-08-31：只使用当日及之前发布的报道" in page
    assert 'name="as_of" value="2025-08-31"' in page
    assert not [m for m in LATE_MARKERS if m in page]
    assert "/api/brief?q=%E5%AF%92%E6%AD%A6%E7%BA%AA&amp;as_of=2025-08-31&amp;format=md" in page


def test_a_query_that_matches_nothing_says_so(client: TestClient) -> None:
    response = client.get("/brief", params={"q": "量子计算机"})
    assert response.status_code == 200 and "没有符合条件的报道" in response.text
    assert "format=md" not in response.text


def test_english_ui_labels_the_sections_in_english(client: TestClient) -> None:
    try:
        page = client.get("/brief", params={"q": "寒武纪", "hl": "en"}).text
    finally:
        client.cookies.clear()  # ?hl= sets a cookie; the other tests read the default Chinese UI
    assert "<h2>Main developments</h2>" in page and "1 more reports" in page and "reports disagree" in page


def test_search_page_nav_offers_a_brief_on_its_query(client: TestClient) -> None:
    page = client.get("/", params={"q": "寒武纪"}).text
    assert '<a class="nav-brief" href="/brief?q=%E5%AF%92%E6%AD%A6%E7%BA%AA" title="就此生成简报">' in page


def test_api_returns_the_brief_as_json(client: TestClient, ids: dict[str, str]) -> None:
    response = client.get("/api/brief", params={"q": "寒武纪", "as_of": "2025-08-31"})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    brief = body["brief"]
    assert brief["query"] == "寒武纪" and brief["article_count"] == 4
    assert brief["as_of"].startswith("2025-08-31T23:59:59")
    assert ids[LATE["title"]] not in {s["article_id"] for s in brief["sources"]}
    assert brief["numbers"][0]["is_conflict"] is True


@pytest.mark.parametrize(
    ("fmt", "media", "start"), [("md", "text/markdown", "# 简报："), ("html", "text/html", "<!doctype html>")]
)
def test_api_downloads_markdown_and_standalone_html(
    client: TestClient, fmt: str, media: str, start: str
) -> None:
    response = client.get("/api/brief", params={"q": "寒武纪", "as_of": "2025-08-31", "format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="suanli-brief.{fmt}"')
    assert unquote(disposition.split("UTF-8''", 1)[1]) == f"brief-寒武纪-2025-08-31.{fmt}"
    assert response.text.startswith(start) and "28.81亿元" in response.text
    assert not re.search(r"<(link|script|img)\b", response.text)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "Parameter 'q' is empty"),
        ({"q": "寒武纪", "format": "pdf"}, "Parameter 'format' must be one of json, md, html, got 'pdf'"),
        (
            {"q": "寒武纪", "as_of": "31/08/2025"},
            "Parameter 'as_of' must be a day like 2025-08-22, got '31/08/2025'",
        ),
        ({"q": "寒武纪", "lang": "fr"}, "Parameter 'lang' must be one of zh, en, got 'fr'"),
        ({"q": "寒武纪", "since": "2025-09-01", "until": "2025-08-01"}, "since '2025-09-01' is after until"),
        ({"q": "寒武纪", "since": "2025-09-01", "as_of": "2025-08-31"}, "since '2025-09-01' is after as-of"),
    ],
)
def test_api_errors_have_the_one_shape(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/api/brief", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["status"] == 400 and message in body["error"]
    assert body["errors"] == [body["error"]]


def test_page_errors_render_the_error_page(client: TestClient) -> None:
    response = client.get("/brief", params={"q": "寒武纪", "since": "not-a-day"})
    assert response.status_code == 400
    assert "Parameter &#39;since&#39; must be a day like 2025-08-22" in response.text


def test_team_mode_refuses_strangers_and_serves_token_holders(
    corpus: tuple[Path, dict[str, str]], segmenter: Segmenter
) -> None:
    folder, _ = corpus
    settings = web_settings(folder)
    token = create_token(settings, "brief-reader")
    with open_workspace(settings, segmenter=segmenter) as ws:
        app = create_app(settings, workspace=ws, options=WebOptions(auth=True))
        with TestClient(app, base_url=BASE_URL) as team:
            for path in ("/brief?q=寒武纪", "/api/brief?q=寒武纪", "/api/brief?q=寒武纪&format=md"):
                refused = team.get(path)
                assert refused.status_code == 401 and "寒武纪上半年" not in refused.text
            allowed = team.get("/api/brief?q=寒武纪", headers={"Authorization": f"Bearer {token}"})
            assert allowed.status_code == 200 and allowed.json()["ok"] is True


# -- in a real browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(corpus: tuple[Path, dict[str, str]], segmenter: Segmenter) -> Iterator[str]:
    """The app under uvicorn on a free port of 127.0.0.1, in a thread; yields its base URL."""
    folder, _ = corpus
    with open_workspace(web_settings(folder), segmenter=segmenter) as ws:
        app = create_app(web_settings(folder), workspace=ws)  # lends its segmenter only
    with serving(app, name="uvicorn-brief") as url:
        yield url


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing; install Debian's chromium")
def test_a_citation_on_the_briefing_page_lands_on_the_highlighted_paragraph(
    server: str, ids: dict[str, str], tmp_path: Path
) -> None:
    requests: list[str] = []
    errors: list[str] = []
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
        tab.on("request", lambda request: requests.append(request.url))
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        tab.goto(server + "/brief?q=寒武纪&as_of=2025-08-31")
        tab.wait_for_selector(".developments a.cite")
        tab.screenshot(path=str(tmp_path / "brief.png"), full_page=True)
        link = tab.locator(".developments a.cite").first
        article_id = link.get_attribute("data-article")
        number = link.get_attribute("data-paragraph")
        link.click()
        tab.wait_for_selector(".doc-title")
        tab.wait_for_function(f"() => location.hash === '#p{number}'")
        assert tab.url.startswith(f"{server}/articles/{article_id}")
        target = tab.evaluate(
            """() => {
                const el = document.querySelector(':target');
                return el && {id: el.id, highlighted: el.classList.contains('is-highlighted'),
                              background: getComputedStyle(el).backgroundColor};
            }"""
        )
        assert target["id"] == f"p{number}" and target["highlighted"] is True
        assert target["background"] not in ("rgba(0, 0, 0, 0)", "transparent")
        tab.screenshot(path=str(tmp_path / "cited.png"), full_page=True)
    assert article_id in ids.values()
    assert [u for u in requests if not u.startswith(server)] == []
    assert errors == []  # CSP violations would show up here
