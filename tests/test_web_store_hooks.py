"""The web app on the real store: summaries and knowledge written on ingest, as `suanli serve` runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suanli.knowledge import KnowledgeBase
from suanli.stages.segment import Segmenter
from suanli.web import StoreKnowledge, create_app, store_summaries
from suanli.workspace import open_workspace
from webcorpus import BASE_URL, Site, TestClient, build_corpus, corpus_ids, web_settings


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter, kb: KnowledgeBase) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("live")
    settings = web_settings(folder)
    with open_workspace(settings, segmenter=segmenter, kb=kb) as ws:
        build_corpus(folder / "inputs", ws)
        app = create_app(settings, workspace=ws, summaries=store_summaries, knowledge=StoreKnowledge())
        with TestClient(app, base_url=BASE_URL) as client:
            yield Site(client=client, settings=settings, ws=ws, ids=corpus_ids(ws))


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_search_hits_carry_the_stored_checked_summary(live: Site) -> None:
    top = _ok(live.client.get("/api/search", params={"q": "寒武纪 市值"}))["hits"][0]
    summary = top["summary"]
    assert summary["label"].startswith("机器生成摘要 · extractive")
    assert summary["core_points"] and all(b["citations"] for b in summary["core_points"])


def test_entity_and_event_filters_run_on_stored_knowledge(live: Site) -> None:
    by_entity = _ok(live.client.get("/api/search", params={"q": "算力", "entity": "cambricon"}))
    assert live.ids["rally"] in [h["article_id"] for h in by_entity["hits"]]
    by_event = _ok(live.client.get("/api/search", params={"q": "H20", "event_type": "production_halt"}))
    ids = [h["article_id"] for h in by_event["hits"]]
    assert ids[0] == live.ids["halt"] and live.ids["rental"] not in ids


def test_entity_page_shows_stored_facts_with_sources(live: Site) -> None:
    body = _ok(live.client.get("/api/entities/cambricon"))
    assert body["entity"]["listings"] == [{"code": "688256.SH", "exchange": "SSE"}]
    assert body["facts"], "facts extracted on ingest should reach the entity page"
    page = live.client.get("/entities/cambricon")
    assert page.status_code == 200 and "688256.SH" in page.text


def test_store_knowledge_lists_the_shipped_entity_base(live: Site, tmp_path: Path) -> None:
    listing = _ok(live.client.get("/api/entities"))
    assert listing["has_knowledge"] is True
    assert len(listing["entities"]) >= 150
