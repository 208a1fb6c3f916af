"""Stories on a real store: assigned on ingest, stored with the article, restored across runs."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from conftest import make_article
from storytexts import EARNINGS, REPOST, WIRE
from suanli.config import Settings
from suanli.knowledge import KnowledgeBase
from suanli.pipeline import add_inputs, regroup
from suanli.stages.segment import Segmenter
from suanli.stories import StoryConfig
from suanli.stories.minhash import NearDuplicateIndex, make_signature
from suanli.stories.stored import StoredStories, group_unassigned
from suanli.workspace import Workspace, open_workspace

DAY = datetime(2025, 8, 22, 9, 0, tzinfo=UTC)


def _record(ws: Workspace, title: str, paragraphs: list[str], when: datetime, source: str = "test") -> str:
    article = make_article(title, paragraphs, published_at=when, source=source)
    stored = ws.store.add_article(article, story=ws.stories().assign(article))
    assert stored
    return article.article_id


def test_a_repost_joins_the_story_of_the_first_report_and_is_stored_with_it(ws: Workspace) -> None:
    first = _record(ws, "英伟达要求供应商暂停H20生产", WIRE, DAY)
    repost = _record(
        ws, "H20停产？英伟达回应", [*WIRE[:2], WIRE[2] + "（来源：财联社）"], DAY + timedelta(hours=5)
    )
    other = _record(ws, "寒武纪半年报", EARNINGS, DAY)
    ids = ws.store.story_ids([first, repost, other])
    assert ids[first] == ids[repost] == f"s-{first}"
    assert ids[other] == f"s-{other}"
    reports = ws.store.story_reports([ids[first]])[ids[first]]
    assert [r.article_id for r in reports] == [first, repost]
    assert [r.rule for r in reports] == ["new", "near_duplicate"]


def test_a_new_process_restores_the_stored_rows_and_places_a_later_repost(
    settings: Settings, segmenter: Segmenter, kb: KnowledgeBase
) -> None:
    with open_workspace(settings, segmenter=segmenter, kb=kb) as ws:
        first = _record(ws, "英伟达要求供应商暂停H20生产", WIRE, DAY)
    with open_workspace(settings, segmenter=segmenter, kb=kb) as ws:
        late = _record(ws, "英伟达暂停H20", [WIRE[0], WIRE[1] + "。", WIRE[2]], DAY + timedelta(days=2))
        assert ws.store.story_ids([late])[late] == f"s-{first}"


def test_only_rows_of_nearby_days_are_read(ws: Workspace) -> None:
    _record(ws, "寒武纪半年报", EARNINGS, DAY - timedelta(days=200))
    _record(ws, "英伟达要求供应商暂停H20生产", WIRE, DAY)
    fresh = StoredStories(ws.store, ws.settings.story_config(), ws.kb())
    fresh.assign(make_article("H20", [*WIRE, "另外一段。"], published_at=DAY + timedelta(days=1)))
    # the article from 200 days earlier was never loaded; the one a day earlier was
    assert len(fresh.index) == 2


def test_an_article_that_is_not_stored_leaves_no_trace(ws: Workspace) -> None:
    article = make_article("英伟达要求供应商暂停H20生产", WIRE, published_at=DAY)
    stories = ws.stories()
    stories.assign(article)
    stories.discard(article.article_id)
    assert article.article_id not in stories.index
    repost = make_article("转载", [*WIRE[:2], WIRE[2] + "（转载）"], published_at=DAY)
    assert stories.assign(repost).rule == "new"


def test_articles_stored_before_stories_existed_are_grouped_on_the_next_add(
    ws: Workspace, tmp_path: Path
) -> None:
    a = make_article("英伟达要求供应商暂停H20生产", WIRE, published_at=DAY)
    b = make_article("H20停产", [*WIRE[:2], WIRE[2] + "（来源：财联社）"], published_at=DAY)
    assert ws.store.add_article(a) and ws.store.add_article(b)
    assert ws.store.story_ids([a.article_id, b.article_id]) == {}
    empty = tmp_path / "empty"
    empty.mkdir()
    add_inputs([str(empty)], ws)
    ids = ws.store.story_ids([a.article_id, b.article_id])
    assert ids[a.article_id] == ids[b.article_id]


def test_ingested_files_get_stories_through_the_pipeline(ws: Workspace, tmp_path: Path) -> None:
    lines = [
        {
            "title": "英伟达要求供应商暂停H20生产",
            "text": "\n\n".join(WIRE),
            "published_at": "2025-08-22",
            "source": "甲",
        },
        {
            "title": "英伟达H20停产",
            "text": "\n\n".join([*WIRE[:2], WIRE[2] + "（来源：乙）"]),
            "published_at": "2025-08-22",
            "source": "乙",
        },
        {
            "title": "寒武纪半年报",
            "text": "\n\n".join(EARNINGS),
            "published_at": "2025-08-26",
            "source": "丙",
        },
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    report = add_inputs([str(path)], ws)
    assert len(report.added) == 3
    story_of = ws.store.story_ids(list(report.added))
    assert len(set(story_of.values())) == 2
    assert ws.store.story_count() == 2


def test_regroup_applies_changed_thresholds_to_stored_articles(
    settings: Settings, segmenter: Segmenter, kb: KnowledgeBase
) -> None:
    with open_workspace(settings, segmenter=segmenter, kb=kb) as ws:
        first = _record(ws, "英伟达要求供应商暂停H20生产", WIRE, DAY)
        late = _record(
            ws, "英伟达暂停H20", [*WIRE[:2], WIRE[2] + "（来源：财联社）"], DAY + timedelta(days=5)
        )
        assert ws.store.story_ids([late])[late] == f"s-{first}"
    strict = replace(settings, story_duplicate_window_days=1.0)
    with open_workspace(strict, segmenter=segmenter, kb=kb) as ws:
        assert regroup(ws) == 2
        assert ws.store.story_ids([late])[late] == f"s-{late}"


def test_group_unassigned_skips_nothing_and_counts_every_article(ws: Workspace) -> None:
    for n in range(7):
        article = make_article(
            f"第{n}篇", [f"{n}号文章讲的是完全不同的一件事情，编号{n}，内容各不相同。" * 3], published_at=DAY
        )
        ws.store.add_article(article)
    done = group_unassigned(StoredStories(ws.store, ws.settings.story_config(), ws.kb()), batch_size=3)
    assert done == 7
    assert ws.store.ids_without_story() == []


def test_band_index_finds_the_same_candidates_after_its_arrays_are_merged() -> None:
    config = StoryConfig()
    index = NearDuplicateIndex(config)
    index._bands.map.merge_at = 8  # merge after every couple of inserts
    texts = [
        f"第{i}条消息：" + "英伟达暂停H20芯片生产，供应链企业受到影响。" * 4 + f"编号{i}" * 3
        for i in range(40)
    ]
    for i, text in enumerate(texts):
        signature = make_signature(text, config)
        assert signature is not None
        index.add(f"a{i}", signature)
    assert len(index._bands.map.merged_keys) > 0  # merged at least once
    probe = make_signature(texts[17], config)
    assert probe is not None
    found = dict(index.matches(probe))
    assert found["a17"] == 1.0
    index.remove("a17")
    assert "a17" not in dict(index.matches(probe))
    assert np.all(np.diff(index._bands.map.merged_keys.astype(np.float64)) >= 0)


def test_reindex_stories_regroups_from_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from suanli.cli import cli

    data = tmp_path / "cli"
    lines = [
        {"title": "英伟达要求供应商暂停H20生产", "text": "\n\n".join(WIRE), "published_at": "2025-08-22"},
        {
            "title": "英伟达H20停产",
            "text": "\n\n".join([*WIRE[:2], WIRE[2] + "（来源：乙）"]),
            "published_at": "2025-08-27",
        },
    ]
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    runner = CliRunner()
    env = {"SUANLI_DATA_DIR": str(data), "SUANLI_CONFIG": str(tmp_path / "none.toml")}
    assert runner.invoke(cli, ["add", str(path)], env=env).exit_code == 0
    grouped = runner.invoke(cli, ["reindex", "--stories"], env=env)
    assert grouped.exit_code == 0, grouped.output
    assert "grouped 2 articles into 1 story" in grouped.output
    env["SUANLI_STORY_DUPLICATE_WINDOW_DAYS"] = "2"
    regrouped = runner.invoke(cli, ["reindex", "--stories"], env=env)
    assert "grouped 2 articles into 2 stories" in regrouped.output


def test_the_count_of_ungrouped_articles_follows_adds_and_grouping(ws: Workspace) -> None:
    assert ws.store.count_without_story() == 0
    ws.store.add_article(make_article("英伟达要求供应商暂停H20生产", WIRE, published_at=DAY))
    ws.store.add_article(make_article("寒武纪半年报", EARNINGS, published_at=DAY))
    assert ws.store.count_without_story() == 2
    assert group_unassigned(ws.stories()) == 2
    assert ws.store.count_without_story() == 0
    assert group_unassigned(ws.stories()) == 0


def test_a_second_writer_sees_the_stories_another_writer_stored_meanwhile(
    settings: Settings, segmenter: Segmenter, kb: KnowledgeBase
) -> None:
    with (
        open_workspace(settings, segmenter=segmenter, kb=kb) as web,
        open_workspace(settings, segmenter=segmenter, kb=kb) as cli,
    ):
        # Both writers have read the rows of these days already.
        _record(web, "寒武纪半年报", EARNINGS, DAY)
        _record(cli, "第二篇无关文章", [f"{x}（另一家媒体的无关报道，编号甲）" for x in EARNINGS], DAY)
        first = _record(web, "英伟达要求供应商暂停H20生产", WIRE, DAY + timedelta(hours=1))
        repost = _record(cli, "H20停产？", REPOST, DAY + timedelta(hours=2))
        assert cli.store.story_ids([repost])[repost] == f"s-{first}"


def test_rows_after_a_point_leave_out_the_known_ones_but_still_advance(ws: Workspace) -> None:
    start = ws.store.last_story_row()
    mine = _record(ws, "英伟达要求供应商暂停H20生产", WIRE, DAY)
    theirs = _record(ws, "寒武纪半年报", EARNINGS, DAY)
    records, newest = ws.store.story_records_after(start)
    assert [r.article_id for r in records] == [mine, theirs]
    skipped, same_newest = ws.store.story_records_after(start, known={mine})
    assert [r.article_id for r in skipped] == [theirs] and same_newest == newest
    assert skipped[0] == records[1]  # the whole record, as without ``known``
    assert ws.store.story_records_after(start, known={mine, theirs}) == ([], newest)
    assert ws.store.story_records_after(newest) == ([], newest)


def test_bad_story_settings_are_refused_with_the_setting_named() -> None:
    import pytest

    from suanli.config import load_settings
    from suanli.errors import ConfigError

    cases = [
        (
            {"story_duplicate_threshold": "1.5"},
            "Setting 'story_duplicate_threshold' must be above 0 and at most 1",
        ),
        ({"story_min_entity_overlap": "-0.1"}, "Setting 'story_min_entity_overlap' must be between 0 and 1"),
        ({"story_min_shared_anchors": "0"}, "Setting 'story_min_shared_anchors' must be 1 or more"),
        ({"story_event_window_days": "-1"}, "Setting 'story_event_window_days' must be 0 or more"),
    ]
    for env, message in cases:
        environ = {f"SUANLI_{k.upper()}": v for k, v in env.items()} | {"SUANLI_CONFIG": "/nonexistent.toml"}
        with pytest.raises(ConfigError, match=message):
            load_settings(environ=environ)
