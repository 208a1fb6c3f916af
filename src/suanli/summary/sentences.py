"""Sentence splitting for Chinese and English article paragraphs.

Full-width ``。！？`` and ASCII ``!?`` end a sentence, together with any closing quotes or brackets
that follow them. An ASCII period ends a sentence only before whitespace and a capital, digit,
opening quote or CJK character, and never after an abbreviation (``U.S.``, ``Inc.``, ``Dr.``) or
between digits (``9.87%``). Overlong sentences are cut at semicolons so bullets stay readable.
"""

from __future__ import annotations

import re

from suanli.models import Article
from suanli.summary.models import Sentence

_HARD_ENDS = frozenset("。！？!?")
_CLOSERS = frozenset("”’\"'」』）)】》]〕〉")
_OPENERS = frozenset("“‘\"'「『（(【《[〔〈")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st inc ltd co corp plc llc vs no nos fig approx est dept gov gen col lt "
    "rep sen jan feb mar apr jun jul aug sep sept oct nov dec mt ft e.g i.e a.m p.m".split()
)
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]$")
_WORD_BEFORE = re.compile(r"[A-Za-z.]+$")
_HAS_CONTENT = re.compile(r"[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]")
_SOFT_SPLIT = re.compile(r"(?<=[；;])")
MAX_SENTENCE_CHARS = {"zh": 160, "en": 400}


def split_sentences(text: str, *, max_chars: int = 0) -> list[str]:
    """Sentences of one paragraph, as written; ``max_chars`` > 0 cuts longer ones at ``；``/``;``.

    Example:
        >>> split_sentences("英伟达涨4.98%。“H20回来了！”他说。The U.S. rose 9.87%. Done")
        ['英伟达涨4.98%。', '“H20回来了！”', '他说。', 'The U.S. rose 9.87%.', 'Done']
    """
    out: list[str] = []
    start = 0
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        end = -1
        if ch == "\n":
            end = i
        elif ch in _HARD_ENDS:
            end = i + 1
            while end < n and text[end] in _HARD_ENDS:
                end += 1
            while end < n and text[end] in _CLOSERS:
                end += 1
        elif ch == "." and _is_period_break(text, i):
            end = i + 1
            while end < n and text[end] in _CLOSERS:
                end += 1
        if end < 0:
            i += 1
            continue
        _emit(text[start:end], out, max_chars)
        start = end if ch != "\n" else end + 1
        i = max(start, i + 1)
    _emit(text[start:], out, max_chars)
    return out


def _is_period_break(text: str, i: int) -> bool:
    n = len(text)
    j = i + 1
    while j < n and text[j] in _CLOSERS:
        j += 1
    if j >= n:
        return True
    if not text[j].isspace():
        return False
    while j < n and text[j].isspace():
        j += 1
    if j >= n:
        return True
    nxt = text[j]
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS or "\u3400" <= nxt <= "\u9fff"):
        return False
    word = _WORD_BEFORE.search(text, max(0, i - 24), i)
    if word is None:
        return True
    token = word.group()
    lowered = token.lower().lstrip(".")
    if lowered in _ABBREVIATIONS or _DOTTED.search(token) is not None:
        return False
    # A single capital before the period is an initial ("J. Smith"), not a sentence end.
    return not (len(token) == 1 and token.isupper())


def _emit(raw: str, out: list[str], max_chars: int) -> None:
    piece = raw.strip()
    if not piece or _HAS_CONTENT.search(piece) is None:
        return
    if max_chars <= 0 or len(piece) <= max_chars:
        out.append(piece)
        return
    for clause in _SOFT_SPLIT.split(piece):
        clause = clause.strip()
        if clause and _HAS_CONTENT.search(clause) is not None:
            out.append(clause)


def article_sentences(article: Article) -> list[Sentence]:
    """Every sentence of the article body, tagged with its paragraph number and order."""
    limit = MAX_SENTENCE_CHARS["zh" if article.lang == "zh" else "en"]
    sentences: list[Sentence] = []
    for block in article.paragraphs:
        if block.number is None:
            continue
        for position, text in enumerate(split_sentences(block.text, max_chars=limit)):
            sentences.append(Sentence(text, block.number, len(sentences), position))
    return sentences
