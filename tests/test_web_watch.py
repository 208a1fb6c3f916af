"""Watchlists on the web: the /watches page and its forms, /api/watches, team mode and one browser run.

Articles arrive as ``suanli update`` would bring them: ingested through ``add_inputs`` on the test's
own workspace while the app runs, so a watch added through the app sees them as new.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storytexts import EARNINGS, REPOST, WIRE
from suanli.cli import cli
from suanli.knowledge import KnowledgeBase
from suanli.pipeline import add_inputs
from suanli.stages.segment import Segmenter
from suanli.web import WebOptions, create_app, create_token
from suanli.workspace import Workspace, open_workspace
from webcorpus import BASE_URL, TestClient, web_settings
from webserver import CHROMIUM, chromium, serving

SAME_ORIGIN = {"Origin": BASE_URL}
HALT = ("英伟达要求供应商暂停H20生产", "财联社", "2025-08-22 09:00", WIRE)
HALT_REPOST = ("H20停产？英伟达回应", "新浪", "2025-08-22 15:00", REPOST)
HALT_FOLLOW_UP = ("英伟达暂停H20生产，国产芯片受关注", "界面", "2025-08-23 08:00", [*WIRE, "另据报道。"])
HALF_YEAR = ("寒武纪半年报", "证券时报", "2025-08-28 18:00", EARNINGS)
UNTIL = re.compile(r'name="until" value="([^"]+)"')

_batches = count()


def ingest(ws: Workspace, folder: Path, *records: tuple[str, str, str, list[str]]) -> list[str]:
    """Store (title, source, published_at, paragraphs) records as one batch; return their ids."""
    path = folder / f"batch{next(_batches)}.jsonl"
    lines = [
        json.dumps({"title": t, "source": s, "published_at": d, "text": "\n\n".join(p)}, ensure_ascii=False)
        for t, s, d, p in records
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = add_inputs([str(path)], ws)
    assert not report.failures and len(report.added) == len(records), report
    return list(report.added)


@dataclass
class Watching:
    """The app under the framework's test client, and the workspace new articles arrive through."""

    client: TestClient
    ws: Workspace
    folder: Path

    def ingest(self, *records: tuple[str, str, str, list[str]]) -> list[str]:
        return ingest(self.ws, self.folder, *records)

    def page(self, url: str = "/watches", status: int = 200) -> str:
        response = self.client.get(url)
        assert response.status_code == status, response.text[:500]
        return " ".join(unescape(response.text).split())  # whitespace collapsed, as a reader sees it

    def api(self) -> list[dict[str, Any]]:
        body = self.client.get("/api/watches").json()
        assert body["ok"] is True
        watches: list[dict[str, Any]] = body["watches"]
        return watches


@pytest.fixture
def web(tmp_path: Path, segmenter: Segmenter, kb: KnowledgeBase) -> Iterator[Watching]:
    settings = web_settings(tmp_path)
    with open_workspace(settings, segmenter=segmenter, kb=kb) as ws:
        app = create_app(settings, workspace=ws)
        with TestClient(app, base_url=BASE_URL) as client:
            yield Watching(client, ws, tmp_path)


def _titles(watch: dict[str, Any]) -> list[str]:
    return [s["lead"]["title"] for s in watch["stories"]]


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


# -- API ---------------------------------------------------------------------------------------


def test_api_adds_lists_runs_and_deletes_watches(web: Watching) -> None:
    added = web.client.post("/api/watches", json={"query": "H20 停产"})
    assert added.status_code == 201
    watch = added.json()["watch"]
    assert added.json()["created"] is True
    assert (watch["watch_id"], watch["kind"], watch["value"], watch["label"]) == (
        1,
        "query",
        "H20 停产",
        "H20 停产",
    )
    assert watch["last_run_at"] is None and watch["created_at"].endswith("+00:00")
    again = web.client.post("/api/watches", json={"query": "  H20   停产 "})
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["watch"] == watch
    entity = web.client.post("/api/watches", json={"entity": "寒武纪"})
    assert entity.status_code == 201
    assert (entity.json()["watch"]["value"], entity.json()["watch"]["label"]) == (
        "cambricon",
        "寒武纪 (cambricon)",
    )

    halt, repost, half_year = web.ingest(HALT, HALT_REPOST, HALF_YEAR)
    peeked = web.api()
    assert [_titles(w) for w in peeked] == [[HALT[0]], [HALF_YEAR[0], HALT[0]]]
    story = peeked[0]["stories"][0]
    assert story["story_id"] == f"s-{halt}" and story["story_url"] == f"/stories/s-{halt}"
    assert story["is_new_story"] is True and (story["new_reports"], story["total_reports"]) == (2, 2)
    assert story["article_ids"] == [halt, repost]
    assert story["lead"]["page_url"] == f"/articles/{halt}" and story["lead"]["source"] == "财联社"
    assert peeked[1]["stories"][0]["article_ids"] == [half_year]
    assert web.api()[0]["stories"] == peeked[0]["stories"]  # peeking marked nothing

    run = web.client.post("/api/watches/run")
    assert run.status_code == 200
    reports = run.json()["watches"]
    assert [r["stories"] for r in reports] == [w["stories"] for w in peeked]
    assert all(r["last_run_at"] is None for r in reports)
    second = web.client.post("/api/watches/run").json()["watches"]
    assert [r["stories"] for r in second] == [[], []]
    assert [r["last_run_at"] for r in second] == [r["until"] for r in reports]
    assert [w["stories"] for w in web.api()] == [[], []]

    removed = web.client.delete("/api/watches/1")
    assert removed.status_code == 200 and removed.json()["watch"]["value"] == "H20 停产"
    assert [w["watch_id"] for w in web.api()] == [2]
    assert web.client.delete("/api/watches/1").status_code == 404


def test_api_run_of_one_watch_leaves_the_others_new(web: Watching) -> None:
    web.client.post("/api/watches", json={"query": "H20 停产"})
    web.client.post("/api/watches", json={"entity": "cambricon"})
    web.ingest(HALF_YEAR)
    [only] = web.client.post("/api/watches/run", params={"id": 2}).json()["watches"]
    assert only["watch_id"] == 2 and _titles(only) == [HALF_YEAR[0]]
    assert [_titles(w) for w in web.api()] == [[], []]  # the query watch never matched it
    assert web.client.post("/api/watches/run", params={"id": 2}).json()["watches"][0]["stories"] == []


def test_api_reports_what_the_cli_prints(web: Watching) -> None:
    web.client.post("/api/watches", json={"query": "H20 停产"})
    web.client.post("/api/watches", json={"entity": "寒武纪"})
    web.ingest(HALT, HALT_REPOST, HALF_YEAR)
    env = {"SUANLI_DATA_DIR": str(web.folder / "data"), "SUANLI_CONFIG": str(web.folder / "none.toml")}
    result = CliRunner().invoke(cli, ["watch", "run", "--json", "--peek"], env=env)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)

    def comparable(report: dict[str, Any]) -> dict[str, Any]:
        """Without ``until`` (the time of each run) and the links only the web adds."""
        stories = [
            _without(s, "story_url") | {"lead": _without(s["lead"], "page_url")} for s in report["stories"]
        ]
        return _without(report, "until") | {"stories": stories}

    assert [comparable(r) for r in web.api()] == [comparable(r) for r in printed]
    assert all(r["stories"] for r in printed)


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "message"),
    [
        ("POST", "/api/watches", {"query": "  "}, 400, "The watch query is empty"),
        ("POST", "/api/watches", {"query": "？！"}, 400, "Query '？！' has no searchable words"),
        ("POST", "/api/watches", {"entity": "不存在的公司"}, 400, "No entity called '不存在的公司'"),
        ("POST", "/api/watches", {}, 400, "Send exactly one of 'query' and 'entity'"),
        ("POST", "/api/watches", {"query": "H20", "entity": "寒武纪"}, 400, "Send exactly one of"),
        ("POST", "/api/watches", {"q": "H20"}, 400, "Parameter 'q' is not valid"),
        ("POST", "/api/watches", "not json", 400, "The request body is not valid JSON"),
        ("DELETE", "/api/watches/7", None, 404, "No watch with id 7; see /watches"),
        ("DELETE", "/api/watches/seven", None, 400, "Parameter 'watch_id' is not valid"),
        ("POST", "/api/watches/run?id=7", None, 404, "No watch with id 7"),
    ],
)
def test_api_refuses_bad_input_in_the_one_error_shape(
    web: Watching, method: str, url: str, body: object, status: int, message: str
) -> None:
    if isinstance(body, str):
        response = web.client.request(method, url, content=body, headers={"Content-Type": "application/json"})
    else:
        response = web.client.request(method, url, json=body)
    assert response.status_code == status
    data = response.json()
    assert data == {"ok": False, "error": data["error"], "errors": [data["error"]], "status": status}
    assert data["error"].startswith(message), data["error"]


def test_api_docs_list_the_watch_routes(web: Watching) -> None:
    paths = web.client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/watches"]) == {"get", "post"}
    assert set(paths["/api/watches/{watch_id}"]) == {"delete"} and set(paths["/api/watches/run"]) == {"post"}
    assert "/watches" not in paths
    assert "/api/watches/run" in web.page("/api/docs")


# -- page --------------------------------------------------------------------------------------


def test_viewing_the_page_lists_new_stories_and_marks_nothing(web: Watching) -> None:
    empty = web.page()
    assert "还没有关注" in empty and 'action="/watches"' in empty and '<a href="/watches">关注</a>' in empty
    web.client.post("/api/watches", json={"query": "H20 停产"})
    halt, _ = web.ingest(HALT, HALT_REPOST)
    for _ in range(2):
        html = web.page()
        assert f'<a href="/articles/{halt}">{HALT[0]}</a>' in html
        assert f'<a class="story-link" href="/stories/s-{halt}">' in html
        assert (
            '<span class="tag">新事件</span>' in html
            and "<span>财联社</span> <span>2025-08-22 09:00</span> <span>另有1篇新报道</span>" in html
        )
        assert "上次标记已读：从未" in html and "1 个新事件" in html
    assert web.api()[0]["last_run_at"] is None

    web.client.post("/api/watches/run")
    assert "没有新报道" in web.page() and HALT[0] not in web.page()
    follow_up = web.ingest(HALT_FOLLOW_UP)[0]
    html = web.page()
    assert f'<span class="tag">旧事件有新报道</span> <a href="/articles/{follow_up}">' in html
    assert (
        "<span>界面</span> <span>2025-08-23 08:00</span> <span>3篇报道</span>" in html
        and "1 个旧事件有新报道" in html
    )
    english = web.page("/watches?hl=en")
    assert "News on an older story" in english and "3 reports" in english and "Mark all as seen" in english


def test_forms_add_mark_and_remove_then_redirect_back(web: Watching) -> None:
    added = web.client.post(
        "/watches", data={"kind": "query", "text": "H20 停产"}, headers=SAME_ORIGIN, follow_redirects=False
    )
    assert added.status_code == 303 and added.headers["location"] == "/watches?added=1#watch-1"
    assert "已关注 H20 停产" in web.page(added.headers["location"])
    again = web.client.post("/watches", data={"kind": "entity", "text": "寒武纪"}, headers=SAME_ORIGIN)
    assert again.status_code == 200 and "已关注 寒武纪 (cambricon)" in unescape(
        again.text
    )  # redirect followed
    same = web.client.post("/watches", data={"kind": "query", "text": "H20  停产"}, headers=SAME_ORIGIN)
    assert "已经在关注 H20 停产" in unescape(same.text)

    web.ingest(HALT)
    shown = web.page()
    late = web.ingest(HALF_YEAR)[0]  # stored after the page was shown: not seen yet
    [until] = UNTIL.findall(shown)
    marked = web.client.post(
        "/watches/run", data={"until": until}, headers=SAME_ORIGIN, follow_redirects=False
    )
    assert marked.status_code == 303 and marked.headers["location"] == "/watches?marked=2"
    assert "已将 2 个关注标记为已读" in web.page(marked.headers["location"])
    watches = web.api()
    assert [w["last_run_at"] for w in watches] == [until, until]
    assert [w["stories"][0]["article_ids"] if w["stories"] else [] for w in watches] == [[], [late]]

    removed = web.client.post(
        "/watches/remove", data={"watch_id": "1"}, headers=SAME_ORIGIN, follow_redirects=False
    )
    assert removed.status_code == 303 and removed.headers["location"] == "/watches?removed=1"
    html = web.page(removed.headers["location"])
    assert "已取消关注 #1" in html and 'id="watch-1"' not in html and 'id="watch-2"' in html


@pytest.mark.parametrize(
    ("url", "data", "status", "message"),
    [
        ("/watches", {"kind": "query", "text": "  "}, 400, "The watch query is empty"),
        ("/watches", {"kind": "entity", "text": "不存在的公司"}, 400, "No entity called '不存在的公司'"),
        (
            "/watches",
            {"kind": "topic", "text": "H20"},
            400,
            "Watch kind must be one of query, entity, got 'topic'",
        ),
        ("/watches/remove", {"watch_id": "7"}, 404, "No watch with id 7; see /watches for the current ones"),
        ("/watches/remove", {"watch_id": "seven"}, 400, "Watch id 'seven' must be a whole number, e.g. 3"),
        ("/watches/run", {"until": "yesterday"}, 400, "Time 'until' must be ISO 8601"),
    ],
)
def test_bad_form_input_shows_one_message_on_the_page(
    web: Watching, url: str, data: dict[str, str], status: int, message: str
) -> None:
    web.client.post("/api/watches", json={"query": "H20 停产"})
    response = web.client.post(url, data=data, headers=SAME_ORIGIN, follow_redirects=False)
    assert response.status_code == status
    html = unescape(response.text)
    assert html.count('class="error-msg"') == 1 and message in html
    assert 'action="/watches"' in html and 'id="watch-1"' in html  # the page itself, watches listed
    assert 'class="lang-switch" href="/watches?hl=en"' in html  # not a link to the POST route
    if data.get("text", "").strip():
        assert f'name="text" value="{data["text"]}"' in html  # what was typed is kept


def test_team_mode_guards_the_watch_page_forms_and_api(tmp_path: Path, segmenter: Segmenter) -> None:
    settings = web_settings(tmp_path)
    token = create_token(settings, "watcher")
    bearer = {"Authorization": f"Bearer {token}"}
    with open_workspace(settings, segmenter=segmenter) as ws:
        app = create_app(settings, workspace=ws, options=WebOptions(auth=True))
        with TestClient(app, base_url=BASE_URL) as client:
            requests = [
                ("GET", "/watches"),
                ("POST", "/watches"),
                ("POST", "/watches/remove"),
                ("POST", "/watches/run"),
                ("GET", "/api/watches"),
                ("POST", "/api/watches"),
                ("DELETE", "/api/watches/1"),
                ("POST", "/api/watches/run"),
            ]
            for method, path in requests:
                refused = client.request(method, path, headers=SAME_ORIGIN, follow_redirects=False)
                assert refused.status_code == 401, f"{method} {path}"
            assert client.post("/api/watches", json={"query": "H20"}, headers=bearer).status_code == 201
            assert client.get("/api/watches", headers=bearer).json()["watches"][0]["value"] == "H20"

            client.post("/login", data={"token": token}, headers=SAME_ORIGIN)
            assert client.get("/watches").status_code == 200
            form = {"kind": "query", "text": "寒武纪"}
            assert (
                client.post("/watches", data=form, headers={"Origin": "https://evil.example"}).status_code
                == 403
            )
            assert client.post("/watches", data=form).status_code == 403  # a session cookie needs an Origin
            sent = client.post("/watches", data=form, headers=SAME_ORIGIN, follow_redirects=False)
            assert sent.status_code == 303
            assert [w["value"] for w in client.get("/api/watches").json()["watches"]] == ["H20", "寒武纪"]


# -- in a real browser -------------------------------------------------------------------------


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing; install Debian's chromium")
def test_in_a_browser_a_watch_is_added_listed_and_removed(
    tmp_path: Path, segmenter: Segmenter, kb: KnowledgeBase
) -> None:
    settings = web_settings(tmp_path)
    errors: list[str] = []
    requests: list[str] = []
    with open_workspace(settings, segmenter=segmenter, kb=kb) as ws:
        app = create_app(settings, workspace=ws)
        with serving(app, name="uvicorn-watch") as server, chromium() as browser:
            tab = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
            tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            tab.on("request", lambda request: requests.append(request.url))
            tab.goto(server + "/")
            tab.click('a[href="/watches"]')
            tab.wait_for_url(server + "/watches")
            assert tab.locator("section.watch").count() == 0
            tab.select_option('form.watch-add select[name="kind"]', "query")
            tab.fill('form.watch-add input[name="text"]', "H20 停产")
            tab.click("form.watch-add button")
            tab.wait_for_url(server + "/watches?added=1#watch-1")
            assert tab.locator("p.notice").inner_text() == "已关注 H20 停产"
            assert tab.locator("#watch-1 h2").inner_text() == "关键词 “H20 停产” #1"

            halt = ingest(ws, tmp_path, HALT)[0]
            tab.reload()
            card = tab.locator("#watch-1 article.watch-story")
            assert card.count() == 1 and card.locator("h3 a").inner_text() == HALT[0]
            tab.screenshot(path=str(tmp_path / "watches.png"), full_page=True)
            card.locator("a.story-link").click()
            tab.wait_for_url(f"{server}/stories/s-{halt}")
            tab.go_back()

            tab.click("#watch-1 form.watch-remove button")
            tab.wait_for_url(server + "/watches?removed=1")
            assert tab.locator("section.watch").count() == 0
            assert tab.locator("p.notice").inner_text() == "已取消关注 #1"
    assert errors == []  # CSP violations show up here
    assert [u for u in requests if not u.startswith(server) and not u.startswith("data:")] == []
