"""Stories: one story across many reports, and related reads between stories.

Two rules put an article into an existing story (both thresholds live in :class:`StoryConfig`):

- near-duplicate (reposts, light edits, the same wire text under another title): MinHash/LSH
  (datasketch) over character shingles of the normalised body, estimated Jaccard similarity at
  least ``duplicate_threshold``;
- same event (other outlets, other words, either language): published within
  ``event_window_days``, sharing at least ``min_shared_entities`` entities and
  ``min_shared_anchors`` anchors (day-precise dates, numbers with units).

Example:
    >>> index = StoryIndex(StoryConfig())
    >>> for article in articles:  # doctest: +SKIP
    ...     assignment = index.add(story_input(article, entities=entity_ids[article.article_id]))
    >>> records = index.records()  # persist; StoryIndex.from_records(records) restores it  # doctest: +SKIP
"""

from __future__ import annotations

from .events import EventIndex, EventMatch, EventSignals, extract_anchors, match_event
from .grouping import StoryIndex, group_stories, new_story_id, story_input
from .minhash import (
    NearDuplicateIndex,
    estimate_containment,
    estimate_jaccard,
    make_minhash,
    make_signature,
    normalize_for_shingles,
    signature_from_bytes,
    signature_to_bytes,
)
from .models import STORY_RULES, Assignment, Story, StoryConfig, StoryInput, StoryRecord, StoryRule
from .related import ReadCandidate, RelatedConfig, RelatedRead, read_candidate, related_reads

__all__ = [
    "STORY_RULES",
    "Assignment",
    "EventIndex",
    "EventMatch",
    "EventSignals",
    "NearDuplicateIndex",
    "ReadCandidate",
    "RelatedConfig",
    "RelatedRead",
    "Story",
    "StoryConfig",
    "StoryIndex",
    "StoryInput",
    "StoryRecord",
    "StoryRule",
    "estimate_containment",
    "estimate_jaccard",
    "extract_anchors",
    "group_stories",
    "make_minhash",
    "make_signature",
    "match_event",
    "new_story_id",
    "normalize_for_shingles",
    "read_candidate",
    "related_reads",
    "signature_from_bytes",
    "signature_to_bytes",
    "story_input",
]
