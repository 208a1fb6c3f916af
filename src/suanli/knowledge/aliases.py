"""Alias spelling variants and the matcher that finds them all in one pass.

The matcher prefers the longest alias at a position (``昆仑芯P800`` over ``昆仑芯``). Latin aliases
must not touch other Latin letters or digits (``H20`` is not found in ``H200``); Chinese aliases
need no boundary. Text is matched after :func:`suanli.summary.numbers.fold_width`, which keeps
every offset.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CJK_THEN_LATIN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff])([0-9A-Za-z])")
_SEPARATED = re.compile(r"[0-9A-Za-z][ \-][0-9A-Za-z]")


def spelling_variants(alias: str) -> set[str]:
    """Spellings of one alias that the matcher also accepts.

    Example:
        >>> sorted(spelling_variants("MTT S80"))
        ['MTT S80', 'MTT-S80', 'MTTS80']
    """
    base = " ".join(alias.split())
    variants = {base}
    # 1. Separators between Latin parts: "MTT S80", "MTT-S80", "MTTS80".
    if _SEPARATED.search(base):
        for sep in (" ", "-", ""):
            variants.add(re.sub(r"(?<=[0-9A-Za-z])[ \-](?=[0-9A-Za-z])", sep, base))
    # 2. A space may sit between Chinese and Latin parts: "昇腾910C", "昇腾 910C".
    for v in list(variants):
        if _CJK_THEN_LATIN.search(v):
            variants.add(_CJK_THEN_LATIN.sub(r"\1 \2", v))
        variants.add(re.sub(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff]) (?=[0-9A-Za-z])", "", v))
    # 3. Case: only names long enough not to collide with ordinary words or tickers.
    letters = sum(c.isascii() and c.isalpha() for c in base)
    if letters >= 4:
        for v in list(variants):
            variants.update({v.lower(), v.upper(), v[0].upper() + v[1:].lower()})
    return {v for v in variants if v}


class AliasMatcher:
    """Finds the longest known spelling at each position, left to right, without overlaps.

    Spellings are grouped by a key: their first Latin run (``H20`` for ``H20芯片``) when they
    start with a Latin letter or digit, else their first two characters. One C-level regular
    expression yields the candidate keys of a text (Latin runs only where a run starts); for a
    known key the matcher probes that key's spelling lengths, longest first. This beats one giant
    alternation, which Python's regex engine scans branch by branch at every position, and it
    builds in milliseconds.
    """

    __slots__ = ("_words", "_lengths", "_starts")

    def __init__(self, words: Iterable[str]) -> None:
        self._words = frozenset(w for w in words if w)
        lengths: dict[str, set[int]] = {}
        for word in self._words:
            lengths.setdefault(_key(word), set()).add(len(word))
        self._lengths = {k: tuple(sorted(ls, reverse=True)) for k, ls in lengths.items()}
        latin = "".join(sorted({k[0] for k in self._lengths if _is_latin(k[0])}))
        other = "".join(sorted({k[0] for k in self._lengths if not _is_latin(k[0])}))
        parts = []
        if latin:
            parts.append("(?<![0-9A-Za-z])[" + re.escape(latin) + "][0-9A-Za-z]*")
        if other:
            parts.append("[" + re.escape(other) + "]")
        self._starts = re.compile("|".join(parts)) if parts else None

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, spelling)`` of each match in ``text``."""
        if self._starts is None:
            return
        words, lengths, n = self._words, self._lengths, len(text)
        pos = 0
        for hit in self._starts.finditer(text):
            i, run_end = hit.span()
            if i < pos:
                continue
            candidates = lengths.get(hit.group() if run_end - i > 1 else text[i : i + 2])
            if candidates is None:
                candidates = lengths.get(text[i])
                if candidates is None:
                    continue
            for length in candidates:
                j = i + length
                if j > n:
                    continue
                word = text[i:j]
                if word in words and not (j < n and _is_latin(word[-1]) and _is_latin(text[j])):
                    yield i, j, word
                    pos = j
                    break


def _key(word: str) -> str:
    if _is_latin(word[0]):
        return _LATIN_RUN.match(word).group()  # type: ignore[union-attr]
    return word[:2]


_LATIN_RUN = re.compile(r"[0-9A-Za-z]+")


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))
