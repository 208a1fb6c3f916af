"""Entity mentions: alias matches resolved against the knowledge base, plus pattern-found companies.

An alias shared by several entities (``商务部``: the US or the Chinese ministry; ``浪潮``) is
resolved only when the text decides it: one candidate is also named unambiguously elsewhere in
the text, or its context words appear in the paragraph. Otherwise the mention stays unresolved
with its candidates; it is never guessed. Weak aliases (``曙光``, ``小米``, ``地平线``), which are
also common words, count only with such confirmation and are dropped without it.
"""

from __future__ import annotations

from collections.abc import Sequence

from suanli.models import Article
from suanli.summary.numbers import fold_width

from .discover import discover_companies
from .kb import KnowledgeBase
from .models import Entity, EntityType, Mention


def find_mentions(text: str, kb: KnowledgeBase, *, discover: bool = True) -> list[Mention]:
    """Mentions in one text, in order; offsets index ``text`` as given.

    With ``discover``, company names that the knowledge base does not know but the text marks as
    companies (a stock code after the name, a legal suffix, a filing verb) are added unresolved
    with ``method="pattern"``.

    Example:
        >>> [(m.text, m.entity_id) for m in find_mentions("英伟达H20停产", load_kb())]
        [('英伟达', 'nvidia'), ('H20', 'nvidia-h20')]
    """
    return _resolve([text], kb, discover=discover)[0]


def find_article_mentions(article: Article, kb: KnowledgeBase, *, discover: bool = True) -> list[Mention]:
    """Mentions of every body paragraph, each with its ``paragraph_number``.

    The whole article is the context for resolving shared aliases: ``浪潮`` in paragraph 5 is
    浪潮信息 when paragraph 2 named 浪潮信息.
    """
    paragraphs = article.paragraphs
    found = _resolve([p.text for p in paragraphs], kb, discover=discover)
    return [
        _numbered(m, block.number)
        for block, mentions in zip(paragraphs, found, strict=True)
        for m in mentions
        if block.number is not None
    ]


def _numbered(mention: Mention, number: int | None) -> Mention:
    return Mention(
        mention.text,
        mention.start,
        mention.end,
        mention.entity_id,
        mention.entity_type,
        mention.candidates,
        mention.method,
        number,
    )


def _resolve(texts: Sequence[str], kb: KnowledgeBase, *, discover: bool) -> list[list[Mention]]:
    """Mentions of each text; all texts together are the context of the shared aliases."""
    # 1. Raw matches; excluded phrases (北京东路, 高通胀) take their span and name nothing.
    raw: list[list[tuple[int, int, tuple[str, ...], frozenset[str]]]] = []
    for text in texts:
        matches = []
        for start, end, spelling in kb.matcher.finditer(fold_width(text)):
            target = kb.target(spelling)
            if target is not None:
                matches.append((start, end, target.entity_ids, target.weak_ids))
        raw.append(matches)
    # 2. Entities named unambiguously by a strong alias anywhere in the texts.
    strong = {
        ids[0] for matches in raw for _, _, ids, weak in matches if len(ids) == 1 and ids[0] not in weak
    }
    # 3. Confirm weak aliases, then decide shared ones by the context.
    out: list[list[Mention]] = []
    for text, matches in zip(texts, raw, strict=True):
        mentions: list[Mention] = []
        unconfirmed: dict[tuple[int, int], str] = {}
        for start, end, ids, weak in matches:
            candidates = tuple(i for i in ids if i not in weak or i in strong or _has_context(kb[i], text))
            if not candidates:
                companies = [i for i in ids if kb[i].type == "company"]
                if len(companies) == 1:
                    unconfirmed[(start, end)] = companies[0]
                continue
            entity_id = candidates[0] if len(candidates) == 1 else _decide(candidates, kb, text, strong)
            entity_type = kb[entity_id].type if entity_id else _common_type(candidates, kb)
            pending = () if entity_id else candidates
            mentions.append(Mention(text[start:end], start, end, entity_id, entity_type, pending))
        if discover:
            found = discover_companies(text, [(m.start, m.end) for m in mentions])
            # A weak alias (甲骨文) that the text itself marks as a company (甲骨文股价…) is confirmed.
            found = [_confirmed(m, unconfirmed.get((m.start, m.end))) for m in found]
            mentions = _merge(mentions, found)
        out.append(mentions)
    return out


def _confirmed(mention: Mention, entity_id: str | None) -> Mention:
    if entity_id is None:
        return mention
    return Mention(mention.text, mention.start, mention.end, entity_id, "company", (), "alias")


def _has_context(entity: Entity, text: str) -> bool:
    return any(cue in text for cue in entity.context)


def _decide(candidates: tuple[str, ...], kb: KnowledgeBase, text: str, strong: set[str]) -> str | None:
    scores = []
    for entity_id in candidates:
        entity = kb[entity_id]
        score = 3 if entity_id in strong else 0
        related = {entity.parent, entity.vendor, *kb.children(entity_id)}
        score += 2 if related & strong else 0
        score += sum(1 for cue in entity.context if cue in text)
        scores.append((score, entity_id))
    scores.sort(reverse=True)
    best, runner_up = scores[0][0], scores[1][0]
    return scores[0][1] if best > 0 and best > runner_up else None


def _common_type(candidates: tuple[str, ...], kb: KnowledgeBase) -> EntityType | None:
    types = {kb[i].type for i in candidates}
    return types.pop() if len(types) == 1 else None


def _merge(known: list[Mention], found: list[Mention]) -> list[Mention]:
    if not found:
        return known
    return sorted(known + found, key=lambda m: (m.start, m.end))
