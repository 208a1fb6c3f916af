"""The JSON API through the framework's test client, over articles ingested by the real pipeline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from localserver import LocalServer, Reply
from suanli.stages.segment import Segmenter
from suanli.web import create_app, error_body
from suanli.workspace import Workspace, open_workspace
from webcorpus import BASE_URL, Site, TestClient, build_corpus, site, web_settings

ERROR_KEYS = {"ok", "error", "errors", "status"}


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Iterator[Site]:
    with site(tmp_path_factory.mktemp("web_api"), segmenter) as running:
        yield running


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Iterator[Site]:
    """The same corpus served without summaries or a knowledge base."""
    with site(tmp_path_factory.mktemp("web_api_bare"), segmenter, hooks=False) as running:
        yield running


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["ok"] is True
    return body


def test_api_search_finds_a_chinese_query_with_snippet_and_summary(web: Site) -> None:
    body = _ok(web.client.get("/api/search", params={"q": "寒武纪 市值"}))
    assert body["terms"] == ["寒武纪", "市值"]
    assert body["total"] >= 1
    top = body["hits"][0]
    assert top["article_id"] == web.ids["rally"]
    assert top["source"] == "测试财经"
    assert top["published_at"] == "2025-08-22T10:30:00+00:00"
    assert top["snippet"]["paragraph_number"] == 2
    start, end = top["snippet"]["highlights"][0]
    assert top["snippet"]["text"][start:end] in ("寒武纪", "市值")
    assert top["page_url"] == f"/articles/{web.ids['rally']}"
    assert top["summary"]["quick_read"]["citations"] == [2]


def test_api_search_pages_through_results_without_overlap(web: Site) -> None:
    first = _ok(web.client.get("/api/search", params={"q": "算力", "per_page": 2}))
    second = _ok(web.client.get("/api/search", params={"q": "算力", "per_page": 2, "page": 2}))
    assert first["total"] == second["total"] >= 4
    assert first["pages"] == -(-first["total"] // 2)
    ids_1 = {h["article_id"] for h in first["hits"]}
    ids_2 = {h["article_id"] for h in second["hits"]}
    assert len(ids_1) == len(ids_2) == 2 and not ids_1 & ids_2


def test_api_search_filters_by_language_source_and_days(web: Site) -> None:
    en = _ok(web.client.get("/api/search", params={"q": "HBM", "lang": "en"}))
    assert [h["article_id"] for h in en["hits"]] == [web.ids["hbm"]]
    tech = _ok(web.client.get("/api/search", params={"q": "算力", "source": "测试科技"}))
    assert tech["hits"] and {h["source"] for h in tech["hits"]} == {"测试科技"}
    day = _ok(
        web.client.get("/api/search", params={"q": "算力", "since": "2025-08-21", "until": "2025-08-21"})
    )
    assert [h["article_id"] for h in day["hits"]] == [web.ids["halt"]]


def test_api_search_sorts_by_date_newest_first(web: Site) -> None:
    body = _ok(web.client.get("/api/search", params={"q": "算力", "sort": "date"}))
    dates = [h["published_at"] for h in body["hits"]]
    assert dates == sorted(dates, reverse=True)


def test_api_search_narrows_to_an_entity_or_event_type(web: Site) -> None:
    by_entity = _ok(web.client.get("/api/search", params={"q": "算力", "entity": "cambricon"}))
    assert [h["article_id"] for h in by_entity["hits"]] == [web.ids["rally"]]
    by_event = _ok(web.client.get("/api/search", params={"q": "H20", "event_type": "production_halt"}))
    assert [h["article_id"] for h in by_event["hits"]] == [web.ids["halt"]]


def test_api_article_has_blocks_paragraphs_summary_keywords_and_related(web: Site) -> None:
    body = _ok(web.client.get(f"/api/articles/{web.ids['rally']}"))
    article = body["article"]
    assert article["title"] == "国产GPU板块大涨，寒武纪市值突破五千亿元"
    assert article["authors"] == ["张三"]
    assert [p["number"] for p in article["paragraphs"]] == [1, 2, 3, 4]
    kinds = [b["kind"] for b in article["blocks"]]
    assert "caption" in kinds and "disclaimer" in kinds
    assert body["summary"]["label"].startswith("机器生成摘要")
    assert body["keywords"] == ["寒武纪", "算力"]
    related = [r["article_id"] for r in body["related"]]
    assert related and web.ids["rally"] not in related
    assert web.ids["halt"] in related


def test_api_article_accepts_a_unique_id_prefix(web: Site) -> None:
    body = _ok(web.client.get(f"/api/articles/{web.ids['hbm'][:8]}"))
    assert body["article"]["article_id"] == web.ids["hbm"]


def test_api_entities_give_names_codes_facts_events_and_a_chart(web: Site) -> None:
    listing = _ok(web.client.get("/api/entities"))
    assert listing["has_knowledge"] is True
    assert {e["entity_id"] for e in listing["entities"]} == {"cambricon", "nvidia"}
    body = _ok(web.client.get("/api/entities/cambricon"))
    assert body["entity"]["listings"] == [{"code": "688256.SH", "exchange": "SSE"}]
    assert [f["period"] for f in body["facts"]] == ["2024", "2025"]
    assert body["charts"] == [
        {
            "metric": "market_share",
            "aspect": None,
            "unit": "%",
            "labels": ["2024", "2025"],
            "values": [30.0, 45.0],
        }
    ]
    assert body["events"][0]["evidence"][0]["article_id"] == web.ids["rally"]


def test_api_facts_and_events_filter_and_page(web: Site) -> None:
    facts = _ok(web.client.get("/api/facts", params={"entity_id": "cambricon", "per_page": 1}))
    assert facts["total"] == 2 and len(facts["items"]) == 1
    assert facts["charts"][0]["labels"] == ["2024", "2025"]
    events = _ok(web.client.get("/api/events", params={"event_type": "production_halt"}))
    assert [e["event_id"] for e in events["items"]] == ["ev-halt"]


def test_api_without_hooks_reports_missing_summary_and_knowledge(bare: Site) -> None:
    article = _ok(bare.client.get(f"/api/articles/{bare.ids['rally']}"))
    assert article["summary"] is None
    assert "寒武纪" in article["keywords"]  # keywords fall back to the domain dictionary
    assert _ok(bare.client.get("/api/entities"))["has_knowledge"] is False
    assert _ok(bare.client.get("/api/facts"))["has_knowledge"] is False
    assert _ok(bare.client.get("/api/events"))["items"] == []
    refused = bare.client.get("/api/search", params={"q": "算力", "entity": "cambricon"})
    assert refused.status_code == 400 and "knowledge base" in refused.json()["error"]


def test_api_stats_and_sources_count_the_corpus(web: Site) -> None:
    assert _ok(web.client.get("/api/stats"))["stats"]["articles"] == 6
    sources = {s["name"]: s["articles"] for s in _ok(web.client.get("/api/sources"))["sources"]}
    assert sources["测试科技"] == 2


def _wait_for_job(web: Site, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job: dict[str, Any] = _ok(web.client.get(f"/api/add/{job_id}"))["job"]
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"add job {job_id} did not finish")


def test_api_add_fetches_urls_and_reports_each_item(web: Site) -> None:
    page = (
        "<html><head><title>摩尔线程发布新款训练卡</title></head><body><article><h1>摩尔线程发布新款训练卡</h1>"
        "<p>摩尔线程今天发布了新一代训练卡，面向智算中心的大模型训练需求，单卡显存容量显著提升。</p>"
        "<p>公司称新产品兼容主流框架，已有多家客户开始测试，预计年内批量交付国产算力集群。</p>"
        "</article></body></html>"
    )
    routes = {"/news/moore.html": Reply(body=page, headers={"Content-Type": "text/html; charset=utf-8"})}
    with LocalServer(routes) as server:
        urls = [server.url("/news/moore.html"), server.url("/missing.html")]
        started = web.client.post("/api/add", json={"urls": urls, "source": "本地测试"})
        job = _ok(started, 202)["job"]
        assert job["status_url"] == f"/api/add/{job['job_id']}"
        done = _wait_for_job(web, job["job_id"])
    assert done["state"] == "done"
    results = {item["input"]: item for item in done["items"]}
    assert results[urls[0]]["result"] == "added"
    assert results[urls[1]]["result"] == "failed" and "404" in results[urls[1]]["reason"]
    added_id = results[urls[0]]["article_id"]
    assert _ok(web.client.get(f"/api/articles/{added_id}"))["article"]["source"] == "本地测试"


# -- the one error shape -----------------------------------------------------------------------

FAILING: list[tuple[str, str, dict[str, Any], int]] = [
    ("GET", "/api/search", {}, 400),
    ("GET", "/api/search?q=%EF%BC%81%EF%BC%81", {}, 400),
    ("GET", "/api/search?q=x&page=0", {}, 400),
    ("GET", "/api/search?q=x&page=abc", {}, 400),
    ("GET", "/api/search?q=x&page=500", {}, 400),
    ("GET", "/api/search?q=x&per_page=1000", {}, 400),
    ("GET", "/api/search?q=x&lang=fr", {}, 400),
    ("GET", "/api/search?q=x&sort=popular", {}, 400),
    ("GET", "/api/search?q=x&since=2025-13-01", {}, 400),
    ("GET", "/api/search?q=x&since=2025-09-01&until=2025-08-01", {}, 400),
    ("GET", "/api/search?q=" + "长" * 600, {}, 400),
    ("GET", "/api/articles/zzzzzzzz", {}, 404),
    ("GET", "/api/articles/ab", {}, 404),
    ("GET", "/api/entities/nobody", {}, 404),
    ("GET", "/api/facts?page=0", {}, 400),
    ("GET", "/api/add/0000", {}, 404),
    ("GET", "/api/nothing-here", {}, 404),
    ("DELETE", "/api/search", {}, 405),
    ("POST", "/api/add", {"json": {}}, 400),
    ("POST", "/api/add", {"json": {"urls": []}}, 400),
    ("POST", "/api/add", {"json": {"urls": ["/etc/passwd", "file:///etc/hosts"]}}, 400),
    ("POST", "/api/add", {"content": b"not json", "headers": {"Content-Type": "application/json"}}, 400),
    (
        "POST",
        "/api/add",
        {"json": {"urls": ["https://a.example/"]}, "headers": {"Origin": "https://evil.example"}},
        403,
    ),
    ("GET", "/api/search?q=x", {"headers": {"Host": "evil.example"}}, 400),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), FAILING)
def test_api_errors_share_one_shape(
    web: Site, method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    response = web.client.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["ok"] is False and body["status"] == status
    assert body["errors"] and body["error"] == body["errors"][0]
    for message in body["errors"]:
        assert message[0].isupper() and not message.endswith("."), message
        assert "Traceback" not in message and "{'type'" not in message


def test_error_body_is_the_one_helper_shape() -> None:
    assert error_body(418, ["A", "B"]) == {"ok": False, "error": "A", "errors": ["A", "B"], "status": 418}


def test_openapi_document_lists_the_api_and_the_docs_page_renders_it(web: Site) -> None:
    schema = web.client.get("/api/openapi.json").json()
    for path in (
        "/api/search",
        "/api/articles/{article_id}",
        "/api/entities",
        "/api/facts",
        "/api/events",
        "/api/add",
    ):
        assert path in schema["paths"]
    assert "/" not in schema["paths"]  # pages are not API
    docs = web.client.get("/api/docs")
    assert docs.status_code == 200 and "/api/search" in docs.text


def test_readers_open_their_own_connections(tmp_path: Path, segmenter: Segmenter) -> None:
    """The app serves from worker threads although the lending workspace belongs to this thread."""
    with site(tmp_path, segmenter, hooks=False) as running:
        bodies = [running.client.get("/api/search", params={"q": "寒武纪"}).json() for _ in range(12)]
    assert {b["total"] for b in bodies} == {bodies[0]["total"]} and bodies[0]["total"] >= 3


def _broken_summaries(ws: Workspace, article_ids: Any) -> Any:
    raise RuntimeError("summary store exploded")


def test_unexpected_errors_become_a_500_in_the_one_shape(tmp_path: Path, segmenter: Segmenter) -> None:
    settings = web_settings(tmp_path)
    with open_workspace(settings, segmenter=segmenter) as ws:
        build_corpus(tmp_path / "inputs", ws)
        article_id = next(ws.store.iter_articles()).article_id
    app = create_app(settings, summaries=_broken_summaries)
    with TestClient(app, base_url=BASE_URL) as client:
        api = client.get(f"/api/articles/{article_id}")
        page = client.get(f"/articles/{article_id}")
    assert api.status_code == 500 and set(api.json()) == ERROR_KEYS
    assert api.json()[
        "error"
    ] == f"Internal error (RuntimeError) while serving '/api/articles/{article_id}'; " + (
        "the server log has the details"
    )
    assert "exploded" not in api.text  # internals stay in the log
    assert page.status_code == 500 and "Internal error (RuntimeError)" in page.text
    assert "content-security-policy" in page.headers
