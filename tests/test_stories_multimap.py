"""SortedMultiMap against a plain dict of sets, across its merges."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import numpy as np

from suanli.stories.multimap import MASK64, SortedMultiMap


def test_look_ups_equal_a_dict_of_sets_through_every_merge_level() -> None:
    rng = random.Random(5)
    pool = [rng.getrandbits(64) for _ in range(300)] + [0, 1, MASK64]  # few keys: many rows per key
    small = SortedMultiMap(merge_at=16)  # merges into the middle and large levels early and often
    truth: dict[int, set[int]] = defaultdict(set)
    pairs = 0
    for row in range(2000):
        keys = [rng.choice(pool) for _ in range(rng.randint(0, 6))]  # repeats and empty lists too
        small.add(row, np.array(keys, dtype=np.uint64) if row % 2 else keys)
        pairs += len(keys)
        for key in keys:
            truth[key].add(row)
        if row % 97 == 0:
            query = rng.sample(pool, 5)
            assert small.rows(query) == set().union(*(truth[k] for k in query))
    assert len(small) == pairs  # one pair per key given, repeats included
    for key in pool:
        assert small.rows([key]) == truth[key]
        assert small.rows(np.array([key], dtype=np.uint64)) == truth[key]
    merged = small.merged_keys
    assert len(merged) > 0 and bool(np.all(merged[:-1] <= merged[1:]))
    assert small.rows([]) == set() and small.rows([12345]) == set()


def test_row_hits_count_every_filing_through_every_merge_level() -> None:
    rng = random.Random(8)
    pool = [rng.getrandbits(64) for _ in range(120)]
    small = SortedMultiMap(merge_at=10)
    filed: list[tuple[int, int]] = []
    for row in range(1500):
        keys = [rng.choice(pool) for _ in range(rng.randint(0, 5))]  # a key may repeat within a row
        small.add(row, keys)
        filed.extend((key, row) for key in keys)
        if row % 50 == 0:
            query = rng.sample(pool, 4) + [pool[0]]  # a key asked twice counts twice
            expected = Counter(r for q in query for k, r in filed if k == q)
            assert small.row_hits(query) == expected
            assert small.rows(query) == set(expected)
    assert len(small) == len(filed)
