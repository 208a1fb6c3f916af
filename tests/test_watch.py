"""Watchlists on a real workspace: articles ingested through add_inputs, then more as 'update' would."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest

from storytexts import EARNINGS, REPOST, WIRE
from suanli.errors import BadQueryError, NotFoundError
from suanli.pipeline import add_inputs
from suanli.watch import add_watch, run_watches
from suanli.workspace import Workspace

# Has 'H20' but not '停产': a query watch on 'H20 停产' must not list it.
DEMAND = [
    "多家互联网公司近期加大了H20芯片的采购，渠道商表示库存明显下降，价格有所回升。",
    "业内人士预计，第四季度数据中心建设仍将保持较快节奏，推理需求持续增长。",
]
HALT_NOTE = [
    "9月3日，市场再度传出H20停产的消息，多家服务器厂商调整了出货计划，并重新评估库存。",
    "有券商指出，国产训练芯片的订单能见度明显提升，相关公司的产能利用率接近满载。",
]

_files = count()


def ingest(ws: Workspace, tmp_path: Path, *records: dict[str, object]) -> list[str]:
    """Store records as one JSONL batch, as 'add' or 'update' does; return the new article ids."""
    path = tmp_path / f"batch{next(_files)}.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    report = add_inputs([str(path)], ws)
    assert not report.failures, report.failures
    assert len(report.added) == len(records), report
    return list(report.added)


def record(
    title: str, paragraphs: list[str], *, source: str = "测试", day: str | None = "2025-08-22 09:00"
) -> dict[str, object]:
    data: dict[str, object] = {"title": title, "source": source, "text": "\n\n".join(paragraphs)}
    if day is not None:
        data["published_at"] = day
        data["url"] = f"https://news.example.com/{zlib.crc32(title.encode())}"
    return data


def test_a_query_watch_lists_a_new_story_once(ws: Workspace, tmp_path: Path) -> None:
    watch, created = add_watch(ws, "H20 停产")
    assert created and watch.kind == "query" and watch.value == "H20 停产"
    first, _, _ = ingest(
        ws,
        tmp_path,
        record("英伟达要求供应商暂停H20生产", WIRE, source="财联社"),
        record("寒武纪半年报", EARNINGS),
        record("H20采购回暖", DEMAND),
    )
    [report] = run_watches(ws)
    assert report.watch.watch_id == watch.watch_id and report.label == "H20 停产"
    [story] = report.stories
    assert story.story_id == f"s-{first}"
    assert story.is_new_story and (story.new_reports, story.total_reports) == (1, 1)
    assert (story.lead.article_id, story.lead.title, story.lead.source) == (
        first,
        "英伟达要求供应商暂停H20生产",
        "财联社",
    )
    assert story.lead.published_at is not None and story.lead.url is not None
    assert story.matched_ids == (first,)

    [again] = run_watches(ws)
    assert again.stories == ()
    assert again.since == report.until


def test_an_article_with_only_some_query_words_is_not_listed(ws: Workspace, tmp_path: Path) -> None:
    add_watch(ws, "H20 停产")
    ingest(ws, tmp_path, record("H20采购回暖", DEMAND), record("寒武纪半年报", EARNINGS))
    assert run_watches(ws)[0].stories == ()


def test_a_repost_of_an_older_story_is_news_on_that_story(ws: Workspace, tmp_path: Path) -> None:
    [first] = ingest(ws, tmp_path, record("英伟达要求供应商暂停H20生产", WIRE, source="财联社"))
    add_watch(ws, "H20 停产")
    assert run_watches(ws)[0].stories == ()  # stored before the watch existed

    [repost] = ingest(
        ws, tmp_path, record("H20停产？英伟达回应", REPOST, source="新浪", day="2025-08-22 15:00")
    )
    [story] = run_watches(ws)[0].stories
    assert story.story_id == f"s-{first}"
    assert not story.is_new_story
    assert (story.new_reports, story.total_reports) == (1, 2)
    assert story.lead.article_id == repost and story.lead.source == "新浪"


def test_a_new_story_with_a_repost_is_one_story_with_two_new_reports(ws: Workspace, tmp_path: Path) -> None:
    add_watch(ws, "H20 停产")
    first, repost, other = ingest(
        ws,
        tmp_path,
        record("英伟达要求供应商暂停H20生产", WIRE, source="财联社"),
        record("H20停产？英伟达回应", REPOST, source="新浪", day="2025-08-22 15:00"),
        record("H20停产传闻再起", HALT_NOTE, day="2025-09-03 10:00"),
    )
    stories = run_watches(ws)[0].stories
    # newest lead first
    assert [s.story_id for s in stories] == [f"s-{other}", f"s-{first}"]
    wire = stories[1]
    assert wire.is_new_story and (wire.new_reports, wire.total_reports) == (2, 2)
    assert wire.lead.article_id == first and wire.matched_ids == (first, repost)


def test_peek_lists_the_same_stories_again_until_a_marked_run(ws: Workspace, tmp_path: Path) -> None:
    watch, _ = add_watch(ws, "H20 停产")
    ingest(ws, tmp_path, record("英伟达要求供应商暂停H20生产", WIRE))
    peeked = run_watches(ws, mark=False)
    assert len(peeked[0].stories) == 1
    assert ws.store.list_watches()[0].last_run_at is None
    assert run_watches(ws, mark=False)[0].stories == peeked[0].stories
    assert run_watches(ws)[0].stories == peeked[0].stories
    assert ws.store.list_watches()[0].last_run_at is not None
    assert run_watches(ws, watch_ids=[watch.watch_id])[0].stories == ()


def test_an_entity_watch_lists_stories_that_mention_the_entity(ws: Workspace, tmp_path: Path) -> None:
    watch, created = add_watch(ws, "英伟达", entity=True)
    assert created and (watch.kind, watch.value) == ("entity", "nvidia")
    first, _ = ingest(
        ws, tmp_path, record("英伟达要求供应商暂停H20生产", WIRE), record("寒武纪半年报", EARNINGS)
    )
    [report] = run_watches(ws)
    assert report.label == "英伟达 (nvidia)"
    assert [s.story_id for s in report.stories] == [f"s-{first}"]
    assert run_watches(ws)[0].stories == ()


def test_matches_among_many_exact_hits_of_older_articles_are_found(ws: Workspace, tmp_path: Path) -> None:
    # Older articles of the same days also hold every word; only the new ones are listed.
    ingest(
        ws,
        tmp_path,
        record("英伟达要求供应商暂停H20生产", WIRE),
        record("H20停产？英伟达回应", REPOST, day="2025-08-22 15:00"),
        record("H20停产传闻再起", HALT_NOTE, day="2025-09-03 10:00"),
    )
    add_watch(ws, "H20 停产")
    undated = [p.replace("H20", "H20芯片") for p in HALT_NOTE]
    late, nodate = ingest(
        ws,
        tmp_path,
        record("H20停产影响几何", [WIRE[2], *EARNINGS], day="2025-08-23 08:00"),
        record("H20停产后续", undated, day=None),
    )
    stories = run_watches(ws)[0].stories
    assert {i for s in stories for i in s.matched_ids} == {late, nodate}
    assert stories[-1].lead.published_at is None  # undated last


def test_each_watch_has_its_own_window(ws: Workspace, tmp_path: Path) -> None:
    halt, _ = add_watch(ws, "H20 停产")
    nvidia, _ = add_watch(ws, "nvidia", entity=True)
    ingest(ws, tmp_path, record("英伟达要求供应商暂停H20生产", WIRE))
    assert [len(r.stories) for r in run_watches(ws, watch_ids=[halt.watch_id])] == [1]
    [other] = ingest(ws, tmp_path, record("H20停产传闻再起", HALT_NOTE, day="2025-09-03 10:00"))
    reports = run_watches(ws)
    assert [r.watch.watch_id for r in reports] == [halt.watch_id, nvidia.watch_id]
    assert [s.story_id for s in reports[0].stories] == [f"s-{other}"]
    assert len(reports[1].stories) == 1 and reports[1].stories[0].story_id != f"s-{other}"


def test_articles_stored_after_now_wait_for_the_next_run(ws: Workspace, tmp_path: Path) -> None:
    add_watch(ws, "H20 停产", now=datetime.now(UTC) - timedelta(hours=1))
    before = datetime.now(UTC)
    ingest(ws, tmp_path, record("英伟达要求供应商暂停H20生产", WIRE))
    assert run_watches(ws, now=before)[0].stories == ()
    assert len(run_watches(ws)[0].stories) == 1


def test_adding_the_same_watch_again_returns_the_existing_one(ws: Workspace) -> None:
    first, created = add_watch(ws, "H20 停产")
    again, created_again = add_watch(ws, "  H20   停产 ")
    assert created and not created_again and again == first
    by_name, _ = add_watch(ws, "英伟达", entity=True)
    by_alias, created_alias = add_watch(ws, "NVDA", entity=True)
    assert by_alias == by_name and not created_alias
    assert [w.watch_id for w in ws.store.list_watches()] == [first.watch_id, by_name.watch_id]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "The watch query is empty"),
        ("？！…", "Query '？！…' has no searchable words"),
        ("算" * 501, "Watch text is 501 characters long; the limit is 500"),
    ],
)
def test_a_query_without_searchable_words_is_refused(ws: Workspace, text: str, message: str) -> None:
    with pytest.raises(BadQueryError, match=message):
        add_watch(ws, text)
    assert ws.store.list_watches() == []


def test_an_unknown_entity_is_refused_with_a_hint(ws: Workspace) -> None:
    with pytest.raises(
        BadQueryError, match="No entity called '不存在的公司'; list known ones with 'suanli kb list'"
    ):
        add_watch(ws, "不存在的公司", entity=True)
    assert ws.store.list_watches() == []


def test_running_an_unknown_watch_id_fails_and_marks_nothing(ws: Workspace) -> None:
    watch, _ = add_watch(ws, "H20 停产")
    with pytest.raises(NotFoundError, match="No watch with id 99; list them with 'suanli watch list'"):
        run_watches(ws, watch_ids=[watch.watch_id, 99])
    assert ws.store.list_watches()[0].last_run_at is None
