"""Read local files (HTML, Markdown, text, PDF, JSONL) into RawPage records.

This is the only stage that reads files. Every problem with one input becomes a
:class:`~suanli.models.Failure` record, so a folder with one bad file still loads the rest.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from suanli.config import Settings
from suanli.errors import ExtractError, UnsupportedInputError
from suanli.models import Failure, InputKind, RawPage
from suanli.text.charset import decode_text

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".html", ".htm", ".md", ".markdown", ".txt", ".pdf", ".jsonl")

_TEXT_KINDS: dict[str, InputKind] = {".md": "markdown", ".markdown": "markdown", ".txt": "text"}

# pypdf documents that broken files "might cause other Exceptions" besides its own tree; these are
# the built-in ones it is known to leak on malformed objects. Anything else is a bug and propagates.
_PDF_ERRORS = (PyPdfError, KeyError, ValueError, IndexError, TypeError, AttributeError, ZeroDivisionError)

# Han, kana, CJK punctuation and full-width forms: lines ending or starting with these join without a space.
_CJK_RE = re.compile(r"[\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_WORD_EDGES = "-.,;:!?()[]\"'“”‘’"
_SENTENCE_END = tuple(".!?:;\"'”’)」』。！？：；）")
_JUNK_TITLES = ("untitled", "anonymous", "(anonymous)", "microsoft word - ")
_JSON_KINDS = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}


def iter_paths(path: Path) -> Iterator[Path]:
    """Yield ``path`` itself if it is a file, else every file below it, sorted, hidden ones skipped.

    Names starting with ``.`` are hidden, for files and folders alike; ``path`` itself is
    yielded or walked even when its own name is hidden.

    Example:
        >>> list(iter_paths(Path("news")))  # doctest: +SKIP
        [PosixPath('news/a.html'), PosixPath('news/zh/b.txt')]

    Raises:
        UnsupportedInputError: ``path`` does not exist or is neither a file nor a folder.
    """
    if not path.exists():
        raise UnsupportedInputError(
            f"Path '{path}' does not exist; check the spelling and the current folder"
        )
    if path.is_dir():
        return iter(_walk(path))
    if not path.is_file():
        raise UnsupportedInputError(f"Path '{path}' is neither a regular file nor a folder")
    return iter([path])


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        # Pruning in place stops os.walk from descending into .git, .venv and the like.
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            candidate = Path(folder, name)
            if not name.startswith(".") and candidate.is_file():
                found.append(candidate)
    return sorted(found)


def load_path(path: Path, settings: Settings) -> Iterator[RawPage | Failure]:
    """Read one file into RawPage records (JSONL: one per line) or Failure records; never raises for content.

    1. Reject unknown suffixes.
    2. Read the bytes, rejecting missing, unreadable, empty and oversized files.
    3. Turn the bytes into pages according to the suffix.

    Example:
        >>> [p.kind for p in load_path(Path("report.pdf"), Settings())]  # doctest: +SKIP
        ['pdf']
    """
    origin = str(path)
    # 1.
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Failure(
            origin,
            f"'{origin}' has unsupported file type '{suffix}'; use one of {', '.join(SUPPORTED_SUFFIXES)}",
        )
        return
    # 2.
    try:
        content = _read_bytes(path, settings.max_bytes)
    except ExtractError as exc:
        yield Failure(origin, str(exc))
        return
    # 3.
    if suffix == ".jsonl":
        yield from _load_jsonl(content, origin)
        return
    try:
        yield _to_page(content, origin, suffix)
    except ExtractError as exc:
        yield Failure(origin, str(exc))


def record_to_page(record: Mapping[str, object], origin: str) -> RawPage:
    """Build a RawPage from a JSON-like record ``{title, url, source, published_at, text | html, ...}``.

    ``html`` wins over ``text`` when both are non-empty, since extraction can use its structure.
    ``authors`` may be one string or a list of strings; ``sample: true`` marks demo data.

    Example:
        >>> record_to_page({"title": "GPU 价格", "text": "正文"}, "a.jsonl:1").kind
        'text'

    Raises:
        ExtractError: no non-empty ``text``/``html``, or a field of the wrong type.
    """
    return _page_from_record(record, origin, f"Record '{origin}'")


def _page_from_record(record: Mapping[str, object], origin: str, name: str) -> RawPage:
    """Build the page; ``name`` is how error messages call the record (internal, unstable)."""
    html = _string_field(record, "html", name)
    text = _string_field(record, "text", name)
    if not html and not text:
        raise ExtractError(f"{name} has no 'text' or 'html' field; put the article body in one of them")
    return RawPage(
        origin=origin,
        kind="html" if html else "text",
        content=html.encode("utf-8") if html else b"",
        text=None if html else text,
        header_charset="utf-8" if html else None,
        url=_string_field(record, "url", name),
        source=_string_field(record, "source", name),
        title=_string_field(record, "title", name),
        published=_string_field(record, "published_at", name),
        authors=_authors_field(record, name),
        is_sample=_sample_field(record, name),
    )


# --- reading -----------------------------------------------------------------------------------------


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    origin = str(path)
    try:
        # stat before open: opening a FIFO for reading would block until a writer appears.
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ExtractError(f"'{origin}' is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ExtractError(f"'{origin}' is not a regular file")
        if info.st_size > max_bytes:
            raise ExtractError(_too_big(origin, info.st_size, max_bytes))
        with path.open("rb") as fh:
            # One byte past the cap catches a file that grew after the stat.
            content = fh.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise ExtractError(f"'{origin}' does not exist; check the spelling and the current folder") from exc
    except PermissionError as exc:
        raise ExtractError(f"'{origin}' cannot be read (permission denied); check its permissions") from exc
    except OSError as exc:
        raise ExtractError(f"'{origin}' cannot be read: {exc.strerror or exc}") from exc
    if len(content) > max_bytes:
        raise ExtractError(_too_big(origin, len(content), max_bytes))
    if not content:
        raise ExtractError(f"'{origin}' is empty")
    return content


def _too_big(origin: str, size: int, max_bytes: int) -> str:
    return (
        f"'{origin}' is {size:,} bytes, over the {max_bytes:,}-byte limit; "
        "raise the 'max_bytes' setting to load it"
    )


def _to_page(content: bytes, origin: str, suffix: str) -> RawPage:
    if suffix in (".html", ".htm"):
        return RawPage(origin=origin, kind="html", content=content)
    if suffix in _TEXT_KINDS:
        decoded = decode_text(content, origin)
        log.debug("Decoded %s as %s", origin, decoded.charset)
        return RawPage(origin=origin, kind=_TEXT_KINDS[suffix], text=decoded.text)
    return _pdf_page(content, origin)


def _load_jsonl(content: bytes, origin: str) -> Iterator[RawPage | Failure]:
    seen_record = False
    for line_no, raw in enumerate(content.removeprefix(b"\xef\xbb\xbf").splitlines(), start=1):
        line_origin = f"{origin}:{line_no}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Failure(
                line_origin,
                f"'{origin}' line {line_no} is not UTF-8 (byte {exc.start + 1} is invalid); "
                "save the file as UTF-8",
            )
            continue
        if not line.strip():
            continue
        seen_record = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(
                line_origin, f"'{origin}' line {line_no} is not JSON: {exc.msg} at column {exc.colno}"
            )
            continue
        if not isinstance(record, dict):
            yield Failure(
                line_origin,
                f"'{origin}' line {line_no} is {_json_kind(record)}, "
                "but each line must be a JSON object with a 'text' or 'html' field",
            )
            continue
        try:
            yield _page_from_record(record, line_origin, f"'{origin}' line {line_no}")
        except ExtractError as exc:
            yield Failure(line_origin, str(exc))
    if not seen_record:
        yield Failure(origin, f"'{origin}' has no records; write one JSON object per line")


# --- record fields -----------------------------------------------------------------------------------


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    return _JSON_KINDS.get(type(value), type(value).__name__)


def _string_field(record: Mapping[str, object], key: str, name: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ExtractError(f"{name} field '{key}' must be a string, got {_json_kind(value)}")
    return value.strip() or None


def _authors_field(record: Mapping[str, object], name: str) -> tuple[str, ...]:
    value = record.get("authors")
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        return tuple(a.strip() for a in value if a.strip())
    raise ExtractError(
        f"{name} field 'authors' must be a string or a list of strings, got {_json_kind(value)}"
    )


def _sample_field(record: Mapping[str, object], name: str) -> bool:
    value = record.get("sample", False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ExtractError(f"{name} field 'sample' must be true or false, got '{value}'")
    return value


# --- PDF ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    """One visual line of a PDF page; position and size are None when pypdf gave none (internal)."""

    text: str
    x: float | None = None
    y: float | None = None
    size: float | None = None


def _pdf_page(content: bytes, origin: str) -> RawPage:
    try:
        reader = PdfReader(io.BytesIO(content))
        pages = [_page_lines(page) for page in reader.pages]
        title = _pdf_title(reader)
    except FileNotDecryptedError as exc:
        raise ExtractError(
            f"'{origin}' is protected by a password; save an unencrypted copy and load that"
        ) from exc
    except DependencyError as exc:
        raise ExtractError(
            f"'{origin}' cannot be read ({exc}); install it or save an unencrypted copy"
        ) from exc
    except _PDF_ERRORS as exc:
        raise ExtractError(
            f"'{origin}' is not a readable PDF ({type(exc).__name__}: {exc}); check that it is complete"
        ) from exc
    words = (w.strip(_WORD_EDGES) for lines in pages for line in lines for w in line.text.split())
    hyphenated = {w for w in words if "-" in w}
    paragraphs = [p for lines in pages for p in _paragraphs(lines, hyphenated)]
    text = "\n\n".join(paragraphs)
    if not text.strip():
        raise ExtractError(f"'{origin}' has no text layer (scanned?); OCR it first")
    if _unreadable_share(text) > 0.3:
        raise ExtractError(
            f"'{origin}' has a text layer without a Unicode mapping (custom fonts); OCR it first"
        )
    log.debug("Read %d pages, %d paragraphs from %s", len(pages), len(paragraphs), origin)
    return RawPage(origin=origin, kind="pdf", text=text, title=title)


def _pdf_title(reader: PdfReader) -> str | None:
    meta = reader.metadata
    title = (meta.title or "").strip() if meta is not None else ""
    lowered = title.lower()
    if not title or lowered.startswith(_JUNK_TITLES) or lowered.endswith((".doc", ".docx", ".pdf", ".indd")):
        return None
    return title


def _page_lines(page: PageObject) -> list[_Line]:
    """Split a page's text layer into visual lines, keeping where each line starts and its font size.

    pypdf's plain mode keeps the content-stream order (columns stay whole, unlike its layout
    mode), and its visitor tells where each flushed chunk of text starts on the page.
    """
    lines: list[_Line] = []
    parts: list[str] = []
    # None: no visible text yet on this line; (None, None): there is, but its position is unknown.
    start: tuple[float | None, float | None] | None = None
    # A line's size is the one most of its characters have, so a bullet or a footnote mark
    # in another size does not make the line look like a heading.
    sizes: Counter[float] = Counter()

    def finish() -> None:
        nonlocal parts, start, sizes
        if start is not None:
            size = max(sizes, key=lambda s: (sizes[s], s)) if sizes else None
            lines.append(_Line("".join(parts), *start, size))
        parts, start, sizes = [], None, Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: object, font_size: float) -> None:
        nonlocal start
        # The chunk starts at the origin of its text matrix, mapped to the page by the CTM.
        _, _, c, d, e, f = (float(v) for v in tm)
        ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
        x, y = e * ca + f * cc + ce, e * cb + f * cd + cf
        size = round(abs(float(font_size)) * ((c * ca + d * cc) ** 2 + (c * cb + d * cd) ** 2) ** 0.5, 1)
        at_start = True  # only text before the chunk's first visible character sits at (x, y)
        for i, piece in enumerate(text.split("\n")):
            if i:
                finish()
            visible = len(piece.strip())
            if visible:
                if start is None:
                    start = (x, y) if at_start else (None, None)
                at_start = False
                sizes[size] += visible
            parts.append(piece)

    page.extract_text(visitor_text=visit)
    finish()
    return lines


def _paragraphs(lines: list[_Line], hyphenated: set[str]) -> list[str]:
    """Join the lines of one page into paragraphs, breaking at gaps, indents and size changes."""
    pitch = _line_pitch(lines)
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        text = " ".join(line.text.split())
        if i and _starts_paragraph(lines[i - 1], line, pitch):
            paragraphs.append(current)
            current = ""
        current = _join(current, text, hyphenated) if current else text
    if current:
        paragraphs.append(current)
    return paragraphs


def _line_pitch(lines: list[_Line]) -> float | None:
    """The most common distance between baselines (the smallest on ties): lines inside a paragraph."""
    gaps = Counter(
        round((prev.y - cur.y) * 2) / 2
        for prev, cur in pairwise(lines)
        if prev.y is not None and cur.y is not None and cur.size and 0 < prev.y - cur.y < 3 * cur.size
    )
    if not gaps:
        return None
    return min(gaps, key=lambda gap: (-gaps[gap], gap))


def _starts_paragraph(prev: _Line, line: _Line, pitch: float | None) -> bool:
    if line.text.lstrip(" \t").startswith("\u3000\u3000"):
        return True
    if prev.y is None or line.y is None or not prev.size or not line.size:
        return False
    if abs(prev.size - line.size) > 0.5:
        return True
    ends_sentence = prev.text.rstrip().endswith(_SENTENCE_END)
    gap = prev.y - line.y
    if abs(gap) < 0.5:
        return False  # the same baseline: pypdf split one visual line
    if gap < 0:
        # Moved up: a new column or frame; a sentence still running on continues the paragraph.
        return ends_sentence
    if gap > (pitch * 1.35 if pitch else line.size * 1.8):
        return True
    indent = (line.x or 0.0) - (prev.x or 0.0)
    return ends_sentence and indent > 0.8 * line.size


def _join(left: str, right: str, hyphenated: set[str]) -> str:
    if not right:
        return left
    word = left.rsplit(maxsplit=1)[-1]
    if word.endswith("-") and len(word) > 1 and word[-2].isalnum() and right[0].isalnum():
        head = word[:-1].strip(_WORD_EDGES)
        tail = right.split(maxsplit=1)[0].strip(_WORD_EDGES)
        # A hyphen between lowercase letters is a line-break hyphen unless it belongs to a
        # compound: "state-of-the-art", "GPU-based", or "cloud-based" spelt so elsewhere.
        if (
            word[-2].islower()
            and right[0].islower()
            and "-" not in head
            and f"{head}-{tail}" not in hyphenated
        ):
            return left[:-1] + right
        return left + right
    if _CJK_RE.match(left[-1]) or _CJK_RE.match(right[0]):
        return left + right
    return f"{left} {right}"


def _unreadable_share(text: str) -> float:
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return 0.0
    bad = sum(1 for ch in chars if not ch.isprintable() or "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd")
    return bad / len(chars)
