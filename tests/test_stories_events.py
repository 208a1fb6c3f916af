"""The same-event rule: anchors (dates, figures), shared entities and the time window."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from suanli.errors import ConfigError
from suanli.stories import EventIndex, EventSignals, StoryConfig, extract_anchors, match_event
from suanli.stories.events import min_key_hits

DAY = datetime(2025, 8, 22, 12, tzinfo=UTC)


def signals(entities: set[str], anchors: set[str], when: datetime | None = DAY) -> EventSignals:
    ts = when.timestamp() if when is not None else None
    return EventSignals(ts, frozenset(entities), frozenset(anchors))


def test_extract_anchors_gives_the_same_anchors_for_zh_and_en_reports() -> None:
    zh = extract_anchors("英伟达8月22日表示暂停H20生产，计提45亿美元费用，股价下跌3.5%。", published_at=DAY)
    en = extract_anchors(
        "Nvidia said on Aug. 22 it would halt H20 output and take a $4.5 billion charge; shares fell 3.5%.",
        published_at=DAY,
    )
    assert zh == en == {"d:2025-08-22", "n:USD:4.5e+09", "n:%:3.5"}


def test_extract_anchors_puts_a_late_december_date_in_the_year_before_a_january_story() -> None:
    anchors = extract_anchors("公司12月30日公告", published_at=datetime(2026, 1, 2, tzinfo=UTC))
    assert anchors == {"d:2025-12-30"}
    assert extract_anchors("公司12月30日公告") == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "2025年营收增长",  # a year
        "共有3家公司参与",  # a small bare number
        "股价涨超4%，盘中跌逾10%",  # hedged, round moves of a market wrap
        "公司计划招聘200人",  # a small count
    ],
)
def test_extract_anchors_skips_numbers_that_any_two_reports_could_share(text: str) -> None:
    assert extract_anchors(text, published_at=DAY) == frozenset()


def test_extract_anchors_keeps_precise_figures_and_large_amounts() -> None:
    anchors = extract_anchors("营收28.81亿元，净利润同比增长56%，拟募资80亿元", published_at=DAY)
    assert anchors == {"n:CNY:2.88e+09", "n:%:56", "n:CNY:8e+09"}


def test_match_event_needs_shared_entities_and_anchors_within_the_window() -> None:
    config = StoryConfig()
    a = signals({"nvidia", "nvidia-h20"}, {"d:2025-08-22", "n:USD:4.5e+09"})
    b = signals({"nvidia", "nvidia-h20", "amkor"}, {"d:2025-08-22", "n:USD:4.5e+09"}, DAY + timedelta(days=1))
    match = match_event(a, b, config)
    assert match is not None and match.score == 4
    assert match.evidence == ("entity:nvidia", "entity:nvidia-h20", "d:2025-08-22", "n:USD:4.5e+09")
    late = signals({"nvidia", "nvidia-h20"}, {"d:2025-08-22", "n:USD:4.5e+09"}, DAY + timedelta(days=4))
    assert match_event(a, late, config) is None
    assert match_event(a, signals({"nvidia", "nvidia-h20"}, {"d:2025-08-22"}, None), config) is None


def test_match_event_rejects_one_entity_and_one_date_as_too_little_evidence() -> None:
    a = signals({"nvidia"}, {"d:2025-03-18"})
    b = signals({"nvidia", "gm"}, {"d:2025-03-18"})
    assert match_event(a, b, StoryConfig()) is None
    loose = StoryConfig(min_evidence=2, min_entity_overlap=0.0, date_only_min_entities=1)
    assert match_event(a, b, loose) is not None


def test_match_event_wants_three_entities_when_only_a_day_is_shared() -> None:
    a = signals({"hygon", "sugon"}, {"d:2025-05-26"})
    assert match_event(a, signals({"hygon", "sugon"}, {"d:2025-05-26"}), StoryConfig()) is None
    b = signals({"hygon", "sugon", "csrc"}, {"d:2025-05-26"})
    assert match_event(signals({"hygon", "sugon", "csrc"}, {"d:2025-05-26"}), b, StoryConfig()) is not None
    assert match_event(
        a, signals({"hygon", "sugon"}, {"d:2025-05-26"}), StoryConfig(date_only_min_entities=2)
    )


def test_match_event_rejects_reports_that_name_different_days() -> None:
    a = signals({"cambricon", "hygon"}, {"d:2025-08-25", "n:%:9.87"})
    b = signals({"cambricon", "hygon"}, {"d:2025-08-26", "n:%:9.87"})
    assert match_event(a, b, StoryConfig()) is None
    assert match_event(a, b, StoryConfig(conflict_guard=False)) is not None


def test_match_event_rejects_a_digest_that_names_many_other_entities() -> None:
    news = signals({"csrc"}, {"d:2026-06-26", "n::5.8e+03"})
    digest = signals({"csrc", "pboc", "mof", "nbs"}, {"d:2026-06-26", "n::5.8e+03"})
    assert match_event(news, digest, StoryConfig()) is None


def test_event_index_returns_the_article_with_the_most_shared_evidence() -> None:
    index = EventIndex(StoryConfig())
    index.add("weak", signals({"nvidia", "intel"}, {"d:2025-08-22", "n:USD:5e+09"}))
    index.add("strong", signals({"nvidia", "intel"}, {"d:2025-08-22", "n:USD:5e+09", "n:USD:23.3"}))
    index.add("undated", signals({"nvidia", "intel"}, {"d:2025-08-22"}, None))
    found = index.best_match(signals({"nvidia", "intel"}, {"d:2025-08-22", "n:USD:5e+09", "n:USD:23.3"}))
    assert found is not None and found[0] == "strong"
    assert len(index) == 2


@pytest.mark.parametrize(
    ("entities", "anchors", "evidence", "hits"),
    [(1, 1, 3, 2), (1, 1, 2, 1), (2, 1, 3, 2), (1, 2, 5, 4), (2, 2, 3, 4), (0, 1, 3, 1), (1, 1, 6, 5)],
)
def test_event_index_finds_what_comparing_with_every_article_finds(
    entities: int, anchors: int, evidence: int, hits: int
) -> None:
    # The index compares only articles sharing at least min_key_hits (anchor, entity) keys; that
    # must never lose a match that comparing the new article with every indexed one would find.
    config = StoryConfig(
        min_shared_entities=entities,
        min_shared_anchors=anchors,
        min_evidence=evidence,
        date_only_min_entities=1,
        min_entity_overlap=0.0,
    )
    assert min_key_hits(config) == hits
    rng = random.Random(entities * 100 + anchors * 10 + evidence)
    names = [f"e{i}" for i in range(8)]
    values = ["d:2025-08-22", "d:2025-08-23"] + [f"n:USD:{i}e+09" for i in range(6)]
    index = EventIndex(config)
    indexed: dict[str, EventSignals] = {}
    found_any = 0
    for i in range(400):
        when = DAY + timedelta(hours=rng.randrange(0, 24 * 6))
        new = signals(
            set(rng.sample(names, rng.randint(1, 5))), set(rng.sample(values, rng.randint(1, 4))), when
        )
        brute = None
        for other_id, other in indexed.items():
            match = match_event(new, other, config)
            if match is not None:
                rank = (-match.score, abs((new.published_ts or 0) - (other.published_ts or 0)), other_id)
                brute = min(brute, rank) if brute is not None else rank
        found = index.best_match(new)
        assert (found[0] if found else None) == (brute[2] if brute else None)
        found_any += found is not None
        index.add(f"a{i}", new)
        indexed[f"a{i}"] = new
    assert found_any > 20


def test_story_config_rejects_bad_values_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match="'duplicate_threshold' must be above 0 and at most 1, got '1.5'"):
        StoryConfig(duplicate_threshold=1.5)
    with pytest.raises(ConfigError, match="'min_shared_anchors' must be 1 or more, got '0'"):
        StoryConfig(min_shared_anchors=0)
    with pytest.raises(ConfigError, match="must not exceed 'num_perm'"):
        StoryConfig(num_perm=64)
    with pytest.raises(ConfigError, match="'event_window_days' must be 0 or more"):
        StoryConfig(event_window_days=-1)
