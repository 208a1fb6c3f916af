"""MinHash signatures compiled with numba: one pass over the shingles, no intermediate arrays.

Imported lazily by :mod:`suanli.stories.minhash`, which falls back to its numpy code when numba
cannot be imported; both give the same values (the tests compare them with each other and with
datasketch). Compiled code is cached on disk, so only the first use in a new installation waits
for the compiler (about a second).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# The same constants as suanli.stories.minhash, written here on purpose: numba's on-disk cache is
# keyed to this file, so a value changed elsewhere would not recompile it (the tests compare both).
_PRIME = np.uint64(0x100000001B3)
_LOW32 = np.uint64(0xFFFFFFFF)
_MAX32 = np.uint32(0xFFFFFFFF)
_C1 = np.uint32(0x85EBCA6B)
_C2 = np.uint32(0xC2B2AE35)


@njit(cache=True, nogil=True)
def signature_kernel(points: np.ndarray, size: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The ``affine32`` MinHash signature of the ``size``-character shingles of code points ``points``.

    Each shingle is hashed as :func:`suanli.stories.minhash.shingle_hashes` does (polynomial hash,
    folded to 32 bits), mixed with MurmurHash3's finaliser, and every permutation ``a * h + b``
    (mod 2**32) keeps its minimum. The permutation loop runs innermost over the shingles, which
    the compiler turns into vector instructions.
    """
    n = points.shape[0]
    count = max(n - size + 1, 1) if n > 0 else 0
    width = min(size, n)
    mixed = np.empty(count, dtype=np.uint32)
    for i in range(count):
        h = np.uint64(0)
        for k in range(width):
            h = h * _PRIME + np.uint64(points[i + k])
        f = np.uint32((h ^ (h >> np.uint64(32))) & _LOW32)
        f ^= f >> np.uint32(16)
        f = np.uint32(f * _C1)
        f ^= f >> np.uint32(13)
        f = np.uint32(f * _C2)
        f ^= f >> np.uint32(16)
        mixed[i] = f
    out = np.empty(a.shape[0], dtype=np.uint32)
    for p in range(a.shape[0]):
        ap = a[p]
        bp = b[p]
        low = _MAX32
        for i in range(count):
            low = min(low, np.uint32(ap * mixed[i] + bp))
        out[p] = low
    return out
