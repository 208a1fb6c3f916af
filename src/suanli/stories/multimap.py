"""A compact multimap from 64-bit keys to int32 rows: sorted numpy arrays plus a dict of recent inserts.

Story grouping indexes millions of (key, article) pairs (LSH bands, entity-anchor pairs). Python dicts
of sets would take 100-300 bytes per pair; here a pair takes 12 bytes once merged. Inserts go to a small
dict; once it holds more than an eighth of the sorted pairs (at least ``merge_at``), it is merged in with
one sort, so an insert costs O(log n) amortised and a look-up is one ``searchsorted`` for all its keys.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

MASK64 = 0xFFFFFFFFFFFFFFFF


class SortedMultiMap:
    """Rows by uint64 key; a key may hold many rows and a row many keys."""

    def __init__(self, *, merge_at: int = 4096) -> None:
        self.merge_at = merge_at
        self._keys = np.zeros(0, dtype=np.uint64)
        self._rows = np.zeros(0, dtype=np.int32)
        self._recent: dict[int, list[int]] = {}
        self._recent_count = 0

    def __len__(self) -> int:
        return len(self._keys) + self._recent_count

    @property
    def nbytes(self) -> int:
        """Bytes of the sorted arrays (the recent dict holds at most an eighth as many pairs)."""
        return int(self._keys.nbytes + self._rows.nbytes)

    @property
    def merged_keys(self) -> np.ndarray:
        return self._keys

    def add(self, row: int, keys: Iterable[int]) -> None:
        """File ``row`` under each of ``keys`` (Python ints in ``[0, 2**64)``)."""
        for key in keys:
            self._recent.setdefault(key, []).append(row)
            self._recent_count += 1
        if self._recent_count >= max(self.merge_at, len(self._keys) // 8):
            self._merge()

    def rows(self, keys: np.ndarray | list[int]) -> set[int]:
        """Every row filed under at least one of ``keys``."""
        found: set[int] = set()
        if len(self._keys):
            # sorted queries let numpy narrow each binary search from the previous one
            query = np.sort(np.asarray(keys, dtype=np.uint64))
            left = self._keys.searchsorted(query, side="left")
            right = self._keys.searchsorted(query, side="right")
            hit = right > left
            if hit.any():
                for lo, hi in zip(left[hit].tolist(), right[hit].tolist(), strict=True):
                    found.update(self._rows[lo:hi].tolist())
        if self._recent:
            listed = keys.tolist() if isinstance(keys, np.ndarray) else keys
            for key in listed:
                found.update(self._recent.get(key, ()))
        return found

    def _merge(self) -> None:
        count = self._recent_count
        new_keys = np.fromiter(
            (key for key, rows in self._recent.items() for _ in rows), dtype=np.uint64, count=count
        )
        new_rows = np.fromiter(
            (row for rows in self._recent.values() for row in rows), dtype=np.int32, count=count
        )
        keys = np.concatenate([self._keys, new_keys])
        rows = np.concatenate([self._rows, new_rows])
        order = np.argsort(keys, kind="stable")
        self._keys, self._rows = keys[order], rows[order]
        self._recent = {}
        self._recent_count = 0
