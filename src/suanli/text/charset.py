"""Turn the bytes of a page or text file into text, refusing binary and garbled input.

HTML follows the browser order: byte order mark, HTTP header charset, ``<meta>`` charset
in the first 4 KB, then detection. A declared charset that does not decode the bytes
cleanly is ignored and the charset is detected instead (``Decoded.is_redetected``).
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import charset_normalizer

from suanli.errors import ExtractError

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_MAGIC = (
    b"\x89PNG",
    b"PK\x03\x04",
    b"%PDF-",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
    b"Rar!",
    b"RIFF",
    b"\x7fELF",
)
# Control bytes other than tab, newline, form feed, carriage return and escape.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_SNIFF_BYTES = 8192
_META_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)

_GB_LABELS = frozenset(
    {"gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312-80", "csgb2312", "euc-cn", "chinese"}
)
_BIG5_LABELS = frozenset({"big5", "big5-hkscs", "big5hkscs", "x-x-big5", "cn-big5", "csbig5", "cp950"})
# WHATWG decodes these labels as windows-1252, and so do we.
_LATIN_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"})
_PREFERRED = frozenset({"utf-8", "gb18030", "big5hkscs", "cp1252"})

# Characters that bytes 0x80-0xFF become when read as windows-1252 (or latin-1 for its holes).
_CP1252_HIGH = (
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_HIGH_RUN = re.compile(f"[\u0080-\u00ff{_CP1252_HIGH}]{{2,}}")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the charset that decoded it, and whether the declared charset was overruled."""

    text: str
    charset: str
    is_redetected: bool


def decode_html(content: bytes, *, header_charset: str | None = None, origin: str) -> Decoded:
    """Decode an HTML page.

    Raises:
        ExtractError: the content is empty, binary, or decodes only to garbled text.

    Example:
        >>> decode_html("<p>算力</p>".encode("gbk"), header_charset="gb2312", origin="a.html").charset
        'gb18030'
    """
    # 1. Empty, byte order mark, binary.
    _check_not_empty(content, origin)
    by_bom = _decode_bom(content)
    if by_bom is not None:
        return _checked(by_bom, origin)
    _check_not_binary(content, origin)
    # 2. What the page or the server declares.
    declared = _normalize_label(header_charset) if header_charset else None
    if declared is None:
        declared = _meta_charset(content[:_META_BYTES])
    if declared is not None:
        text = _strict(content, declared)
        if text is not None and not _looks_garbled(text):
            return Decoded(text, declared, False)
        logger.debug("Declared charset %s does not fit %s; detecting", declared, origin)
    # 3. Detection.
    detected = _detect(content)
    if detected is not None:
        return _checked(Decoded(detected[0], detected[1], declared is not None), origin)
    if declared is not None:
        # Nothing decodes cleanly: keep the declared charset, replacing the few bad bytes.
        return _checked(Decoded(content.decode(declared, errors="replace"), declared, False), origin)
    raise ExtractError(f"Cannot tell the charset of '{origin}'; save it as UTF-8 and try again")


def decode_text(content: bytes, origin: str) -> Decoded:
    """Decode a plain-text or Markdown file: BOM, UTF-8, GB18030, then detection.

    Raises:
        ExtractError: the content is empty, binary, or decodes only to garbled text.
    """
    _check_not_empty(content, origin)
    by_bom = _decode_bom(content)
    if by_bom is not None:
        return _checked(by_bom, origin)
    _check_not_binary(content, origin)
    for charset in ("utf-8", "gb18030"):
        text = _strict(content, charset)
        if text is not None:
            return _checked(Decoded(text, charset, False), origin)
    detected = _detect(content)
    if detected is None:
        raise ExtractError(f"Cannot tell the charset of '{origin}'; save it as UTF-8 and try again")
    return _checked(Decoded(detected[0], detected[1], False), origin)


def _check_not_empty(content: bytes, origin: str) -> None:
    if not content:
        raise ExtractError(f"'{origin}' is empty; check the file or URL")


def _check_not_binary(content: bytes, origin: str) -> None:
    head = content[:_SNIFF_BYTES]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head or controls > 0.05 * len(head):
        raise ExtractError(f"'{origin}' is not text (looks binary); check the file type")


def _decode_bom(content: bytes) -> Decoded | None:
    for bom, charset in _BOMS:
        if content.startswith(bom):
            return Decoded(content.decode(charset, errors="replace"), charset.removesuffix("-sig"), False)
    return None


def _checked(decoded: Decoded, origin: str) -> Decoded:
    if _looks_garbled(decoded.text):
        raise ExtractError(
            f"'{origin}' looks garbled (mojibake from a wrong charset somewhere upstream); "
            "re-save it as UTF-8 from the original"
        )
    return decoded


def _normalize_label(label: str, *, from_meta: bool = False) -> str | None:
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    if label in _BIG5_LABELS:
        return "big5hkscs"
    if label in _LATIN_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        logger.debug("Unknown charset label %r ignored", label)
        return None
    # A <meta> cannot declare UTF-16: the bytes up to it would not be readable (WHATWG).
    if from_meta and name.startswith("utf-16"):
        return "utf-8"
    return _normalize_label(name) if name in _GB_LABELS | _BIG5_LABELS else name


def _meta_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    return _normalize_label(match.group(1).decode("ascii", errors="ignore"), from_meta=True)


def _strict(content: bytes, charset: str) -> str | None:
    try:
        return content.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(content: bytes) -> tuple[str, str] | None:
    """Return (text, charset): UTF-8 when the bytes are valid UTF-8, else the first clean candidate.

    Valid UTF-8 is kept even when garbled: it is then mojibake from upstream, which no other
    charset would repair.
    """
    as_utf8 = _strict(content, "utf-8")
    if as_utf8 is not None:
        return as_utf8, "utf-8"
    guesses = [_normalize_label(match.encoding) for match in charset_normalizer.from_bytes(content)]
    # Short western pages fit many single-byte code pages equally well; prefer the ones news sites use.
    preferred = [label for label in guesses if label in _PREFERRED]
    candidates = [*preferred[:1], *[label for label in guesses[:1] if label], "gb18030", "big5hkscs"]
    for charset in dict.fromkeys(candidates):
        text = _strict(content, charset)
        if text is not None and not _looks_garbled(text):
            return text, charset
    return None


def _looks_garbled(text: str) -> bool:
    """True for many U+FFFD, or for UTF-8 / GBK bytes that were read as windows-1252 or latin-1."""
    replacements = text.count("\ufffd")
    if replacements >= max(3, len(text) // 500):
        return True
    repaired = 0
    for match in _HIGH_RUN.finditer(text):
        raw = _as_cp1252_bytes(match.group())
        as_utf8 = _strict(raw, "utf-8")
        if as_utf8 is not None:
            repaired += len(as_utf8)
        elif len(raw) >= 4:
            as_gbk = _strict(raw, "gb18030")
            if as_gbk is not None and len(_CJK.findall(as_gbk)) == len(as_gbk):
                repaired += len(as_gbk)
        if repaired >= 4:
            return True
    return False


def _as_cp1252_bytes(run: str) -> bytes:
    out = bytearray()
    for char in run:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            out.append(ord(char))  # the five holes of cp1252 round-trip through latin-1
    return bytes(out)
