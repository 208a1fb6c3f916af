"""A compact multimap from 64-bit keys to int32 rows: sorted numpy arrays plus a dict of recent inserts.

Story grouping indexes millions of (key, article) pairs (LSH bands, entity-anchor pairs). Python dicts
of sets would take 100-300 bytes per pair; here a pair takes 12 bytes. Pairs live in three places,
like a small log-structured merge tree:

1. the last few thousand pairs (fewer than ``merge_at``), in a dict that each insert joins (a
   few dict operations cost less than the numpy calls of a sorted insert into a small array);
2. a middle sorted array, which the dict joins when full;
3. the large sorted array, which the middle one joins once it holds an eighth as many pairs.

Joining sorts only the incoming pairs and inserts them among the others (O(n) copying, no full
sort), so an insert costs O(1) amortised copying, and a look-up is one dict look-up per key plus
one ``searchsorted`` per array for all its keys.
"""

from __future__ import annotations

from collections import Counter
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

    def find(self, query: np.ndarray, found: list[int]) -> None:
        """Append to ``found`` the rows under each of the sorted keys ``query`` (once per key)."""
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
                found.extend(rows[lo:hi].tolist())


class SortedMultiMap:
    """Rows by uint64 key; a key may hold many rows and a row many keys."""

    def __init__(self, *, merge_at: int = 4096) -> None:
        self.merge_at = merge_at
        # recent pairs: the first row of each key, and the further rows of the few keys with more
        # (ints in a dict cost the garbage collector nothing; a list per key would)
        self._recent: dict[int, int] = {}
        self._recent_more: dict[int, list[int]] = {}
        self._recent_pairs = 0
        self._middle = _Sorted()
        self._large = _Sorted()

    def __len__(self) -> int:
        return self._recent_pairs + len(self._middle) + len(self._large)

    @property
    def nbytes(self) -> int:
        """Bytes of the sorted arrays (the recent pairs, fewer than ``merge_at``, not counted)."""
        return int(sum(level.keys.nbytes + level.rows.nbytes for level in (self._middle, self._large)))

    @property
    def merged_keys(self) -> np.ndarray:
        """Every key of the middle and large levels, sorted (for tests; it copies the arrays)."""
        return np.sort(np.concatenate([self._middle.keys, self._large.keys]))

    def add(self, row: int, keys: np.ndarray | Iterable[int]) -> None:
        """File ``row`` under each of ``keys`` (uint64 values, or Python ints in ``[0, 2**64)``)."""
        values = keys.tolist() if isinstance(keys, np.ndarray) else list(keys)
        recent = self._recent
        for key in values:
            if key in recent:
                self._recent_more.setdefault(key, []).append(row)
            else:
                recent[key] = row
        self._recent_pairs += len(values)
        if self._recent_pairs >= self.merge_at:
            self._merge()

    def _merge(self) -> None:
        recent, more = self._recent, self._recent_more
        keys = np.fromiter(recent, dtype=np.uint64, count=len(recent))
        rows = np.fromiter(recent.values(), dtype=np.int32, count=len(recent))
        if more:  # after the first rows, so a stable sort keeps each key's rows in insertion order
            extra_keys = np.repeat(np.fromiter(more, dtype=np.uint64), [len(r) for r in more.values()])
            extra_rows = np.fromiter((r for rs in more.values() for r in rs), dtype=np.int32)
            keys, rows = np.concatenate([keys, extra_keys]), np.concatenate([rows, extra_rows])
        self._middle.insert(keys, rows)
        self._recent, self._recent_more, self._recent_pairs = {}, {}, 0
        if len(self._middle) >= max(self.merge_at, len(self._large) // 8):
            self._large.insert(self._middle.keys, self._middle.rows)
            self._middle = _Sorted()

    def rows(self, keys: np.ndarray | Sequence[int]) -> set[int]:
        """Every row filed under at least one of ``keys``."""
        return set(self._found(keys))

    def row_hits(self, keys: np.ndarray | Sequence[int]) -> Counter[int]:
        """Every row filed under at least one of ``keys``, with how many of the keys it is filed under.

        A key given twice counts twice, and so does a row filed twice under one key.
        """
        return Counter(self._found(keys))

    def _found(self, keys: np.ndarray | Sequence[int]) -> list[int]:
        found: list[int] = []
        listed = keys.tolist() if isinstance(keys, np.ndarray) else keys
        recent, more = self._recent, self._recent_more
        for key in listed:
            first = recent.get(key)
            if first is not None:
                found.append(first)
                if more and key in more:
                    found.extend(more[key])
        if len(self._middle) or len(self._large):
            # sorted queries let numpy narrow each binary search from the previous one
            query = np.sort(
                keys.astype(np.uint64, copy=False)
                if isinstance(keys, np.ndarray)
                else np.asarray(listed, dtype=np.uint64)
            )
            self._middle.find(query, found)
            self._large.find(query, found)
        return found
