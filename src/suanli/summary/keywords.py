"""Key terms of sentences and articles: known domain terms first, then names, codes and nouns.

Chinese candidates come from rjieba part-of-speech tags (nouns, names, Latin tokens) with the
domain terms added to its dictionary; English candidates are known terms, capitalised names,
acronyms and frequent content words. Every candidate is text found in the article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import rjieba

from suanli.summary.terms import drop_contained, find_terms, normalize

_IS_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.\-+][A-Za-z0-9]+)*%?")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*[A-Za-z0-9]|[A-Za-z]")
_EN_NAME = re.compile(
    r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9&.\-]*(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z][A-Za-z0-9&.\-]*)*"
)
_NOUN_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "eng", "j"})
_STOP_CHARS = frozenset("的了是在和与及等也将对为从而其这那个之于以被把就都或并已又还有中上下不能会让向")
_ZH_GENERIC = frozenset(
    "公司 企业 市场 行业 产品 问题 方面 情况 时间 消息 报道 记者 今年 去年 明年 目前 全球 国内 国外 海外 "
    "领域 业务 能力 水平 数据 规模 需求 方式 部分 过程 用户 客户 平台 项目 系统 服务 模式 趋势 时代 未来 "
    "背景 整体 方向 作用 影响 成本 价格 人士 分析 表示 认为 期间 左右 以上 同比 环比 时候 原因 结果 "
    "工作 内容 信息 基础 关键 核心 重要 主要 相关 进一步 一方面 季度 年度 月份 全年 上市 发展 "
    "支持 国家 技术 情况下 方式 行业内".split()
)
EN_STOPWORDS = frozenset(
    "a an the and or but if then than that this these those there here it its it's they them their "
    "we our you your he she his her i me my of to in on at by for with from as into over under about "
    "after before between during through since until up down out off again also just only very more "
    "most much many some such no not nor so too can could may might must shall should will would do "
    "does did done be is are was were been being have has had having which who whom whose what when "
    "where why how all any each both few other own same s said says say according however meanwhile "
    "moreover furthermore also while although though because new year years per cent percent one two "
    "three four five six seven eight nine ten first second last next week month months day days time "
    "company companies market markets including include includes including around nearly almost "
    "least well still even yet thousand million billion trillion quarter quarters earlier later told "
    "added percentage points".split()
)
_EN_TITLE_STOP = EN_STOPWORDS | frozenset(
    "january february march april may june july august september october november december monday "
    "tuesday wednesday thursday friday saturday sunday mr mrs ms dr".split()
)


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    weight: float


@lru_cache(maxsize=8)
def _tagger(terms: tuple[str, ...]) -> rjieba.Jieba:
    jieba = rjieba.Jieba()
    for term in terms:
        if _IS_CJK.search(term) and not re.search(r"[A-Za-z0-9\s]", term):
            jieba.add_word(term, None, None)
    return jieba


def similarity_tokens(text: str, lang: str) -> frozenset[str]:
    """Tokens for sentence similarity: CJK character bigrams and Latin words (zh), content words (en)."""
    lowered = normalize(text)
    tokens: set[str] = set()
    if lang == "zh":
        for run in _CJK_RUN.findall(lowered):
            for i in range(len(run) - 1):
                a, b = run[i], run[i + 1]
                if a not in _STOP_CHARS and b not in _STOP_CHARS:
                    tokens.add(run[i : i + 2])
        tokens.update(t for t in _LATIN_TOKEN.findall(lowered) if len(t) > 1 or t.isdigit())
    else:
        for word in _EN_WORD.findall(lowered):
            if word in EN_STOPWORDS or len(word) < 2:
                continue
            tokens.add(
                word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word
            )
        tokens.update(t for t in _LATIN_TOKEN.findall(lowered) if any(c.isdigit() for c in t))
    return frozenset(tokens)


def sentence_candidates(text: str, lang: str, known: Sequence[str], terms: Sequence[str]) -> list[Candidate]:
    """Keyword candidates of one sentence; ``known`` are the terms already found in its article."""
    found_known = find_terms(text, known)
    out = [Candidate(t, 2.0) for t in drop_contained(found_known)]
    covered = [normalize(t) for t in found_known]
    if lang == "zh":
        others = _zh_candidates(text, terms)
    else:
        others = _en_candidates(text)
    for cand in others:
        key = normalize(cand.text)
        if not any(key in c or c in key for c in covered):
            out.append(cand)
            covered.append(key)
    return out


def _zh_candidates(text: str, terms: Sequence[str]) -> list[Candidate]:
    out: list[Candidate] = []
    for word, tag in _tagger(tuple(terms)).tag(text):
        word = word.strip()
        if tag not in _NOUN_TAGS or word in _ZH_GENERIC:
            continue
        if _IS_CJK.search(word):
            if len(word) < 2 or word[0] in _STOP_CHARS or word[-1] in _STOP_CHARS:
                continue
            if not any(c.isdigit() for c in word):
                out.append(Candidate(word, 1.2 if len(word) >= 3 else 1.0))
        elif len(word) >= 2 and (any(c.isupper() for c in word) or any(c.isdigit() for c in word)):
            if not word.replace(".", "").isdigit():
                out.append(Candidate(word, 1.3))
    return out


def _en_candidates(text: str) -> list[Candidate]:
    out: list[Candidate] = []
    spans: list[tuple[int, int]] = []
    for match in _EN_NAME.finditer(text):
        words = match.group().split()
        while words and words[0].lower().strip(".") in _EN_TITLE_STOP:
            words = words[1:]
        while words and words[-1].lower() in ("of", "and", "&"):
            words = words[:-1]
        phrase = " ".join(words).rstrip(".-")
        if len(phrase) < 2 or phrase.lower() in _EN_TITLE_STOP:
            continue
        out.append(Candidate(phrase, 1.5))
        spans.append(match.span())
    for match in _EN_WORD.finditer(text):
        word = match.group()
        if any(s <= match.start() < e for s, e in spans):
            continue
        lowered = word.lower()
        if len(word) >= 5 and word.islower() and lowered not in EN_STOPWORDS:
            out.append(Candidate(lowered, 0.6))
    return out


def rank_keywords(
    title: str,
    sentences: Sequence[str],
    per_sentence: Sequence[Sequence[Candidate]],
    lang: str,
    known: Sequence[str],
    terms: Sequence[str],
    *,
    limit: int = 8,
) -> tuple[str, ...]:
    """3 to ``limit`` distinct keywords of an article, best first.

    Known terms weigh double; words in the title and the first sentences weigh more; a word must
    occur twice (or in the title, or be a known term) to be chosen beyond the first three.
    """
    scores: dict[str, float] = {}
    counts: dict[str, int] = {}
    surface: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    title_cands = sentence_candidates(title, lang, known, terms) if title.strip() else []
    for order, cands in enumerate([title_cands, *per_sentence]):
        bonus = 3.0 if order == 0 else (1.5 if order <= 3 else 1.0)
        for cand in cands:
            key = normalize(cand.text)
            scores[key] = scores.get(key, 0.0) + cand.weight * bonus
            counts[key] = counts.get(key, 0) + (2 if order == 0 else 1)
            surface.setdefault(key, cand.text)
            first_seen.setdefault(key, order)
    ranked = sorted(scores, key=lambda k: (-scores[k], first_seen[k], k))
    chosen: list[str] = []
    known_keys = {normalize(t) for t in known}
    for key in ranked:
        if len(chosen) >= limit:
            break
        if any(key in c or c in key for c in chosen):
            continue
        if len(chosen) >= 3 and counts[key] < 2 and key not in known_keys:
            continue
        chosen.append(key)
    return tuple(surface[k] for k in chosen)
