"""Near-duplicate bodies: MinHash signatures of character shingles and an LSH index to find them.

A body is normalised (NFKC, lower case, only letters, digits and CJK characters kept), cut into
overlapping character k-grams, and each k-gram hashed to 32 bits. The set of hashes becomes a
datasketch MinHash signature (scheme ``affine32``, fixed seed, so signatures are stable across
processes and can be stored): datasketch draws the permutations, and :func:`signature_of_normalized`
applies them the way ``MinHash.update_batch`` does, with less memory traffic.

Candidates come from locality-sensitive hashing over bands of the signature (the banding of
datasketch's ``MinHashLSH``: ``lsh_bands`` bands of ``lsh_rows`` values, two signatures are
candidates when some band is equal); each candidate's estimated Jaccard similarity is then checked
against the threshold with the whole signature.

The band index keeps one 64-bit key per band and article in sorted numpy arrays (12 bytes per band
and article) instead of Python sets, so 100,000 articles take tens of megabytes, not gigabytes.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
from datasketch import MinHash

from suanli.errors import ConfigError

from .models import StoryConfig
from .multimap import SortedMultiMap

logger = logging.getLogger(__name__)

_SCHEME = "affine32"
# Multiplier of the polynomial shingle hash (64-bit FNV prime); uint64 arithmetic wraps on purpose.
_PRIME = np.uint64(0x100000001B3)

Signature = np.ndarray  # uint32 MinHash values, one per permutation


def normalize_for_shingles(text: str) -> str:
    """NFKC, lower case, and nothing but letters, digits and CJK characters.

    Whitespace and punctuation go, so re-wrapped lines, full-width commas or an extra space do not
    make two copies of a text look different.

    Example:
        >>> normalize_for_shingles("英伟达 H20， 停产！")
        '英伟达h20停产'
    """
    return normalized_points(text).tobytes().decode("utf-32-le")


def normalized_points(text: str) -> np.ndarray:
    """:func:`normalize_for_shingles` as uint32 code points (what the shingles are made of).

    The characters kept are looked up in a table of the Basic Multilingual Plane, which takes a
    tenth of the time of a regular expression over a Chinese body.
    """
    if not unicodedata.is_normalized("NFKC", text):  # checking is 1,000x cheaper than normalising
        text = _fold_width(text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    points = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32)
    keep: np.ndarray = points[_KEEP.take(points, mode="clip")]  # clip: beyond the BMP -> the last entry
    return keep


def _fold_width(text: str) -> str:
    """Full-width ASCII and the ideographic space as NFKC has them (ASCII, a space), nothing else.

    Chinese text is rarely NFKC-normalised only because of its full-width commas, colons and
    brackets; folding those leaves most texts normalised, so the whole-text NFKC pass (about a fifth
    of a millisecond for a 1,000-character body) is left for the rest. Each of these characters is
    its own NFKC form's single compatibility decomposition, so NFKC of the result is NFKC of ``text``.
    """
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    wide = (points - _WIDE_FIRST) <= _WIDE_SPAN  # unsigned: below the range wraps to a large number
    space = points == _IDEOGRAPHIC_SPACE
    if not (wide.any() or space.any()):
        return text
    folded = points.copy()
    folded[wide] -= _WIDE_OFFSET
    folded[space] = 0x20
    return folded.tobytes().decode("utf-32-le")


_WIDE_FIRST = np.uint32(0xFF01)  # FULLWIDTH EXCLAMATION MARK .. FULLWIDTH TILDE: ASCII + 0xFEE0
_WIDE_SPAN = np.uint32(0xFF5E - 0xFF01)
_WIDE_OFFSET = np.uint32(0xFEE0)
_IDEOGRAPHIC_SPACE = 0x3000


def _keep_table() -> np.ndarray:
    table = np.zeros(_BEYOND_BMP + 1, dtype=bool)  # the last entry stands for every point beyond
    for first, last in _KEPT_RANGES:
        table[ord(first) : ord(last) + 1] = True
    return table


_KEPT_RANGES = (
    ("0", "9"),
    ("a", "z"),
    ("\u3040", "\u30ff"),  # kana
    ("\u3400", "\u4dbf"),  # CJK extension A
    ("\u4e00", "\u9fff"),  # CJK unified ideographs
    ("\uf900", "\ufaff"),  # CJK compatibility ideographs
    ("\uac00", "\ud7af"),  # Hangul syllables
)
_BEYOND_BMP = 0x10000
_KEEP = _keep_table()


def shingle_hashes(normal: str | np.ndarray, size: int) -> np.ndarray:
    """32-bit hashes of the ``size``-character shingles of already normalised text (with repeats).

    ``normal`` is the text or its code points (:func:`normalized_points`). A text shorter than
    ``size`` is one shingle; an empty text has none.
    """
    if isinstance(normal, str):
        normal = _points_of(normal)
    if not len(normal):
        return np.zeros(0, dtype=np.uint32)
    points = normal.astype(np.uint64)
    count = max(len(points) - size + 1, 1)
    width = min(size, len(points))
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(width):
        hashes = hashes * _PRIME + points[offset : offset + count]
    folded = (hashes ^ (hashes >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    # Repeated shingles are left in: MinHash ignores them, and sorting them out costs more.
    return folded.astype(np.uint32)


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> np.ndarray:
    # Drawing the permutations costs more than hashing a short text; they depend only on these two.
    permutations: np.ndarray = MinHash(num_perm=num_perm, seed=seed, scheme=_SCHEME).permutations
    return permutations


def _identity(value: Any) -> Any:  # Any: an int, or a whole array of them (see make_minhash)
    return value


def _minhash(config: StoryConfig, hashvalues: np.ndarray | None = None) -> MinHash:
    return MinHash(
        num_perm=config.num_perm,
        seed=config.seed,
        hashfunc=_identity,
        permutations=_permutations(config.num_perm, config.seed),
        hashvalues=hashvalues,
        scheme=_SCHEME,
    )


def make_minhash(text: str, config: StoryConfig) -> MinHash | None:
    """datasketch MinHash of a body's shingles, or None when the body has fewer than
    ``config.min_chars`` characters after normalisation."""
    return minhash_of_normalized(normalize_for_shingles(text), config)


def minhash_of_normalized(normal: str, config: StoryConfig) -> MinHash | None:
    """:func:`make_minhash` of text already passed through :func:`normalize_for_shingles`."""
    if len(normal) < max(config.min_chars, 1):
        return None
    minhash = _minhash(config)
    hashes = shingle_hashes(normal, config.shingle_size)
    # The shingles are hashed already (datasketch mixes values with a murmur finaliser before
    # permuting, so our polynomial hashes are safe). Handing update_batch the whole array as one
    # item lets numpy do the work that a per-shingle Python call would do (4x faster signatures);
    # should a datasketch release refuse that, the documented per-item form gives the same result.
    try:
        minhash.update_batch([hashes])
    except (TypeError, ValueError):
        minhash = _minhash(config)
        minhash.update_batch(hashes.tolist())
    return minhash


def estimate_containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Share of the smaller shingle set found in the larger, from their Jaccard similarity and sizes."""
    smaller = min(size_a, size_b)
    if smaller <= 0:
        return 0.0
    return min(1.0, jaccard * (size_a + size_b) / ((1.0 + jaccard) * smaller))


def make_signature(text: str, config: StoryConfig) -> Signature | None:
    """MinHash signature (uint32 values) of a body; None when it is too short (see :func:`make_minhash`).

    Example:
        >>> sig = make_signature("寒武纪发布2025年半年报，营收同比增长42.3倍。" * 3, StoryConfig())
        >>> sig.shape
        (128,)
    """
    return signature_of_normalized(normalized_points(text), config)


def signature_of_normalized(normal: str | np.ndarray, config: StoryConfig) -> Signature | None:
    """:func:`make_signature` of text already passed through :func:`normalize_for_shingles` (or of
    its code points, :func:`normalized_points`).

    The values are those of :func:`minhash_of_normalized` (datasketch's ``affine32`` scheme: the
    MurmurHash3 finaliser, then ``a * h + b`` modulo 2**32 for each permutation, the minimum over
    the shingles), worked out without a MinHash object: by a numba-compiled loop
    (:mod:`suanli.stories._jit`, about fifteen times faster than ``MinHash.update_batch``), or,
    when numba cannot be imported, by numpy (:func:`signature_with_numpy`).
    """
    if len(normal) < max(config.min_chars, 1):
        return None
    kernel = _kernel()
    if kernel is None:
        return signature_with_numpy(normal, config)
    points = normal if isinstance(normal, np.ndarray) else _points_of(normal)
    a, b = _permutations(config.num_perm, config.seed)
    signature: Signature = kernel(points, config.shingle_size, a, b)
    return signature


def signature_with_numpy(normal: str | np.ndarray, config: StoryConfig) -> Signature | None:
    """:func:`signature_of_normalized` in numpy alone: the permutations run along contiguous rows of
    a scratch block kept per thread, a few thousand shingles at a time (about half the time of
    ``MinHash.update_batch``, no new memory per article)."""
    if len(normal) < max(config.min_chars, 1):
        return None
    mixed = _fmix32(shingle_hashes(normal, config.shingle_size))
    a, b = _permutations(config.num_perm, config.seed)
    a_col, b_col = a[:, None], b[:, None]
    signature = np.full(config.num_perm, _MAX32, dtype=np.uint32)
    for start in range(0, len(mixed), _BLOCK):
        part = mixed[start : start + _BLOCK]
        block = _scratch(config.num_perm, len(part))
        np.multiply(a_col, part[None, :], out=block)
        np.add(block, b_col, out=block)
        np.minimum(signature, block.min(axis=1), out=signature)
    return signature


@lru_cache(maxsize=1)
def _kernel() -> Callable[[np.ndarray, int, np.ndarray, np.ndarray], np.ndarray] | None:
    # numba is imported on first use only: reading and searching never pay for it.
    try:
        from ._jit import signature_kernel
    except ImportError as exc:  # numba missing or broken on this platform: numpy does the work
        logger.info("Story signatures computed with numpy (numba is not available: %s)", exc)
        return None
    return signature_kernel


def _points_of(normal: str) -> np.ndarray:
    return np.frombuffer(normal.encode("utf-32-le"), dtype=np.uint32)


_BLOCK = 4096  # shingles per pass: a 2 MiB scratch block at 128 permutations
_MAX32 = np.uint32(0xFFFFFFFF)
_FMIX_C1 = np.uint32(0x85EBCA6B)
_FMIX_C2 = np.uint32(0xC2B2AE35)
_local = threading.local()


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, element-wise (uint32 arithmetic wraps on purpose)."""
    h = values.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= _FMIX_C1
    h ^= h >> np.uint32(13)
    h *= _FMIX_C2
    h ^= h >> np.uint32(16)
    return h


def _scratch(rows: int, columns: int) -> np.ndarray:
    # A contiguous (rows, columns) view of one flat buffer: numpy adds in place twice as fast into
    # contiguous memory as into the first columns of a wider block.
    flat: np.ndarray | None = getattr(_local, "flat", None)
    if flat is None or len(flat) < rows * _BLOCK:
        flat = _local.flat = np.empty(rows * _BLOCK, dtype=np.uint32)
    return flat[: rows * columns].reshape(rows, columns)


def signature_to_bytes(signature: Signature | None) -> bytes:
    """Little-endian uint32 bytes of a signature (``b""`` for None)."""
    if signature is None:
        return b""
    return signature.astype("<u4", copy=False).tobytes()


def signature_from_bytes(data: bytes, config: StoryConfig) -> Signature | None:
    """Inverse of :func:`signature_to_bytes`; raises ConfigError when the length does not fit ``num_perm``."""
    if not data:
        return None
    if len(data) != 4 * config.num_perm:
        raise ConfigError(
            f"Story signature of {len(data)} bytes does not fit 'num_perm' {config.num_perm} "
            f"({4 * config.num_perm} bytes); rebuild the stories from the articles"
        )
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def estimate_jaccard(a: Signature, b: Signature) -> float:
    """Share of equal MinHash values: the estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


class BandIndex:
    """Article rows by LSH band key (``bands`` keys per signature, see :class:`SortedMultiMap`)."""

    def __init__(self, bands: int, rows: int, *, merge_at: int = 4096) -> None:
        self.bands = bands
        self.rows = rows
        self.map = SortedMultiMap(merge_at=merge_at)
        # Band i mixes in its own salt, so equal values in two different bands never collide.
        salts = np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        # A band's key is the polynomial hash salt*P**rows + v0*P**(rows-1) + ... + v_last (mod 2**64),
        # worked out as one weighted sum: the salt term and the weights are fixed.
        powers = [pow(int(_PRIME), i, 2**64) for i in range(rows + 1)]
        self._salted = salts * np.uint64(powers[rows])
        self._weights = np.array(powers[rows - 1 :: -1], dtype=np.uint64)

    def keys(self, hashvalues: np.ndarray) -> np.ndarray:
        """One uint64 key per band of a signature."""
        width = self.bands * self.rows
        values = np.asarray(hashvalues[:width], dtype=np.uint64).reshape(self.bands, self.rows)
        keys: np.ndarray = (values * self._weights).sum(axis=1, dtype=np.uint64) + self._salted
        keys ^= keys >> np.uint64(29)
        return keys

    def add(self, row: int, keys: np.ndarray) -> None:
        self.map.add(row, keys)

    def candidates(self, keys: np.ndarray) -> set[int]:
        """Rows sharing at least one band key with ``keys``."""
        return self.map.rows(keys)

    @property
    def nbytes(self) -> int:
        return self.map.nbytes


class NearDuplicateIndex:
    """Signatures by article id, with an LSH band index that finds near-duplicates of a new signature.

    Example:
        >>> index = NearDuplicateIndex(StoryConfig())
        >>> index.add("a1", make_signature(text, index.config))  # doctest: +SKIP
        >>> index.matches(make_signature(repost, index.config))  # doctest: +SKIP
        [('a1', 0.84)]
    """

    def __init__(self, config: StoryConfig) -> None:
        self.config = config
        self._bands = BandIndex(config.lsh_bands, config.lsh_rows)
        # Signatures live in the rows of one matrix, so the candidates of a query are scored in one
        # numpy operation (common shingles can make an LSH query return hundreds of candidates).
        self._rows: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._matrix = np.zeros((64, config.num_perm), dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._rows

    @property
    def nbytes(self) -> int:
        """Approximate bytes held by signatures and band keys (not counting the id strings)."""
        return int(self._matrix.nbytes + self._bands.nbytes)

    def signature(self, article_id: str) -> Signature | None:
        row = self._rows.get(article_id)
        return None if row is None else self._matrix[row].copy()

    def band_keys(self, signature: Signature | MinHash) -> np.ndarray:
        """The LSH band keys of a signature, to pass to :meth:`matches` and :meth:`add` of one article."""
        return self._bands.keys(_hashvalues(signature))

    def add(self, article_id: str, signature: Signature | MinHash, keys: np.ndarray | None = None) -> None:
        """Index a signature (or the MinHash it came from) under ``article_id``; an id present is replaced.

        ``keys`` are its :meth:`band_keys`, when worked out already.
        """
        if article_id in self._rows:
            self.remove(article_id)
        values = _hashvalues(signature)
        used = len(self._ids)
        if used == len(self._matrix):
            grown = np.zeros((2 * len(self._matrix), self.config.num_perm), dtype=np.uint32)
            grown[:used] = self._matrix
            self._matrix = grown
        self._matrix[used] = values
        self._rows[article_id] = used
        self._ids.append(article_id)
        self._bands.add(used, self._bands.keys(values) if keys is None else keys)

    def remove(self, article_id: str) -> None:
        # The row and its band keys stay (removals are rare); the row no longer names an article.
        row = self._rows.pop(article_id, None)
        if row is not None:
            self._ids[row] = None

    def matches(
        self, signature: Signature | MinHash, keys: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Indexed articles whose estimated Jaccard similarity reaches the threshold, best first.

        Ties are broken by article id, so the answer does not depend on hash-set order. ``keys``
        are the signature's :meth:`band_keys`, when worked out already.
        """
        values = _hashvalues(signature)
        if keys is None:
            keys = self._bands.keys(values)
        rows = sorted(r for r in self._bands.candidates(keys) if self._ids[r] is not None)
        if not rows:
            return []
        equal = np.count_nonzero(self._matrix[rows] == values.astype(np.uint32), axis=1)
        scores = equal / self.config.num_perm
        found: list[tuple[str, float]] = []
        for row, score in zip(rows, scores.tolist(), strict=True):
            article_id = self._ids[row]
            if article_id is not None and score >= self.config.duplicate_threshold:
                found.append((article_id, float(score)))
        found.sort(key=lambda pair: (-pair[1], pair[0]))
        return found


def _hashvalues(signature: Signature | MinHash) -> np.ndarray:
    values = signature.hashvalues if isinstance(signature, MinHash) else signature
    return np.asarray(values).astype(np.uint32)
