"""make_brief over a real workspace: matching, as-of cutoff, citations, key numbers, timeline, errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from briefcorpus import (
    BEFORE_LATE,
    CAMBRICON,
    CAMBRICON_OTHER,
    ENGLISH,
    H20,
    H20_REPOST,
    LATE,
    LATE_MARKERS,
    ids_by_title,
    ingest,
)
from suanli.brief import Brief, brief_to_dict, render_brief_html, render_brief_markdown
from suanli.briefing import brief_period, make_brief
from suanli.config import Settings
from suanli.errors import BadQueryError
from suanli.knowledge import KnowledgeBase
from suanli.models import Article
from suanli.stages.segment import Segmenter
from suanli.summary import check_bullet
from suanli.workspace import Workspace, open_workspace

NOW = datetime(2025, 9, 10, 12, tzinfo=UTC)
AS_OF = date(2025, 8, 31)


def _settings(folder: Path) -> Settings:
    return Settings(data_dir=str(folder / "data"), allowed_hosts=("127.0.0.1",))


@pytest.fixture(scope="module")
def bws(
    tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter, kb: KnowledgeBase
) -> Iterator[Workspace]:
    folder = tmp_path_factory.mktemp("briefing")
    with open_workspace(_settings(folder), segmenter=segmenter, kb=kb) as ws:
        ingest(folder / "inputs", ws)
        yield ws


@pytest.fixture(scope="module")
def ids(bws: Workspace) -> dict[str, str]:
    return ids_by_title(bws)


def _outputs(brief: Brief) -> dict[str, str]:
    data = brief_to_dict(brief)
    data.pop("generated_at")  # when the brief was made, not what it says
    return {
        "md": render_brief_markdown(brief),
        "html": render_brief_html(brief),
        "json": json.dumps(data, ensure_ascii=False),
    }


def test_cards_are_newest_first_and_the_repost_folds_into_its_story(
    bws: Workspace, ids: dict[str, str]
) -> None:
    brief = make_brief(bws, "寒武纪", now=NOW)
    assert brief.article_count == 5  # every Chinese article names 寒武纪; the English one spells it Cambricon
    leads = [card.lead.title for card in brief.stories]
    assert leads == [LATE["title"], CAMBRICON_OTHER["title"], CAMBRICON["title"], H20["title"]]
    h20 = brief.stories[-1]
    assert h20.more_reports == 1 and h20.reports[1].article_id == ids[H20_REPOST["title"]]
    assert h20.story_id == bws.store.story_ids([ids[H20["title"]]])[ids[H20["title"]]]
    assert all(card.core_points for card in brief.stories)
    assert brief.generated_at == NOW and brief.lang == "zh"


def test_every_development_cites_stored_paragraphs_that_pass_the_citation_check(bws: Workspace) -> None:
    brief = make_brief(bws, "寒武纪", now=NOW)
    assert len(brief.developments) >= 3
    for bullet in [*brief.developments, *(p for c in brief.stories for p in c.core_points)]:
        assert bullet.is_supported and bullet.citations
        cited: dict[str, list[int]] = {}
        for citation in bullet.citations:
            cited.setdefault(citation.article_id, []).append(citation.paragraph)
            assert citation.article_id.startswith(citation.label)
        for article_id, numbers in cited.items():
            article = bws.store.get_article(article_id)
            assert all(article.paragraph(n) is not None for n in numbers)
            assert check_bullet(bullet.text, numbers, article, entities=bws.terms).is_supported


def test_the_halt_development_also_cites_the_repost(bws: Workspace, ids: dict[str, str]) -> None:
    brief = make_brief(bws, "H20 英伟达", now=NOW)
    halt = next(b for b in brief.developments if b.text.startswith("8月22日，英伟达通知"))
    assert [c.article_id for c in halt.citations] == [ids[H20["title"]], ids[H20_REPOST["title"]]]


def test_as_of_leaves_the_later_article_out_of_every_output(bws: Workspace, ids: dict[str, str]) -> None:
    brief = make_brief(bws, "寒武纪 英伟达", as_of=AS_OF, now=NOW)
    assert brief.as_of is not None and brief.as_of.date() == AS_OF and brief.excluded == 0
    late_id = ids[LATE["title"]]
    assert late_id not in {r.article_id for r in brief.sources}
    for name, text in _outputs(brief).items():
        for marker in (*LATE_MARKERS, late_id[:8]):
            assert marker not in text, (name, marker)
        days = re.findall(r"20\d\d-\d\d-\d\d", text)
        assert days and max(days) <= AS_OF.isoformat(), (name, days)
    assert "截至 2025-08-31" in _outputs(brief)["md"]


def test_an_as_of_brief_is_the_brief_made_before_the_later_article_existed(
    bws: Workspace, tmp_path: Path, segmenter: Segmenter, kb: KnowledgeBase
) -> None:
    with open_workspace(_settings(tmp_path), segmenter=segmenter, kb=kb) as past:
        ingest(tmp_path / "inputs", past, BEFORE_LATE)
        then = make_brief(past, "寒武纪", as_of=AS_OF, now=NOW)
    now = make_brief(bws, "寒武纪", as_of=AS_OF, now=NOW)
    assert _outputs(now) == _outputs(then)


class _RecordingStore:
    """The workspace's store, noting which articles are loaded (a wrapper, not a patch)."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.loaded: list[str] = []

    def get_articles(self, article_ids: Sequence[str]) -> list[Article]:
        self.loaded.extend(article_ids)
        articles: list[Article] = self._store.get_articles(article_ids)
        return articles

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_as_of_cuts_the_index_search_so_no_later_article_is_loaded(
    bws: Workspace, ids: dict[str, str]
) -> None:
    recording = _RecordingStore(bws.store)
    ws = Workspace(bws.settings, recording, bws.index, bws.segmenter, bws.terms, bws.kb())
    brief = make_brief(ws, "寒武纪", as_of=AS_OF, now=NOW)
    assert brief.article_count == 4
    assert recording.loaded and ids[LATE["title"]] not in recording.loaded
    # until later than as-of is cut at as-of
    later = make_brief(ws, "寒武纪", until=date(2025, 9, 30), as_of=AS_OF, now=NOW)
    assert later.article_count == 4 and later.until is not None and later.until.date() == AS_OF


def test_key_numbers_show_conflicting_values_side_by_side_with_sources(
    bws: Workspace, ids: dict[str, str]
) -> None:
    brief = make_brief(bws, "寒武纪", as_of=AS_OF, now=NOW)
    revenue = next(row for row in brief.numbers if row.metric == "revenue")
    assert (revenue.subject, revenue.period, revenue.is_conflict) == ("寒武纪", "2025-H1", True)
    assert [(v.value_text, v.sources) for v in revenue.values] == [
        ("28.81亿元", ("测试证券",)),
        ("29.1亿元", ("测试自媒体",)),
    ]
    assert [c.article_id for v in revenue.values for c in v.citations] == [
        ids[CAMBRICON["title"]],
        ids[CAMBRICON_OTHER["title"]],
    ]
    assert brief.numbers[0] == revenue  # conflicts come first
    markdown = render_brief_markdown(brief)
    assert "28.81亿元 (测试证券)" in markdown and "≠ 29.1亿元 (测试自媒体)" in markdown
    assert "⚠ 各方数字不一致" in markdown


def test_the_same_number_from_two_reports_shares_one_cell(bws: Workspace) -> None:
    brief = make_brief(bws, "H20", as_of=AS_OF, now=NOW)
    (charge,) = [row for row in brief.numbers if row.values[0].value_text == "45亿美元"]
    assert not charge.is_conflict and charge.values[0].sources == ("测试快讯", "测试转载")


def test_timeline_lists_day_dated_events_once_each_from_the_earliest_report(
    bws: Workspace, ids: dict[str, str]
) -> None:
    brief = make_brief(bws, "寒武纪", now=NOW)
    days = [e.on for e in brief.timeline]
    assert days == sorted(days) and date(2025, 8, 22) in days and date(2025, 8, 26) in days
    (halt,) = [e for e in brief.timeline if e.event_type == "production_halt"]
    assert halt.on == date(2025, 8, 22) and halt.bullet.citations[0].article_id == ids[H20["title"]]
    assert all(e.bullet.is_supported for e in brief.timeline)


def test_days_are_bounded_in_the_configured_time_zone(bws: Workspace, ids: dict[str, str]) -> None:
    # H20 was published at 07:30 on 22 August in Beijing (still the 21st in UTC).
    before = make_brief(bws, "H20", as_of=date(2025, 8, 21), now=NOW)
    assert before.article_count == 0
    on_the_day = make_brief(bws, "H20", since=date(2025, 8, 22), until=date(2025, 8, 22), now=NOW)
    assert {r.article_id for r in on_the_day.sources} == {ids[H20["title"]], ids[H20_REPOST["title"]]}
    lead = on_the_day.stories[0].lead
    assert lead.published_at is not None and lead.published_at.date() == date(2025, 8, 22)
    assert "测试快讯 · 2025-08-22" in render_brief_markdown(on_the_day)


def test_lang_keeps_articles_in_that_language_and_writes_the_brief_in_it(
    bws: Workspace, ids: dict[str, str]
) -> None:
    brief = make_brief(bws, "Cambricon", lang="en", now=NOW)
    assert [r.article_id for r in brief.sources] == [ids[ENGLISH["title"]]]
    assert render_brief_markdown(brief).startswith("# Briefing: Cambricon")
    assert make_brief(bws, "Cambricon", lang="zh", now=NOW).article_count == 0


def test_entity_keeps_its_articles_and_only_its_numbers(bws: Workspace) -> None:
    brief = make_brief(bws, "寒武纪", entity="英伟达", as_of=AS_OF, now=NOW)
    assert brief.article_count == 2 and {row.subject for row in brief.numbers} == {"英伟达"}


def test_a_query_that_matches_nothing_gives_an_empty_brief(bws: Workspace) -> None:
    brief = make_brief(bws, "量子计算机", now=NOW)
    assert brief.article_count == 0 and brief.stories == () and brief.numbers == ()
    assert "没有符合条件的报道。" in render_brief_markdown(brief)
    assert "没有符合条件的报道。" in render_brief_html(brief)


def test_without_an_article_holding_every_word_the_newest_with_some_are_used(bws: Workspace) -> None:
    brief = make_brief(bws, "寒武纪 量子计算机", as_of=AS_OF, now=NOW)
    assert brief.article_count == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"query": "  "}, "Query is empty; give at least one word"),
        ({"query": "，。！"}, "Query '，。！' has no searchable words"),
        ({"query": "寒武纪", "lang": "fr"}, "Language must be one of zh, en, got 'fr'"),
        (
            {"query": "寒武纪", "since": date(2025, 9, 1), "until": date(2025, 8, 1)},
            "Date range is empty: since '2025-09-01' is after until '2025-08-01'; swap them",
        ),
        (
            {"query": "寒武纪", "since": date(2025, 9, 1), "as_of": date(2025, 8, 31)},
            "Date range is empty: since '2025-09-01' is after as-of '2025-08-31'",
        ),
        ({"query": "寒武纪", "max_articles": 0}, "Article limit must be between 1 and 1000, got '0'"),
        ({"query": "寒武纪", "entity": "没有这个实体"}, "No entity called '没有这个实体'"),
    ],
)
def test_bad_input_raises_a_clear_bad_query_error(
    bws: Workspace, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(BadQueryError, match=re.escape(message)):
        make_brief(bws, **kwargs)


def test_brief_period_turns_days_into_local_moments_and_cuts_until_at_as_of() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    period = brief_period(date(2025, 8, 1), date(2025, 9, 30), date(2025, 8, 31), tz=tz)
    assert period.since == datetime(2025, 8, 1, tzinfo=tz)
    assert period.until == period.as_of == datetime(2025, 8, 31, 23, 59, 59, 999999, tzinfo=tz)
    open_ended = brief_period(None, None, date(2025, 8, 31), tz=tz)
    assert open_ended.until is None and open_ended.last == open_ended.as_of
    moment = datetime(2025, 8, 31, 12, tzinfo=UTC)
    assert brief_period(None, moment, None, tz=tz).until == moment
