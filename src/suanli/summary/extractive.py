"""The offline, deterministic summary engine: every bullet is a sentence of the article.

Sentences are scored by graph centrality over sentence similarity (TextRank on character
bigrams for zh, content words for en) plus position, overlap with the title, numbers and known
terms; chosen with maximal marginal relevance so no two bullets say the same thing; lightly
trimmed of leading connectives; and grouped into contiguous themes headed by their key terms.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence

from suanli.models import Article, Lang
from suanli.summary.check import check_summary
from suanli.summary.keywords import Candidate, rank_keywords, sentence_candidates, similarity_tokens
from suanli.summary.models import Bullet, Section, Sentence, Summary, make_label
from suanli.summary.numbers import parse_dates, parse_quantities
from suanli.summary.sentences import article_sentences
from suanli.summary.terms import find_terms
from suanli.summary.themes import group_sentences, headings

ENGINE = "extractive"
ENGINE_VERSION = "1.0"
# Characters for zh, words for en. 100 rather than the format's upper bound of 120: measured on
# finna_summ, shorter quick reads match human headlines better (docs/benchmarks.md).
QUICK_READ_LIMIT = {"zh": 100, "en": 60}
# A lede that only says where the news comes from ("据新华社报道，", "8月22日消息，") is dropped
# from the quick read, which has no room for it.
_DATELINE = re.compile(r"^(?:据[^，。]{1,25}?(?:报道|消息)|\d{1,2}月\d{1,2}日(?:早间|晚间)?消息)[，,]")
# The first sentence leads the quick read when it scores at least this share of the best one.
LEDE_SHARE = 0.5
MAX_BULLETS = 22
_TEXTRANK_MAX = 200  # above this many sentences, centroid similarity replaces the O(n^2) graph

_ZH_CONNECTIVE = re.compile(
    r"^(?:与此同时|值得注意的是|值得一提的是|除此之外|总的来说|总体来看|总而言之|另一方面|事实上|此外|另外|同时"
    r"|而且|并且|不过|但是|然而|因此|所以|其中|据悉|据了解|对此|首先|其次|最后|总之|其实|当然|此前)[，,]\s*"
)
_EN_CONNECTIVE = re.compile(
    r"^(?:(?:However|Meanwhile|Moreover|Furthermore|In addition|Additionally|Also|Separately|Besides|Still"
    r"|Nevertheless|Nonetheless|That said|Notably|Indeed|On the other hand|Thus|Therefore|Overall|Finally"
    r"|Likewise|Similarly|In turn)\s*,\s*|(?:But|And|So|Yet)\s+)"
)
_BOILERPLATE = re.compile(
    r"责任编辑|原标题|免责声明|扫码|二维码|点击(?:阅读|查看|关注|下载)|关注(?:我们|公众号)|转载|版权(?:所有|声明)"
    r"|本文(?:来源|作者)|(?:来源|编辑|记者)[:：]|All rights reserved|Subscribe|Sign up|Click here|Read more"
    r"|Copyright",
    re.IGNORECASE,
)
_CUT_POINTS = frozenset("，；,;：:")


def summarize_extractive(article: Article, *, terms: Collection[str] = ()) -> Summary:
    """Summary built only from the article's own sentences, each citing its paragraph.

    Steps: 1. split sentences and find keywords; 2. score sentences; 3. choose diverse top ones;
    4. quick read; 5. core points; 6. group the rest into sections; 7. run the citation check.

    Example:
        >>> summary = summarize_extractive(article, terms=["英伟达", "H20"])  # doctest: +SKIP
        >>> summary.core_points[0].rendered
        '英伟达将恢复H20芯片在中国的销售[2]'
    """
    lang: Lang = "zh" if article.lang == "zh" else "en"
    term_list = tuple(dict.fromkeys(t for t in terms if t.strip()))
    label = make_label(lang, ENGINE, ENGINE_VERSION)
    # 1. Sentences, their similarity tokens and keyword candidates; the article's keywords.
    sentences = article_sentences(article)
    body = "\n".join(b.text for b in article.paragraphs)
    known = find_terms(article.title + "\n" + body, term_list)
    texts = [_trim(s.text, lang) for s in sentences]
    tokens = [similarity_tokens(t, lang) for t in texts]
    cands = [sentence_candidates(t, lang, known, term_list) for t in texts]
    keywords = rank_keywords(article.title, texts, cands, lang, known, term_list)
    # 2.-3. Score and choose.
    scores = _scores(sentences, texts, tokens, cands, similarity_tokens(article.title, lang), lang)
    ranked = [] if not sentences else _select(scores, tokens, _budget(len(sentences)))
    if not ranked:
        return Summary(article.article_id, lang, None, (), (), keywords, ENGINE, ENGINE_VERSION, label)
    # 4. Quick read from the best sentences that fit the length limit; news puts its gist first,
    #    so a substantial first sentence leads.
    if (
        0 in ranked
        and ranked[0] != 0
        and _penalty(texts[0], lang) >= 0.8
        and scores[0] >= LEDE_SHARE * max(scores)
    ):
        ranked = [0, *(i for i in ranked if i != 0)]
    quick_ids, quick_text = _quick_read(ranked, [_strip_dateline(t) for t in texts], lang)
    quick = Bullet(quick_text, _cites(quick_ids, sentences))
    # 5. Core points: the best remaining sentences; a one-sentence article repeats its quick read.
    n_core = 3 if len(ranked) >= 8 else 2
    core_ids = [i for i in ranked if i not in quick_ids][:n_core] or ranked[:1]
    core = tuple(Bullet(_as_bullet(texts[i], lang), (sentences[i].paragraph,)) for i in core_ids)
    # 6. Sections: the other chosen sentences in article order, grouped by theme.
    rest = sorted(i for i in ranked if i not in core_ids)
    groups = group_sentences(rest, sentences, cands)
    sections = tuple(
        Section(heading, tuple(Bullet(_as_bullet(texts[i], lang), (sentences[i].paragraph,)) for i in group))
        for heading, group in zip(headings(groups, cands, keywords, lang), groups, strict=True)
    )
    summary = Summary(
        article.article_id, lang, quick, core, sections, keywords, ENGINE, ENGINE_VERSION, label
    )
    # 7. Check (extractive bullets are quotations, so this only guards against bugs).
    return check_summary(summary, article, entities=term_list)


def extract_keywords(article: Article, *, terms: Collection[str] = ()) -> tuple[str, ...]:
    """3 to 8 keywords of ``article`` as it writes them, known ``terms`` first.

    Example:
        >>> extract_keywords(article, terms=["寒武纪", "英伟达"])  # doctest: +SKIP
        ('寒武纪', '英伟达', 'H20', '国产芯片')
    """
    lang: Lang = "zh" if article.lang == "zh" else "en"
    term_list = tuple(dict.fromkeys(t for t in terms if t.strip()))
    body = "\n".join(b.text for b in article.paragraphs)
    known = find_terms(article.title + "\n" + body, term_list)
    texts = [_trim(s.text, lang) for s in article_sentences(article)]
    cands = [sentence_candidates(t, lang, known, term_list) for t in texts]
    return rank_keywords(article.title, texts, cands, lang, known, term_list)


def _trim(text: str, lang: str) -> str:
    """Drop up to two leading connectives (此外，/ However,) when enough text remains."""
    pattern = _ZH_CONNECTIVE if lang == "zh" else _EN_CONNECTIVE
    for _ in range(2):
        match = pattern.match(text)
        if match is None or len(text) - match.end() < 6:
            break
        text = text[match.end() :]
        if lang == "en" and text[:1].islower():
            text = text[0].upper() + text[1:]
    return text


def _as_bullet(text: str, lang: str) -> str:
    """A sentence as a bullet: no trailing full stop or clause punctuation (citations follow it)."""
    text = text.rstrip().rstrip("；;，,、：:")
    if text.endswith("。"):
        return text[:-1]
    if lang == "en" and text.endswith(".") and not re.search(r"(?:^|[\s.])[A-Z]\.$", text):
        return text[:-1]
    return text


def _scores(
    sentences: Sequence[Sentence],
    texts: Sequence[str],
    tokens: Sequence[frozenset[str]],
    cands: Sequence[Sequence[Candidate]],
    title_tokens: frozenset[str],
    lang: str,
) -> list[float]:
    central = _centrality(tokens)
    scores = []
    for i, (sentence, text) in enumerate(zip(sentences, texts, strict=True)):
        position = 0.75 / math.sqrt(sentence.paragraph) + (0.25 if sentence.position == 0 else 0.0)
        title = len(tokens[i] & title_tokens) / len(title_tokens) if title_tokens else 0.0
        dates = parse_dates(text)
        numbers = len(parse_quantities(text)) + 0.5 * len(dates)
        known = sum(1 for c in cands[i] if c.weight >= 2.0)
        score = (
            0.4 * central[i]
            + 0.2 * position
            + 0.15 * min(1.0, title)
            + 0.15 * min(1.0, numbers / 2)
            + 0.1 * min(1.0, known / 3)
        )
        scores.append(score * _penalty(text, lang))
    return scores


def _penalty(text: str, lang: str) -> float:
    size = len(text) if lang == "zh" else len(text.split())
    short, fair, long = (8, 15, 200) if lang == "zh" else (5, 9, 70)
    factor = 0.2 if size < short else 0.6 if size < fair else 0.8 if size > long else 1.0
    if _BOILERPLATE.search(text):
        factor *= 0.1
    if text.rstrip('”’"」』）)').endswith(("？", "?")):
        factor *= 0.6
    if text.endswith(("：", ":")):  # a lead-in to a quotation or list says little on its own
        factor *= 0.3
    return factor


def _centrality(tokens: Sequence[frozenset[str]]) -> list[float]:
    """TextRank over the sentence graph (edge weight: shared tokens / (log|a| + log|b|)), scaled to 1."""
    n = len(tokens)
    if n == 0:
        return []
    if n > _TEXTRANK_MAX:
        return _centroid(tokens)
    logs = [math.log(len(t) + 1) + 1e-9 for t in tokens]
    neighbours: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for i in range(n):
        ti = tokens[i]
        for j in range(i + 1, n):
            common = len(ti & tokens[j]) if ti else 0
            if common:
                weight = common / (logs[i] + logs[j])
                neighbours[i].append((j, weight))
                neighbours[j].append((i, weight))
    # incoming[i]: (j, share of j's outgoing weight that flows to i)
    out_weight = [sum(w for _, w in nb) for nb in neighbours]
    incoming = [[(j, w / out_weight[j]) for j, w in nb] for nb in neighbours]
    ranks = [1.0] * n
    for _ in range(40):
        new = [0.15 + 0.85 * sum(ranks[j] * share for j, share in inc) for inc in incoming]
        delta = max(abs(a - b) for a, b in zip(new, ranks, strict=True))
        ranks = new
        if delta < 1e-5:
            break
    top = max(ranks)
    return [r / top for r in ranks]


def _centroid(tokens: Sequence[frozenset[str]]) -> list[float]:
    frequency: dict[str, int] = {}
    for ts in tokens:
        for t in sorted(ts):
            frequency[t] = frequency.get(t, 0) + 1
    raw = [sum(frequency[t] - 1 for t in ts) / (math.sqrt(len(ts)) + 1) for ts in tokens]
    top = max(raw) or 1.0
    return [r / top for r in raw]


def _budget(n: int) -> int:
    return min(n, MAX_BULLETS, max(3, round(n * 0.6)))


def _cosine(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _select(scores: Sequence[float], tokens: Sequence[frozenset[str]], budget: int) -> list[int]:
    """Sentence indices by maximal marginal relevance; near-duplicates (cosine > 0.6) are skipped."""
    pool = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    top = scores[pool[0]] or 1.0
    pool = [i for i in pool if scores[i] >= 0.05 * top]
    redundancy = dict.fromkeys(pool, 0.0)
    chosen: list[int] = []
    while pool and len(chosen) < budget:
        best = max(pool, key=lambda i: (0.7 * scores[i] / top - 0.3 * redundancy[i], -i))
        pool.remove(best)
        if redundancy[best] > 0.6:
            continue
        chosen.append(best)
        for i in pool:
            redundancy[i] = max(redundancy[i], _cosine(tokens[i], tokens[best]))
    return chosen


def _strip_dateline(text: str) -> str:
    stripped = _DATELINE.sub("", text)
    return stripped if len(stripped) >= 10 else text


def _quick_read(ranked: Sequence[int], texts: Sequence[str], lang: str) -> tuple[list[int], str]:
    limit = QUICK_READ_LIMIT[lang]

    def size(text: str) -> int:
        return len(text) if lang == "zh" else len(text.split())

    first = ranked[0]
    if size(texts[first]) > limit:
        return [first], _cut(texts[first], limit, lang)
    chosen = [first]
    total = size(_as_sentence(texts[first], lang))
    # Leave the other sentences of a short article to the core points.
    most = min(3, max(1, len(ranked) // 3))
    for i in ranked[1:]:
        if len(chosen) >= most:
            break
        extra = size(_as_sentence(texts[i], lang))
        if total + extra <= limit:
            chosen.append(i)
            total += extra
    chosen.sort()
    joiner = "" if lang == "zh" else " "
    return chosen, joiner.join(_as_sentence(texts[i], lang) for i in chosen)


def _as_sentence(text: str, lang: str) -> str:
    text = text.rstrip().rstrip("；;，,、：:")
    closed = text.rstrip("”’\"'」』）)】》]")
    if closed.endswith(("。", "！", "？", "!", "?", ".")):
        return text
    return text + ("。" if lang == "zh" else ".")


def _cut(text: str, limit: int, lang: str) -> str:
    """The longest run of whole clauses within ``limit``, closed with a full stop; else a hard cut
    that never splits a number (so the cut text still passes the citation check)."""
    if lang == "en":
        words = text.split()[:limit]
        head = " ".join(words)
        cut = max(head.rfind(", "), head.rfind("; "))
        if cut > len(head) // 3:
            return head[:cut] + "."
        while len(words) > 1 and any(c.isdigit() for c in words[-1]):
            words.pop()
        return " ".join(words).rstrip(",;:") + "…"
    depth = 0
    best = -1
    for i, ch in enumerate(text[:limit]):
        if ch in "“「『（(《【":
            depth += 1
        elif ch in "”」』）)》】":
            depth = max(0, depth - 1)
        elif ch in _CUT_POINTS and depth == 0 and i > 0 and not _inside_number(text, i):
            best = i
    if best > limit // 3:
        return text[:best] + "。"
    if len(text) <= limit:
        return text
    end = limit - 1
    while end > 0 and _is_number_char(text[end - 1]) and _is_number_char(text[end]):
        end -= 1
    return text[:end] + "…"


def _is_number_char(ch: str) -> bool:
    return (ch.isascii() and (ch.isalnum() or ch in ".,%")) or ch in "十百千万亿"


def _inside_number(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def _cites(ids: Sequence[int], sentences: Sequence[Sentence]) -> tuple[int, ...]:
    return tuple(sorted({sentences[i].paragraph for i in ids}))
