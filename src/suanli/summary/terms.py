"""Finding known names and terms (and product codes like ``H20``) in text, case-insensitively.

Terms made of ASCII letters and digits only match as whole tokens, so ``H20`` is not found in
``H200`` and ``o1`` not in ``Pro1``; Chinese terms match as substrings.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache

from suanli.summary.numbers import fold_width

_CODE = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z0-9.\-]*[A-Za-z])(?=[A-Za-z0-9.\-]*\d)[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*"
)
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def normalize(text: str) -> str:
    """Width-folded, lower-cased text with runs of whitespace as one space."""
    # Short strings (terms, keywords) recur constantly; long ones (paragraphs) rarely.
    return _normalize_short(text) if len(text) <= 48 else " ".join(fold_width(text).lower().split())


@lru_cache(maxsize=8192)
def _normalize_short(text: str) -> str:
    return " ".join(fold_width(text).lower().split())


def mentions(haystack: str, term: str) -> bool:
    """True when normalised ``term`` occurs in normalised ``haystack`` (ASCII ends on token bounds)."""
    if not term:
        return False
    start = haystack.find(term)
    while start >= 0:
        end = start + len(term)
        left_ok = not (_ASCII_WORD.match(term[0]) and start > 0 and _ASCII_WORD.match(haystack[start - 1]))
        right_ok = not (
            _ASCII_WORD.match(term[-1]) and end < len(haystack) and _ASCII_WORD.match(haystack[end])
        )
        if left_ok and right_ok:
            return True
        start = haystack.find(term, start + 1)
    return False


class TermMatcher:
    """Terms normalised once, for repeated look-ups in many texts (build one per dictionary)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.pairs = [(t, k) for t in dict.fromkeys(terms) if (k := normalize(t))]
        # Index by first character so a look-up only tries terms that can start somewhere in the text.
        self._edged = [bool(_ASCII_WORD.match(k[0]) or _ASCII_WORD.match(k[-1])) for _, k in self.pairs]
        self._by_first: dict[str, list[int]] = {}
        for index, (_, key) in enumerate(self.pairs):
            self._by_first.setdefault(key[0], []).append(index)

    def mentioned(self, haystack: str) -> list[tuple[str, str]]:
        """The (term, key) pairs whose key occurs in normalised ``haystack``, in dictionary order."""
        if len(self.pairs) <= 64:
            indices = list(range(len(self.pairs)))
        else:
            indices = []
            for ch in set(haystack):
                indices += self._by_first.get(ch, ())
            indices.sort()
        found = []
        for i in indices:
            key = self.pairs[i][1]
            if key in haystack and (not self._edged[i] or mentions(haystack, key)):
                found.append(self.pairs[i])
        return found

    def find(self, text: str) -> list[str]:
        """The distinct terms mentioned in ``text``, in dictionary order, as ``text`` writes them."""
        return [_surface(text, term) for term, _ in self.mentioned(normalize(text))]


@lru_cache(maxsize=16)
def term_matcher(terms: tuple[str, ...]) -> TermMatcher:
    """A cached :class:`TermMatcher` for a dictionary given as a tuple."""
    return TermMatcher(terms)


def find_terms(text: str, terms: Iterable[str]) -> list[str]:
    """The distinct ``terms`` mentioned in ``text``, in the order given, as ``text`` writes them.

    Example:
        >>> find_terms("Nvidia sold H20 chips, not H200", ["NVIDIA", "H20", "H100"])
        ['Nvidia', 'H20']
    """
    return term_matcher(tuple(terms)).find(text)


def _surface(text: str, term: str) -> str:
    pattern = r"\s+".join(re.escape(part) for part in fold_width(term).split())
    match = re.search(pattern, fold_width(text), re.IGNORECASE)
    return text[match.start() : match.end()] if match is not None else term


def product_codes(text: str) -> list[str]:
    """Tokens mixing Latin letters and digits (``H20``, ``910C``, ``DeepSeek-V3.1``), in order."""
    return [m.group() for m in _CODE.finditer(fold_width(text))]


def drop_contained(terms: Collection[str]) -> list[str]:
    """``terms`` without those inside a longer one of them (``海光`` goes when ``海光信息`` is there)."""
    keys = [normalize(t) for t in terms]
    return [
        term
        for term, key in zip(terms, keys, strict=True)
        if not any(other != key and key in other for other in keys)
    ]
