"""RawPage -> Article: find the main text, sort its blocks by kind and number the body paragraphs.

HTML goes through trafilatura (readability-lxml when trafilatura finds nothing); text,
Markdown and PDF text are split on blank lines. Every block gets a kind (body, heading,
byline, caption, disclaimer, boilerplate); only body blocks are numbered, from 1.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import lxml.html
import trafilatura
from lxml import etree

from suanli.errors import ExtractError
from suanli.models import Article, Block, BlockKind, RawPage
from suanli.text.charset import decode_html, decode_text
from suanli.text.dates import find_date, parse_date
from suanli.text.lang import detect_lang

logger = logging.getLogger(__name__)

_FINAL_PUNCT = "。！？!?.…；;"
_CJK_CHAR = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_WS = re.compile(r"\s+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTAINERS = frozenset({"main", "div", "list", "quote", "section", "body"})
_HTML_BLOCKS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre"})
_DROPPED_PARAMS = frozenset({"spm", "from"})
_DATE_METAS = frozenset(
    {"article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "publish-date"}
)
_MAX_SHORT = 80
_HAS_LETTER = re.compile(r"[^\W\d_]")
_BREAK = "\u2029"  # stands for <br> in readability output until blocks are split

# --- Block classification rules -------------------------------------------------------------
_BOILERPLATE_ANY = re.compile(
    r"版权所有|版權所有|未经授权|未經授權|未经许可|禁止转载|不得转载|不得轉載|转载请注明|扫码关注|扫描二维码|"
    r"长按识别|阅读原文|点击上方|ICP备|©|Copyright\s*(?:\(c\)|\d{4})|(?i:all rights reserved)"
)
_BOILERPLATE_START = re.compile(
    r"^(?:分享到|相关阅读|推荐阅读|延伸阅读|相關閱讀|关注我们|"
    r"(?i:sign up|subscribe|share this|follow us|read more|related stories|click here|download our app))"
)
_DISCLAIMER_START = re.compile(
    r"^[【\[（(]?\s*(?:免责声明|免責聲明|特别声明|特別聲明|重要声明|法律声明|风险提示|風險提示"
    r"|(?i:disclaimer|disclosure))"
)
_DISCLAIMER_ANY = re.compile(
    r"不构成投资建议|不構成投資建議|本文不代表|投资需谨慎|投資需謹慎|"
    r"(?i:not investment advice|not constitute (?:investment|financial) advice"
    r"|for informational purposes only)"
)
_CAPTION_START = re.compile(
    r"^[（(]?\s*(?:(?:图片来源|圖片來源|图源|圖源|资料来源|資料來源|数据来源|數據來源|配图|题图|图片|圖片|图|圖)"
    r"\s*\d*\s*[:：/／|｜丨]|图\s*\d+\s"
    r"|(?i:sources?:|photo:|photograph:|image:|credit:|chart:|photo by|image by))"
)
_CAPTION_INLINE = re.compile(r"[（(]\s*(?:图|圖|图片|圖片)\s*[/／:：][^）)]{1,20}[）)]")
_ZH_MARK = re.compile(
    r"(本文作者|本文来源|本文來源|责任编辑|責任編輯|实习记者|作者|记者|記者|编辑|編輯|责编|撰文|实习生|實習生|"
    r"通讯员|通訊員|整理|来源|來源|文)\s*(?:[|｜丨:：/／]|\s)\s*"
)
_ZH_NAME = re.compile(
    r"(?:[\u4e00-\u9fff·]{2,4}|[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2})(?=$|[\s、,，|｜丨/／)）])"
)
_NAME_GAP = re.compile(r"[\s、,，]*")
_NOT_NAMES = frozenset({"发布于", "发布时间", "发表于", "时间", "日期", "摄影", "报道", "报导"})
_SOURCE_MARKS = frozenset({"来源", "來源", "本文来源", "本文來源"})
_EN_BYLINE = re.compile(
    r"^(?:(?:Additional )?[Rr]eporting |Reported |Written |Edited |Editing |Words |Text )?[Bb]y\s+[A-Z]"
)
_EN_NAME = re.compile(r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}")
_META_LINE = re.compile(
    r"^(?:发布时间|发布于|发表于|更新时间|发布日期|發佈時間|(?i:published|updated|posted)"
    r"|[\d\s年月日:/.-]+(?:来源|來源|作者|编辑|记者|(?i:source|by)))"
)
_DATELINE_NOISE = re.compile(
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|updated|published|posted|on|at|am|pm|gmt|utc|[ecmp][sd]t)|"
    r"发布时间|发布于|更新于|时间|日期|[年月日号\d\s:：/.,，|｜–-]"
)


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    is_head: bool = False


@dataclass(frozen=True, slots=True)
class _Found:
    """What one extractor found in a document, before classification."""

    candidates: tuple[_Candidate, ...]
    title: str | None = None
    author: str | None = None
    date_text: str | None = None
    sitename: str | None = None
    canonical_url: str | None = None
    header_texts: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def extract_article(raw: RawPage, *, tz: ZoneInfo, now: datetime) -> Article:
    """Extract the article in ``raw``; body paragraphs are numbered 1..n.

    1. Find candidate blocks and page metadata (HTML or text path).
    2. Split leading bylines, classify blocks, drop repeats and a first block equal to the title.
    3. Settle title, authors, publish date, source and canonical URL.
    4. Number the body and hash it.

    Raises:
        ExtractError: undecodable or binary input, or no body paragraph left.

    Example:
        >>> page = RawPage(origin="a.txt", kind="text", text="标题\\n\\n正文第一段。")
        >>> extract_article(page, tz=ZoneInfo("Asia/Shanghai"), now=datetime(2025, 8, 25, tzinfo=UTC)).title
        '标题'
    """
    # 1. Candidates and metadata.
    local_now = now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
    found = _from_html(raw, local_now) if raw.kind == "html" else _from_text(raw)
    if not found.candidates:
        hint = "an article page and not a list or login page" if raw.kind == "html" else "not empty"
        raise ExtractError(f"'{raw.origin}' has no main text; check that it is {hint}")
    heads = [c.text for c in found.candidates if c.is_head]
    first = found.candidates[0].text
    fallback_title = heads[0] if heads else first if len(first) <= 60 else first[:60]
    title = _strip_site_suffix(raw.title or found.title or fallback_title)
    # 2. Blocks.
    kinds_texts = _classify(found.candidates, title)
    body = [text for kind, text in kinds_texts if kind == "body"]
    if not body:
        raise ExtractError(
            f"'{raw.origin}' has no body paragraphs, only navigation, bylines or boilerplate; "
            "check that it is an article page"
        )
    blocks, number = [], 0
    for position, (kind, text) in enumerate(kinds_texts):
        if kind == "body":
            number += 1
        blocks.append(Block(position, kind, text, number if kind == "body" else None))
    # 3. Metadata.
    warnings = list(found.warnings)
    header_texts = [*found.header_texts, *(t for k, t in kinds_texts[:8] if k != "body")]
    published_at = _published_at(raw, found, header_texts, tz, local_now, warnings)
    authors = raw.authors or _authors(kinds_texts, found.author)
    host = urlsplit(raw.url).hostname if raw.url else None
    canonical = found.canonical_url or raw.url
    # 4. Hash and build.
    content_hash = _content_hash(body)
    fetched_at = raw.fetched_at or local_now
    return Article(
        article_id=content_hash[:16],
        title=title,
        blocks=tuple(blocks),
        lang=detect_lang("\n".join(body)),
        content_hash=content_hash,
        url=raw.url,
        canonical_url=_normalize_url(canonical) if canonical else None,
        source=raw.source or found.sitename or host or "local",
        published_at=published_at,
        fetched_at=(fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=tz)).astimezone(UTC),
        authors=authors,
        is_sample=raw.is_sample,
        warnings=tuple(warnings),
    )


def _normalize_url(url: str) -> str:
    """Lowercase scheme and host; drop fragment, default port and ``utm_*``/``spm``/``from`` parameters."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return url.strip()
    host = (parts.hostname or "").lower()
    host = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    if port is not None and (scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in _DROPPED_PARAMS
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def _strip_site_suffix(title: str) -> str:
    """Remove a trailing site name such as " - 36氪" or "_新浪财经" (at most two)."""
    title = _clean(title)
    for _ in range(2):
        seps = list(re.finditer(r"\s+[-|–—]\s+|\s*[_｜|]\s*", title))
        if not seps:
            break
        head, tail = title[: seps[-1].start()].strip(), title[seps[-1].end() :].strip()
        if not head or len(tail) > 20 or len(tail) >= len(head) or tail[-1:] in _FINAL_PUNCT:
            break
        title = head
    return title


# --- HTML ------------------------------------------------------------------------------------


def _from_html(raw: RawPage, local_now: datetime) -> _Found:
    warnings: list[str] = []
    if raw.content:
        decoded = decode_html(raw.content, header_charset=raw.header_charset, origin=raw.origin)
        html = decoded.text
        if decoded.is_redetected:
            warnings.append(
                f"'{raw.origin}' did not decode in its declared charset; read it as '{decoded.charset}'"
            )
    else:
        html = raw.text or ""
    html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        raise ExtractError(f"'{raw.origin}' is empty; check the file or URL")
    tree = _parse_html(html)
    # readability logs a traceback on documents lxml finds empty, so it only sees parsable ones.
    found = _trafilatura(html, raw.url, local_now) or (_readability(html) if tree is not None else None)
    return replace(
        found or _Found(()),
        canonical_url=_canonical(tree),
        header_texts=_header_texts(tree),
        warnings=tuple(warnings),
    )


def _parse_html(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _trafilatura(html: str, url: str | None, local_now: datetime) -> _Found | None:
    xml = trafilatura.extract(
        html,
        output_format="xml",
        favor_precision=True,
        # Without trafilatura's own fallback comparison (readability/justext, ~3x slower); our
        # readability fallback runs when trafilatura finds nothing.
        fast=True,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        url=url,
        # Only dates the page states in markup; a full-text search picks up "© 2025" as a date.
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "max_date": (local_now + timedelta(days=1)).strftime("%Y-%m-%d"),
        },
    )
    if not xml:
        return None
    try:
        doc = etree.fromstring(xml)
    except etree.XMLSyntaxError:
        logger.debug("trafilatura returned unparsable XML for %s", url)
        return None
    main = doc.find("main")
    candidates = tuple(_xml_candidates(main)) if main is not None else ()
    if not candidates:
        return None
    get = doc.attrib.get
    return _Found(candidates, get("title"), get("author"), get("date"), get("sitename") or get("hostname"))


def _xml_candidates(element: etree._Element) -> list[_Candidate]:
    out: list[_Candidate] = []
    for child in element:
        tag = child.tag
        if tag in _CONTAINERS and any(grand.tag in {"p", "item", "head", "list"} for grand in child):
            out += _xml_candidates(child)
            continue
        out += _split(_element_text(child), "\n", is_head=tag == "head")
    return out


def _split(text: str, separator: str | None, *, is_head: bool) -> list[_Candidate]:
    """Cleaned parts of ``text``; parts without a letter or ideograph ("* * *", "|") go."""
    parts = (_clean(part) for part in (text.split(separator) if separator else [text]))
    return [_Candidate(part, is_head) for part in parts if _HAS_LETTER.search(part)]


def _element_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag in {"p", "item", "head", "list"}:
            parts.append(f"\n{_element_text(child)}\n")
        else:
            parts.append(_element_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _readability(html: str) -> _Found | None:
    import readability

    try:
        document = readability.Document(html)
        root = lxml.html.fromstring(document.summary())
        title = document.short_title()
    except (ValueError, etree.ParserError) as exc:  # readability.Unparseable is a ValueError
        logger.debug("readability failed: %s", exc)
        return None
    for br in root.iter("br"):
        br.tail = _BREAK + (br.tail or "")
    elements = [
        el for el in root.iter(*_HTML_BLOCKS) if not any(a.tag in _HTML_BLOCKS for a in el.iterancestors())
    ]
    candidates = []
    for element in elements or [root]:
        text = element.text_content()
        linked = sum(len(a.text_content().strip()) for a in element.iter("a"))
        if linked > 0.5 * len(text.strip()):
            continue  # navigation and link lists
        candidates += _split(text, _BREAK, is_head=element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"})
    return _Found(tuple(candidates), title=title or None) if candidates else None


def _canonical(tree: lxml.html.HtmlElement | None) -> str | None:
    if tree is None:
        return None
    links = [
        el.get("href") for el in tree.iter("link") if "canonical" in (el.get("rel") or "").lower().split()
    ]
    metas = [el.get("content") for el in tree.iter("meta") if (el.get("property") or "").lower() == "og:url"]
    for url in (str(u).strip() for u in links + metas if u):
        parts = urlsplit(url)
        if parts.scheme.lower() in {"http", "https"} and parts.netloc:
            return url
    return None


def _header_texts(tree: lxml.html.HtmlElement | None) -> tuple[str, ...]:
    """Publish-date meta tags, then short texts of elements whose class or id names a date or time."""
    if tree is None:
        return ()
    found = [
        meta.get("content") or ""
        for meta in tree.iter("meta")
        if (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower() in _DATE_METAS
    ]
    for element in tree.iter("time", "span", "div", "p", "em", "i", "small"):
        names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if element.tag == "time" or re.search(r"date|time|pub|info|meta", names):
            found += [element.get("datetime") or "", _clean(element.text_content())]
    return tuple(text for text in found if 0 < len(text) <= 120)[:12]


# --- Text, Markdown, PDF text --------------------------------------------------------------------


def _from_text(raw: RawPage) -> _Found:
    text = raw.text if raw.text is not None else decode_text(raw.content, raw.origin).text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_markdown = raw.kind == "markdown"
    has_blank_lines = re.search(r"\S[ \t\u3000]*\n[ \t\u3000]*\n\s*\S", text) is not None
    candidates: list[_Candidate] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            para = _markdown_inline("\n".join(lines)) if is_markdown else "\n".join(lines)
            is_head = not is_markdown and len(lines) == 1 and _is_title_like(lines[0])
            candidates.extend(_split(para, None, is_head=is_head))
            lines.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if is_markdown and re.match(r"^(```|~~~|([-*_])(\s*\2){2,}$)", stripped):
            flush()
            continue
        if is_markdown and (heading := re.match(r"^#{1,6}\s+(.*?)\s*#*$", stripped)):
            flush()
            candidates.extend(_split(_markdown_inline(heading.group(1)), None, is_head=True))
            continue
        if is_markdown and re.match(r"^([-*+]|\d+[.)])\s+", stripped):
            flush()
            stripped = re.sub(r"^([-*+]|\d+[.)])\s+", "", stripped)
        if is_markdown:
            stripped = re.sub(r"^(>\s?)+", "", stripped)
        if not stripped:
            flush()
            continue
        lines.append(stripped)
        # Without blank lines, a line ends a paragraph when it ends a sentence, or stands alone as a title.
        if not has_blank_lines and (
            stripped[-1] in _FINAL_PUNCT or (len(lines) == 1 and _is_title_like(stripped))
        ):
            flush()
    flush()
    return _Found(tuple(candidates))


def _is_title_like(line: str) -> bool:
    return len(line) <= 40 and unicodedata.category(line[-1])[0] != "P"


def _markdown_inline(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return re.sub(r"`([^`]+)`", r"\1", text)


# --- Classification ------------------------------------------------------------------------------


def _classify(candidates: tuple[_Candidate, ...], title: str) -> list[tuple[BlockKind, str]]:
    out: list[tuple[BlockKind, str]] = []
    seen: set[str] = set()
    for candidate in candidates:
        parts = [candidate.text] if candidate.is_head else _split_leading_byline(candidate.text)
        for index, text in enumerate(parts):
            if text in seen:
                continue
            seen.add(text)
            is_byline_part = len(parts) == 2 and index == 0
            out.append(("byline" if is_byline_part else _kind(text, candidate.is_head), text))
    # The title repeated as the first block goes, unless it is all the body there is.
    if out and _key(out[0][1]) == _key(title) and any(kind == "body" for kind, _ in out[1:]):
        out.pop(0)
    return out


def _kind(text: str, is_head: bool) -> BlockKind:
    length = len(text)
    if length <= 200 and (_BOILERPLATE_ANY.search(text) or _BOILERPLATE_START.match(text)):
        return "boilerplate"
    if _DISCLAIMER_START.match(text) or (length <= 300 and _DISCLAIMER_ANY.search(text)):
        return "disclaimer"
    if length <= 150 and (_CAPTION_START.match(text) or (length <= 60 and _CAPTION_INLINE.search(text))):
        return "caption"
    if length <= _MAX_SHORT and _is_byline(text):
        return "byline"
    if is_head and length <= _MAX_SHORT and text[-1] not in _FINAL_PUNCT:
        return "heading"
    return "body"


def _is_byline(text: str) -> bool:
    if _META_LINE.match(text) or _ZH_MARK.match(re.sub(r"^[（(【\[]\s*", "", text)):
        return True
    if _EN_BYLINE.match(text) and text[-1] not in ".!?":
        return True
    # A line that is only a date ("Aug 24, 2025", "2025年8月24日 10:32") is header metadata.
    return len(text) <= 60 and bool(re.search(r"\d", text)) and not _DATELINE_NOISE.sub("", text).strip()


def _scan_zh_byline(text: str) -> tuple[list[str], int]:
    """Read ``作者 | 范亮 丁卯 编辑 | 丁卯`` from the start of ``text``: (names, end offset)."""
    names: list[str] = []
    opener = re.match(r"[（(【\[]\s*", text)
    pos = opener.end() if opener else 0
    while mark := _ZH_MARK.match(text, pos):
        pos, got = mark.end(), False
        while not _ZH_MARK.match(text, pos) and (name := _ZH_NAME.match(text, pos)):
            if name.group() in _NOT_NAMES:
                break
            if mark.group(1) not in _SOURCE_MARKS:
                names.append(name.group())
            gap = _NAME_GAP.match(text, name.end())
            pos, got = gap.end() if gap else name.end(), True
        if not got:
            break
    return names, pos


def _split_leading_byline(text: str) -> list[str]:
    names, end = _scan_zh_byline(text)
    rest = text[end:].strip()
    if names and len(rest) >= 8 and rest[0] not in "/／|｜丨":
        return [text[:end].strip(), rest]
    return [text]


def _byline_names(text: str) -> tuple[str, ...]:
    """Names in a byline: after 作者/记者/编辑 (zh) or "By" (en), in order, without repeats."""
    names, _ = _scan_zh_byline(text)
    for segment in re.finditer(r"\b[Bb]y\s+([^;|\n]+)", text):
        for part in re.split(r",|\band\b|&", segment.group(1)):
            if _EN_NAME.fullmatch(part.strip()):
                names.append(part.strip())
    return tuple(dict.fromkeys(n for n in names if not n.endswith(("報導", "报道", "报导"))))


def _authors(kinds_texts: list[tuple[BlockKind, str]], found_author: str | None) -> tuple[str, ...]:
    names: list[str] = []
    for kind, text in kinds_texts:
        if kind == "byline":
            names += _byline_names(text)
    if not names and found_author:
        for part in re.split(r"[;；]", found_author):
            names += _byline_names(part) or ([part.strip()] if len(part.strip()) <= 40 else [])
    return tuple(dict.fromkeys(n for n in names if n))


# --- Metadata helpers ------------------------------------------------------------------------


def _published_at(
    raw: RawPage,
    found: _Found,
    header_texts: list[str],
    tz: ZoneInfo,
    local_now: datetime,
    warnings: list[str],
) -> datetime | None:
    """raw.published, else trafilatura's date or a header date, whichever is more precise."""
    date_text, moment = raw.published, None
    if raw.published:
        moment = parse_date(raw.published, tz=tz, now=local_now)
    if moment is None:
        header = next(filter(None, (find_date(t, tz=tz, now=local_now) for t in header_texts)), None)
        stated = parse_date(found.date_text, tz=tz, now=local_now) if found.date_text else None
        # trafilatura's date has no time of day; a header date of the same day is more precise.
        if header is not None and (stated is None or header.moment.date() == stated.date()):
            date_text, moment = header.text, header.moment
        elif stated is not None:
            date_text, moment = found.date_text, stated
    if moment is None:
        return None
    if moment > local_now + timedelta(days=1):
        warnings.append(
            f"Date '{date_text}' of '{raw.origin}' lies in the future; stored without a publish date"
        )
        return None
    return moment.astimezone(UTC)


def _content_hash(paragraphs: list[str]) -> str:
    text = unicodedata.normalize("NFKC", "".join(paragraphs)).lower()
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC" and not ch.isspace())
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()


def _key(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text)).lower()


def _clean(text: str) -> str:
    """Collapse whitespace; a line break between two CJK characters is dropped, not turned into a space."""
    text = _ZERO_WIDTH.sub("", text)

    def space(match: re.Match[str]) -> str:
        before = match.string[match.start() - 1 : match.start()]
        after = match.string[match.end() : match.end() + 1]
        joins_cjk = _CJK_CHAR.match(before) and _CJK_CHAR.match(after)
        return "" if "\n" in match.group() and joins_cjk else " "

    return _WS.sub(space, text).strip()
