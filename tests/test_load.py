"""Tests for suanli.stages.load: local files into RawPage / Failure records."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from suanli.config import Settings
from suanli.errors import ExtractError, UnsupportedInputError
from suanli.models import Failure, RawPage
from suanli.stages.load import SUPPORTED_SUFFIXES, iter_paths, load_path, record_to_page

FILES = Path(__file__).parent / "data" / "files"
NO_BODY = "Record 'x:2' has no 'text' or 'html' field; put the article body in one of them"

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def load_one(path: Path, settings: Settings) -> RawPage | Failure:
    results = list(load_path(path, settings))
    assert len(results) == 1, results
    return results[0]


def load_page(path: Path, settings: Settings) -> RawPage:
    result = load_one(path, settings)
    assert isinstance(result, RawPage), result
    return result


def load_failure(path: Path, settings: Settings) -> Failure:
    result = load_one(path, settings)
    assert isinstance(result, Failure), result
    return result


def write_pdf(
    path: Path,
    pages: list[list[str]],
    *,
    font: str = "Helvetica",
    title: str | None = None,
    password: str | None = None,
) -> Path:
    """One drawString per line, 16 pt apart; an empty string leaves a blank line (a paragraph gap)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=password)
    if title:
        pdf.setTitle(title)
    for lines in pages:
        pdf.setFont(font, 12)
        y = 780.0
        for line in lines:
            if line:
                pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return path


def write_flowing_pdf(path: Path, paragraphs: list[str], style: ParagraphStyle, *, columns: int = 1) -> Path:
    """Paragraphs laid out by reportlab's platypus, wrapped into lines (and columns) as real PDFs are."""
    width, height = A4
    frame_width = (width - 80 - 20 * (columns - 1)) / columns
    frames = [
        Frame(40 + i * (frame_width + 20), 40, frame_width, height - 80, id=f"col{i}") for i in range(columns)
    ]
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    doc.addPageTemplates([PageTemplate(frames=frames)])
    doc.build([Paragraph(p, style) for p in paragraphs])
    return path


# --- file types --------------------------------------------------------------------------------------


def test_load_path_keeps_html_as_undecoded_bytes(settings: Settings) -> None:
    path = FILES / "h100_rental.html"
    page = load_page(path, settings)
    assert page.kind == "html"
    assert page.content == path.read_bytes()
    assert page.text is None
    assert page.origin == str(path)
    assert (page.url, page.source, page.header_charset, page.fetched_at) == (None, None, None, None)


@pytest.mark.parametrize("suffix", [".html", ".htm", ".HTML"])
def test_load_path_accepts_every_html_suffix(tmp_path: Path, settings: Settings, suffix: str) -> None:
    path = tmp_path / f"page{suffix}"
    path.write_bytes("<p>算力</p>".encode("gb18030"))
    assert load_page(path, settings).content == "<p>算力</p>".encode("gb18030")


@pytest.mark.parametrize(
    ("name", "kind", "first_line"),
    [
        ("zhisuan_weekly.md", "markdown", "# 智算中心周报"),
        ("gpu_supply_note.txt", "text", "GPU supply note"),
    ],
)
def test_load_path_decodes_markdown_and_text(
    settings: Settings, name: str, kind: str, first_line: str
) -> None:
    page = load_page(FILES / name, settings)
    assert page.kind == kind
    assert page.text is not None
    assert page.text.splitlines()[0] == first_line
    assert page.content == b""


def test_load_path_reads_markdown_suffix(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "note.markdown"
    shutil.copy(FILES / "zhisuan_weekly.md", path)
    assert load_page(path, settings).kind == "markdown"


def test_load_path_decodes_gb18030_text(settings: Settings) -> None:
    page = load_page(FILES / "guochan_chips_gb18030.txt", settings)
    assert page.kind == "text"
    assert page.text is not None
    assert page.text.startswith("国产算力芯片出货量持续增长")
    assert "智算中心建设的新瓶颈" in page.text


def test_load_path_rejects_binary_text_file(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    failure = load_failure(path, settings)
    assert failure.input == str(path)
    assert f"'{path}'" in failure.reason


# --- PDF ---------------------------------------------------------------------------------------------


def test_load_path_reads_english_pdf_into_paragraphs(tmp_path: Path, settings: Settings) -> None:
    path = write_pdf(
        tmp_path / "report.pdf",
        [
            [
                "GPU rental prices fell sharply in the sec-",
                "ond quarter, according to the report.",
                "",
                "A second paragraph starts here and",
                "runs on to a second line.",
            ],
            ["Page two has its own text."],
        ],
    )
    page = load_page(path, settings)
    assert page.kind == "pdf"
    assert page.origin == str(path)
    assert page.text == (
        "GPU rental prices fell sharply in the second quarter, according to the report.\n\n"
        "A second paragraph starts here and runs on to a second line.\n\n"
        "Page two has its own text."
    )


def test_load_path_keeps_hyphen_of_compound_the_pdf_spells_elsewhere(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_pdf(
        tmp_path / "cooling.pdf",
        [
            [
                "Operators prefer cloud-based scheduling.",
                "",
                "Most new halls use cloud-",
                "based schedulers, state-of-the-",
                "art liquid cooling and GPU-",
                "based monitoring - a first.",
            ]
        ],
    )
    text = load_page(path, settings).text
    assert text == (
        "Operators prefer cloud-based scheduling.\n\n"
        "Most new halls use cloud-based schedulers, state-of-the-art liquid cooling and GPU-based "
        "monitoring - a first."
    )


def test_load_path_reads_chinese_pdf_joining_lines_without_spaces(tmp_path: Path, settings: Settings) -> None:
    # pypdf extracts STSong-Light (a CID font with a standard Unicode CMap) reliably.
    path = write_pdf(
        tmp_path / "zh.pdf",
        [["英伟达H100的租赁价格在第二季度", "大幅下降，据报告称。", "", "第二段从这里开始。"]],
        font="STSong-Light",
    )
    page = load_page(path, settings)
    assert page.text == "英伟达H100的租赁价格在第二季度大幅下降，据报告称。\n\n第二段从这里开始。"


def test_load_path_splits_flowing_pdf_paragraphs_at_spacing_and_font_size(
    tmp_path: Path, settings: Settings
) -> None:
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=12, spaceAfter=8)
    heading = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=18, leading=22)
    zh = ParagraphStyle("zh", parent=body, fontName="STSong-Light", wordWrap="CJK")
    en = "Cloud providers cut the hourly price of H100 instances for the third time this year. " * 3
    zh_text = "据多家云服务商披露，今年第三季度算力租赁价格再次下调，新建数据中心陆续投产。" * 3
    path = tmp_path / "flow.pdf"
    width, height = A4
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    doc.addPageTemplates([PageTemplate(frames=[Frame(40, 40, width - 80, height - 80)])])
    doc.build([Paragraph("GPU prices fall", heading), Paragraph(en, body), Paragraph(zh_text, zh)])
    paragraphs = (load_page(path, settings).text or "").split("\n\n")
    assert paragraphs == ["GPU prices fall", en.strip(), zh_text]


def test_load_path_keeps_pdf_columns_whole_and_breaks_at_indents(tmp_path: Path, settings: Settings) -> None:
    style = ParagraphStyle(
        "tight",
        fontName="Helvetica",
        fontSize=10,
        leading=12,
        firstLineIndent=18,
        spaceBefore=0,
        spaceAfter=0,
    )
    paragraphs = [
        f"Item {i}: rental prices moved by {i} percent this week, while data centre builders "
        "reported delays in transformer deliveries and grid connections."
        for i in range(60)
    ]
    path = write_flowing_pdf(tmp_path / "columns.pdf", paragraphs, style, columns=2)
    assert (load_page(path, settings).text or "").split("\n\n") == paragraphs


def test_load_path_uses_pdf_title_metadata_but_not_placeholders(tmp_path: Path, settings: Settings) -> None:
    titled = write_pdf(tmp_path / "titled.pdf", [["Body text."]], title="AI compute outlook 2025")
    untitled = write_pdf(tmp_path / "untitled.pdf", [["Body text."]])
    word = write_pdf(tmp_path / "word.pdf", [["Body text."]], title="Microsoft Word - draft3.docx")
    assert load_page(titled, settings).title == "AI compute outlook 2025"
    assert load_page(untitled, settings).title is None
    assert load_page(word, settings).title is None


def test_load_path_fails_pdf_without_text_layer(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), invariant=1)
    pdf.rect(72, 72, 300, 400, fill=1)
    pdf.showPage()
    pdf.save()
    failure = load_failure(path, settings)
    assert failure == Failure(str(path), f"'{path}' has no text layer (scanned?); OCR it first")


def test_load_path_fails_pdf_whose_text_maps_to_private_use_characters(
    tmp_path: Path, settings: Settings
) -> None:
    # A subset font whose ToUnicode map points into the private use area, as some
    # publishing tools write: the "text" is unreadable, so the file needs OCR.
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    path = tmp_path / "private_use.pdf"
    pdf = canvas.Canvas(str(path), invariant=1)
    pdf.setFont("Vera", 12)
    pdf.drawString(72, 700, "".join(chr(0xE000 + i) for i in range(40)))
    pdf.showPage()
    pdf.save()
    assert load_failure(path, settings).reason == (
        f"'{path}' has a text layer without a Unicode mapping (custom fonts); OCR it first"
    )


def test_load_path_fails_password_protected_pdf(tmp_path: Path, settings: Settings) -> None:
    path = write_pdf(tmp_path / "locked.pdf", [["Secret numbers."]], password="s3cret")
    failure = load_failure(path, settings)
    assert failure.reason == f"'{path}' is protected by a password; save an unencrypted copy and load that"


def test_load_path_reads_pdf_encrypted_with_empty_user_password(tmp_path: Path, settings: Settings) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = tmp_path / "owner_only.pdf"
    pdf = canvas.Canvas(str(path), invariant=1, encrypt=StandardEncryption("", ownerPassword="owner"))
    pdf.drawString(72, 700, "Readable without a password.")
    pdf.showPage()
    pdf.save()
    assert load_page(path, settings).text == "Readable without a password."


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"%PDF-1.4\n" + b"\x00garbage" * 40, id="garbage"),
        pytest.param(lambda data: b"this is not a pdf at all", id="not-pdf"),
    ],
)
def test_load_path_fails_corrupt_pdf(tmp_path: Path, settings: Settings, damage: object) -> None:
    good = write_pdf(tmp_path / "good.pdf", [["Some text."]])
    path = tmp_path / "broken.pdf"
    path.write_bytes(damage(good.read_bytes()))  # type: ignore[operator]
    failure = load_failure(path, settings)
    assert failure.input == str(path)
    assert failure.reason.startswith(f"'{path}' is not a readable PDF (")
    assert failure.reason.endswith("); check that it is complete")


# --- checks for every file ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_load_path_fails_empty_file(tmp_path: Path, settings: Settings, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.touch()
    assert load_failure(path, settings) == Failure(str(path), f"'{path}' is empty")


@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".jsonl"])
def test_load_path_fails_file_over_max_bytes(tmp_path: Path, settings: Settings, suffix: str) -> None:
    path = tmp_path / f"big{suffix}"
    path.write_bytes(b"x" * 1500)
    failure = load_failure(path, replace(settings, max_bytes=1000))
    assert failure.reason == (
        f"'{path}' is 1,500 bytes, over the 1,000-byte limit; raise the 'max_bytes' setting to load it"
    )


def test_load_path_accepts_file_exactly_at_max_bytes(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "exact.html"
    path.write_bytes(b"<p>" + b"x" * 993 + b"</p>")
    assert load_page(path, replace(settings, max_bytes=1000)).kind == "html"


@pytest.mark.parametrize("name", ["notes.docx", "README", "archive.tar.gz"])
def test_load_path_fails_unknown_suffix_listing_supported(
    tmp_path: Path, settings: Settings, name: str
) -> None:
    path = tmp_path / name
    path.write_text("content", encoding="utf-8")
    suffix = Path(name).suffix
    assert load_failure(path, settings).reason == (
        f"'{path}' has unsupported file type '{suffix}'; "
        "use one of .html, .htm, .md, .markdown, .txt, .pdf, .jsonl"
    )


def test_load_path_fails_missing_file(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "gone.txt"
    assert load_failure(path, settings).reason == (
        f"'{path}' does not exist; check the spelling and the current folder"
    )


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_load_path_fails_unreadable_file(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "private.txt"
    path.write_text("secret", encoding="utf-8")
    path.chmod(0)
    try:
        failure = load_failure(path, settings)
    finally:
        path.chmod(0o600)
    assert failure.reason == f"'{path}' cannot be read (permission denied); check its permissions"


def test_load_path_fails_folder_named_like_a_file(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "looks_like.txt"
    path.mkdir()
    assert load_failure(path, settings).reason == f"'{path}' is a folder, not a file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_load_path_fails_named_pipe_without_blocking(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert load_failure(path, settings).reason == f"'{path}' is not a regular file"


# --- JSONL -------------------------------------------------------------------------------------------


def test_load_path_loads_good_jsonl_lines_and_fails_bad_ones(settings: Settings) -> None:
    path = FILES / "mixed_records.jsonl"
    results = list(load_path(path, settings))
    assert [type(r).__name__ for r in results] == ["RawPage", "Failure", "Failure", "Failure", "RawPage"]
    first, not_json, not_object, no_body, last = results
    assert isinstance(first, RawPage) and isinstance(last, RawPage)
    assert first == RawPage(
        origin=f"{path}:1",
        kind="text",
        text="寒武纪周二发布新一代训练芯片，单卡算力较上一代提升一倍。\n\n公司表示，新品将于第三季度批量供货。",
        url="https://example.com/news/cambricon",
        source="示例财经",
        title="寒武纪发布新一代训练芯片",
        published="2025-03-18 09:30",
        authors=("李明",),
    )
    assert not_json == Failure(
        f"{path}:3", f"'{path}' line 3 is not JSON: Expecting ',' delimiter at column 43"
    )
    assert not_object == Failure(
        f"{path}:4",
        f"'{path}' line 4 is an array, but each line must be a JSON object with a 'text' or 'html' field",
    )
    assert no_body == Failure(
        f"{path}:5",
        f"'{path}' line 5 has no 'text' or 'html' field; put the article body in one of them",
    )
    assert last.origin == f"{path}:6"
    assert last.kind == "html"
    assert last.content.startswith(b"<html><body><p>Orders for liquid-cooled racks")
    assert last.header_charset == "utf-8"
    assert last.authors == ("Ann Lee", "Bo Chen")
    assert last.is_sample is True
    assert last.published == "2025-04-02T08:00:00Z"
    assert last.fetched_at is None


def test_load_path_names_the_jsonl_line_of_a_field_of_the_wrong_type(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "typed.jsonl"
    path.write_text('{"text": "正文", "title": 2025}\n', encoding="utf-8")
    assert load_failure(path, settings) == Failure(
        f"{path}:1", f"'{path}' line 1 field 'title' must be a string, got a number"
    )


def test_load_path_fails_jsonl_without_records(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text("\n   \n\n", encoding="utf-8")
    assert load_failure(path, settings) == Failure(
        str(path), f"'{path}' has no records; write one JSON object per line"
    )


def test_load_path_fails_jsonl_line_that_is_not_utf8(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "mixed.jsonl"
    good = '{"text": "液冷机柜订单增长"}'.encode()
    bad = '{"text": "液冷机柜订单增长"}'.encode("gb18030")
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\r\n" + bad + b"\n")
    first, second = load_path(path, settings)
    assert isinstance(first, RawPage) and first.text == "液冷机柜订单增长"
    assert second == Failure(
        f"{path}:2", f"'{path}' line 2 is not UTF-8 (byte 13 is invalid); save the file as UTF-8"
    )


# --- record_to_page ----------------------------------------------------------------------------------


def test_record_to_page_prefers_html_over_text() -> None:
    page = record_to_page({"text": "纯文本", "html": "<p>网页</p>"}, "feed:1")
    assert (page.kind, page.content, page.text) == ("html", "<p>网页</p>".encode(), None)


def test_record_to_page_treats_blank_html_as_missing() -> None:
    page = record_to_page({"text": "纯文本", "html": "  "}, "feed:1")
    assert (page.kind, page.text, page.content, page.header_charset) == ("text", "纯文本", b"", None)


@pytest.mark.parametrize(
    ("authors", "expected"),
    [("王芳", ("王芳",)), (["王芳", " ", "Li Wei"], ("王芳", "Li Wei")), (None, ()), ("", ())],
)
def test_record_to_page_accepts_authors_as_string_or_list(authors: object, expected: tuple[str, ...]) -> None:
    assert record_to_page({"text": "正文", "authors": authors}, "x").authors == expected


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"title": "标题"}, NO_BODY),
        ({"text": " ", "html": ""}, NO_BODY),
        ({"text": 7}, "Record 'x:2' field 'text' must be a string, got a number"),
        ({"text": "正文", "title": 42}, "Record 'x:2' field 'title' must be a string, got a number"),
        ({"text": "正文", "url": ["u"]}, "Record 'x:2' field 'url' must be a string, got an array"),
        (
            {"text": "正文", "published_at": True},
            "Record 'x:2' field 'published_at' must be a string, got a boolean",
        ),
        (
            {"text": "正文", "authors": {"name": "王芳"}},
            "Record 'x:2' field 'authors' must be a string or a list of strings, got an object",
        ),
        ({"text": "正文", "sample": "yes"}, "Record 'x:2' field 'sample' must be true or false, got 'yes'"),
    ],
)
def test_record_to_page_rejects_bad_records(record: dict[str, object], message: str) -> None:
    with pytest.raises(ExtractError) as info:
        record_to_page(record, "x:2")
    assert str(info.value) == message


def test_record_to_page_treats_null_fields_as_missing() -> None:
    page = record_to_page({"text": "正文", "html": None, "title": None, "sample": None}, "x:2")
    assert (page.kind, page.title, page.is_sample) == ("text", None, False)


# --- iter_paths --------------------------------------------------------------------------------------


def test_iter_paths_yields_a_file_itself(tmp_path: Path) -> None:
    path = tmp_path / ".hidden.txt"
    path.write_text("x", encoding="utf-8")
    assert list(iter_paths(path)) == [path]


def test_iter_paths_walks_nested_folders_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for rel in [
        "b.txt",
        "a/z.md",
        "a/b/c.html",
        "a.txt",
        "notes.docx",
        ".DS_Store",
        ".git/config",
        "a/.cache/x.txt",
        "a/b/.hidden.html",
    ]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_paths(tmp_path)]
    assert found == ["a/b/c.html", "a/z.md", "a.txt", "b.txt", "notes.docx"]


def test_iter_paths_walks_a_hidden_root_folder(tmp_path: Path) -> None:
    root = tmp_path / ".inbox"
    root.mkdir()
    (root / "x.txt").write_text("x", encoding="utf-8")
    assert list(iter_paths(root)) == [root / "x.txt"]


def test_iter_paths_raises_for_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(UnsupportedInputError) as info:
        iter_paths(missing)
    assert str(info.value) == f"Path '{missing}' does not exist; check the spelling and the current folder"


def test_load_path_over_a_walked_folder_loads_each_file(tmp_path: Path, settings: Settings) -> None:
    shutil.copytree(FILES, tmp_path / "inbox")
    (tmp_path / "inbox" / ".draft.txt").write_text("hidden", encoding="utf-8")
    results = [r for p in iter_paths(tmp_path / "inbox") for r in load_path(p, settings)]
    pages = [r for r in results if isinstance(r, RawPage)]
    assert sorted(Path(p.origin.split(":")[0]).name for p in pages) == [
        "gpu_supply_note.txt",
        "guochan_chips_gb18030.txt",
        "h100_rental.html",
        "mixed_records.jsonl",
        "mixed_records.jsonl",
        "zhisuan_weekly.md",
    ]
    assert len(results) - len(pages) == 3
