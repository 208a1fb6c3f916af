"""Segmentation of Chinese/English text into search tokens, with a domain dictionary.

Index time uses jieba's search mode (a long word also yields its sub-words); query time uses
precise mode, so every query token is also an index token of a document that contains it.
Latin/number runs are kept whole (``h20``, ``46.2%``, ``deepseek-v3.1``) and, at index time,
also emitted as their parts, so ``DeepSeek`` finds ``DeepSeek-V3.1``. Dictionary terms that mix
scripts or contain spaces (``昇腾910C``, ``MTT S4000``) are matched first and kept whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import rjieba

_LATIN = r"[a-z0-9]+(?:[._\-+/][a-z0-9]+)*%?"
_TOKEN_RE = re.compile(rf"(?P<latin>{_LATIN})|(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
_PART_RE = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_IS_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_QUERY_STOPWORDS = frozenset("的 了 和 与 及 是 在 对 把 被 也 就 都 而 或 之".split())


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and letters become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


class Segmenter:
    """Tokenizer shared by indexing and querying; build one per process and reuse it.

    Example:
        >>> Segmenter(["万得GPU指数"]).query_tokens("万得GPU指数涨9.87%")
        ['万得gpu指数', '涨', '9.87%']
    """

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        special: list[str] = []
        for raw in terms:
            term = normalize_text(raw.strip())
            if not term:
                continue
            if _IS_CJK.search(term) and not re.search(r"[a-z0-9 ]", term):
                self._jieba.add_word(term, None, None)
            elif " " in term or (_IS_CJK.search(term) and re.search(r"[a-z0-9]", term)):
                special.append(term)
        special = sorted(set(special), key=len, reverse=True)
        self._special = (
            re.compile("|".join(re.escape(t).replace(r"\ ", r"\s+") for t in special)) if special else None
        )

    def index_tokens(self, text: str) -> list[str]:
        """Tokens for the index: search-mode words plus the parts of compound Latin tokens."""
        return self._tokens(normalize_text(text), for_index=True)

    def query_tokens(self, text: str) -> list[str]:
        """Distinct tokens of a query, in order, without punctuation or (when others remain) stopwords."""
        tokens = list(dict.fromkeys(self._tokens(normalize_text(text), for_index=False)))
        content = [t for t in tokens if t not in _QUERY_STOPWORDS]
        return content or tokens

    def _tokens(self, text: str, *, for_index: bool) -> list[str]:
        out: list[str] = []
        pos = 0
        if self._special is not None:
            for match in self._special.finditer(text):
                self._plain(text[pos : match.start()], out, for_index)
                whole = re.sub(r"\s+", "_", match.group())
                out.append(whole)
                if for_index:
                    self._plain(match.group(), out, for_index)
                pos = match.end()
        self._plain(text[pos:], out, for_index)
        return out

    def _plain(self, text: str, out: list[str], for_index: bool) -> None:
        for match in _TOKEN_RE.finditer(text):
            latin = match.group("latin")
            if latin is not None:
                out.append(latin)
                if for_index:
                    parts = _PART_RE.findall(latin)
                    if len(parts) > 1 or (parts and parts[0] != latin):
                        out.extend(p for p in parts if p != latin)
                continue
            run = match.group("cjk")
            words = self._jieba.cut_for_search(run, False) if for_index else self._jieba.cut(run, False)
            out.extend(words)
