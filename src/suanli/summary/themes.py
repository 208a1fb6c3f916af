"""Grouping of chosen sentences into themed sections, each headed by its distinctive key terms.

Sentences stay in article order: a section is a contiguous run of them, and the cuts fall where
key terms change and paragraphs are far apart (a small dynamic programme over cut points).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

from suanli.models import Lang
from suanli.summary.keywords import Candidate
from suanli.summary.models import Sentence
from suanli.summary.terms import normalize


def _keys(cands: Sequence[Candidate]) -> frozenset[str]:
    return frozenset(normalize(c.text) for c in cands)


def group_sentences(
    items: list[int], sentences: Sequence[Sentence], cands: Sequence[Sequence[Candidate]]
) -> list[list[int]]:
    """Split ``items`` (article order) into 2-6 contiguous groups of 2-6, cutting where topics change."""
    m = len(items)
    if m < 4:
        return [items] if items else []
    lo, hi = max(2, math.ceil(m / 6)), min(6, m // 2)
    target = min(hi, max(lo, round(m / 3)))
    keys = [_keys(cands[i]) for i in items]
    gain = [0.0] * m  # gain[k]: how good a cut before items[k] is
    for k in range(1, m):
        left = frozenset().union(*keys[max(0, k - 2) : k])
        right = frozenset().union(*keys[k : k + 2])
        overlap = len(left & right) / len(left | right) if left | right else 0.0
        gap = sentences[items[k]].paragraph - sentences[items[k - 1]].paragraph
        gain[k] = (1.0 - overlap) + (0.0 if gap == 0 else 0.3 if gap == 1 else 0.6)
    # Dynamic programme over (items used, groups made) keeping group sizes within 2..6.
    best: dict[tuple[int, int], tuple[float, int]] = {(0, 0): (0.0, -1)}
    for j in range(2, m + 1):
        for g in range(1, target + 1):
            for size in range(2, 7):
                prev = best.get((j - size, g - 1))
                if prev is None:
                    continue
                value = prev[0] + (gain[j - size] if j - size > 0 else 0.0)
                if (j, g) not in best or value > best[(j, g)][0] + 1e-12:
                    best[(j, g)] = (value, j - size)
    if (m, target) not in best:
        return [items[k : k + 6] for k in range(0, m, 6)]
    groups: list[list[int]] = []
    j, g = m, target
    while g > 0:
        start = best[(j, g)][1]
        groups.append(items[start:j])
        j, g = start, g - 1
    return groups[::-1]


def headings(
    groups: Sequence[Sequence[int]],
    cands: Sequence[Sequence[Candidate]],
    keywords: Collection[str],
    lang: Lang,
) -> list[str]:
    """A distinct heading per group; groups without key terms get "其他要点<n>" / "Other points <n>"."""
    used: set[str] = set()
    keys = {normalize(k) for k in keywords}
    out = []
    for number, group in enumerate(groups, start=1):
        fallback = f"其他要点{number}" if lang == "zh" else f"Other points {number}"
        out.append(_heading(group, groups, cands, used, keys, lang) or fallback)
    return out


def _heading(
    group: Sequence[int],
    groups: Sequence[Sequence[int]],
    cands: Sequence[Sequence[Candidate]],
    used: set[str],
    keywords: Collection[str],
    lang: str,
) -> str:
    """One or two key terms distinctive of ``group``, e.g. ``'寒武纪与营收'``; '' when there are none."""
    inside: dict[str, float] = {}
    surface: dict[str, str] = {}
    first: dict[str, int] = {}
    for i in group:
        for c in cands[i]:
            key = normalize(c.text)
            inside[key] = inside.get(key, 0.0) + c.weight * (1.5 if key in keywords else 1.0)
            surface.setdefault(key, c.text)
            first.setdefault(key, len(first))
    outside: dict[str, int] = {}
    for other in groups:
        if other is group:
            continue
        for i in other:
            for key in _keys(cands[i]):
                outside[key] = outside.get(key, 0) + 1
    ranked = sorted(inside, key=lambda k: (-inside[k] / (1 + 0.5 * outside.get(k, 0)), first[k]))
    picked: list[str] = []
    for key in ranked:
        if key in used or any(key in p or p in key for p in picked):
            continue
        picked.append(key)
        if len(picked) == 2:
            break
    if not picked:
        return ""
    used.update(picked)
    words = [surface[k] for k in picked]
    if lang == "zh":
        return "与".join(words)
    heading = " and ".join(words)
    return heading[0].upper() + heading[1:]
