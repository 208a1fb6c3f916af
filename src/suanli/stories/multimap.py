"""A compact multimap from 64-bit keys to int32 rows: sorted numpy arrays plus a dict of recent inserts.

Story grouping indexes millions of (key, article) pairs (LSH bands, entity-anchor pairs). Python dicts
of sets would take 100-300 bytes per pair; here a pair takes 12 bytes. Pairs live in three sorted
arrays, like a small log-structured merge tree:

1. the last few thousand pairs (fewer than ``merge_at``), which each insert joins;
2. a middle array, which the first joins when full;
3. the large array, which the middle one joins once it holds an eighth as many pairs.

Joining sorts only the incoming pairs and inserts them among the others (O(n) copying, no full
sort), so nothing is done per key in Python, an insert costs O(1) amortised copying, and a
look-up is one ``searchsorted`` per array for all its keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

MASK64 = 0xFFFFFFFFFFFFFFFF


class _Sorted:
    """Pairs sorted by key (equal keys in insertion order)."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint64)
        self.rows = np.zeros(0, dtype=np.int32)

    def __len__(self) -> int:
        return len(self.keys)

    def insert(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Add pairs: sort them, then insert them among the others (O(n) copying, no full sort)."""
        if len(keys) > 1:
            order = np.argsort(keys, kind="stable")
            keys, rows = keys[order], rows[order]
        # new pair i lands after the old pairs with keys up to its own, and after new pairs 0..i-1
        at = self.keys.searchsorted(keys, side="right") + np.arange(len(keys))
        old = np.ones(len(self.keys) + len(keys), dtype=bool)
        old[at] = False
        merged_keys = np.empty(len(old), dtype=np.uint64)
        merged_rows = np.empty(len(old), dtype=np.int32)
        merged_keys[at], merged_rows[at] = keys, rows
        merged_keys[old], merged_rows[old] = self.keys, self.rows
        self.keys, self.rows = merged_keys, merged_rows

    def find(self, query: np.ndarray, found: set[int]) -> None:
        """Add to ``found`` the rows under any of the sorted keys ``query``."""
        keys = self.keys
        if not len(keys):
            return
        left = keys.searchsorted(query, side="left")
        # most keys are absent: one search, then the right edge only for those present
        hit = keys[np.minimum(left, len(keys) - 1)] == query
        if hit.any():
            present = query[hit]
            right = keys.searchsorted(present, side="right")
            rows = self.rows
            for lo, hi in zip(left[hit].tolist(), right.tolist(), strict=True):
                found.update(rows[lo:hi].tolist())


class SortedMultiMap:
    """Rows by uint64 key; a key may hold many rows and a row many keys."""

    def __init__(self, *, merge_at: int = 4096) -> None:
        self.merge_at = merge_at
        self._levels = (_Sorted(), _Sorted(), _Sorted())  # recent, middle, large

    def __len__(self) -> int:
        return sum(len(level) for level in self._levels)

    @property
    def nbytes(self) -> int:
        """Bytes of the sorted arrays."""
        return int(sum(level.keys.nbytes + level.rows.nbytes for level in self._levels))

    @property
    def merged_keys(self) -> np.ndarray:
        """Every key of the middle and large levels, sorted (for tests; it copies the arrays)."""
        return np.sort(np.concatenate([self._levels[1].keys, self._levels[2].keys]))

    def add(self, row: int, keys: np.ndarray | Iterable[int]) -> None:
        """File ``row`` under each of ``keys`` (uint64 values, or Python ints in ``[0, 2**64)``)."""
        values = keys if isinstance(keys, np.ndarray) else np.fromiter(keys, dtype=np.uint64)
        if not len(values):
            return
        recent, middle, large = self._levels
        recent.insert(values.astype(np.uint64, copy=False), np.full(len(values), row, dtype=np.int32))
        if len(recent) < self.merge_at:
            return
        middle.insert(recent.keys, recent.rows)
        if len(middle) >= max(self.merge_at, len(large) // 8):
            large.insert(middle.keys, middle.rows)
            self._levels = (_Sorted(), _Sorted(), large)
        else:
            self._levels = (_Sorted(), middle, large)

    def rows(self, keys: np.ndarray | Sequence[int]) -> set[int]:
        """Every row filed under at least one of ``keys``."""
        found: set[int] = set()
        # sorted queries let numpy narrow each binary search from the previous one
        query = np.sort(np.asarray(keys, dtype=np.uint64))
        for level in self._levels:
            level.find(query, found)
        return found
