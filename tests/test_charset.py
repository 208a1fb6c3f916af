import codecs
import io
import zipfile
from pathlib import Path

import pytest

from suanli.errors import ExtractError
from suanli.text.charset import decode_html, decode_text

PAGES = Path(__file__).parent / "data" / "pages"


def _bytes(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_decode_html_reads_gb2312_label_as_gb18030_so_gbk_only_characters_survive():
    # The page says gb2312 but uses 昇 (GBK only), as many real pages do.
    decoded = decode_html(_bytes("zh_gbk_meta_36kr.html"), origin="36kr.html")
    assert decoded.charset == "gb18030"
    assert not decoded.is_redetected
    assert "华为昇腾" in decoded.text


def test_decode_html_detects_gbk_page_without_meta():
    decoded = decode_html(_bytes("zh_gbk_nometa_sina.html"), origin="sina.html")
    assert decoded.charset == "gb18030"
    assert not decoded.is_redetected
    assert "智算中心租赁价格止跌回升" in decoded.text


def test_decode_html_reads_big5_page():
    decoded = decode_html(_bytes("zh_big5_tw.html"), origin="udn.html")
    assert decoded.charset == "big5hkscs"
    assert "台積電CoWoS產能明年再擴充" in decoded.text


def test_decode_html_redetects_page_declared_utf8_but_written_in_gbk():
    decoded = decode_html(_bytes("zh_utf8_declared_gbk.html"), origin="latepost.html")
    assert decoded.is_redetected
    assert decoded.charset == "gb18030"
    assert "字节跳动上调全年算力采购预算" in decoded.text


def test_decode_html_prefers_header_charset_over_meta():
    decoded = decode_html(_bytes("zh_utf8_declared_gbk.html"), header_charset="GBK", origin="latepost.html")
    assert decoded.charset == "gb18030"
    assert not decoded.is_redetected


def test_decode_html_redetects_utf8_page_served_as_latin1():
    content = "<p>英伟达发布新一代推理芯片</p>".encode()
    decoded = decode_html(content, header_charset="ISO-8859-1", origin="nv.html")
    assert decoded.is_redetected
    assert decoded.charset == "utf-8"
    assert decoded.text == "<p>英伟达发布新一代推理芯片</p>"


def test_decode_html_ignores_unknown_header_label():
    content = '<meta charset="gbk"><p>智算中心</p>'.encode("gbk")
    decoded = decode_html(content, header_charset="x-no-such-charset", origin="a.html")
    assert decoded.charset == "gb18030"
    assert "智算中心" in decoded.text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_decode_html_follows_byte_order_mark_over_meta(bom, codec):
    content = bom + '<meta charset="gbk"><p>算力租赁</p>'.encode(codec)
    decoded = decode_html(content, origin="bom.html")
    assert decoded.text == '<meta charset="gbk"><p>算力租赁</p>'
    assert not decoded.is_redetected


def test_decode_html_keeps_western_accents_in_cp1252_page():
    content = "<p>The café in Zürich served crème brûlée to naïve investors.</p>".encode("cp1252")
    decoded = decode_html(content, origin="cafe.html")
    assert "Zürich" in decoded.text
    assert "crème brûlée" in decoded.text


def test_decode_html_rejects_empty_content():
    with pytest.raises(ExtractError) as info:
        decode_html(b"", origin="empty.html")
    assert str(info.value) == "'empty.html' is empty; check the file or URL"


def test_decode_html_rejects_png_renamed_to_html():
    with pytest.raises(ExtractError) as info:
        decode_html(_bytes("cover_image_png.html"), origin="cover_image_png.html")
    assert str(info.value) == "'cover_image_png.html' is not text (looks binary); check the file type"


def test_decode_html_rejects_zip_renamed_to_html():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.html", "<p>算力</p>")
    with pytest.raises(ExtractError) as info:
        decode_html(buffer.getvalue(), origin="bundle.html")
    assert str(info.value) == "'bundle.html' is not text (looks binary); check the file type"


def test_decode_html_rejects_text_with_nul_bytes():
    with pytest.raises(ExtractError, match="looks binary"):
        decode_html(b"<p>abc</p>\x00\x00\x00\x01\x02", origin="nul.html")


def test_decode_html_flags_double_encoded_utf8_as_mojibake():
    with pytest.raises(ExtractError) as info:
        decode_html(_bytes("zh_mojibake_double_utf8.html"), origin="aliyun.html")
    assert str(info.value) == (
        "'aliyun.html' looks garbled (mojibake from a wrong charset somewhere upstream); "
        "re-save it as UTF-8 from the original"
    )


def test_decode_html_flags_gbk_that_was_read_as_latin1():
    garbled = "<p>" + "国产算力板块大涨，寒武纪涨停。".encode("gbk").decode("latin-1") + "</p>"
    with pytest.raises(ExtractError, match="looks garbled"):
        decode_html(garbled.encode("utf-8"), origin="gbk-latin1.html")


def test_decode_html_flags_text_full_of_replacement_characters():
    garbled = "<p>国产算力\ufffd\ufffd板块\ufffd\ufffd大涨\ufffd</p>"
    with pytest.raises(ExtractError, match="looks garbled"):
        decode_html(garbled.encode("utf-8"), origin="fffd.html")


def test_decode_text_reads_utf8_then_gb18030():
    assert decode_text("液冷渗透率".encode(), "a.txt").charset == "utf-8"
    decoded = decode_text("液冷渗透率有望翻倍。".encode("gbk"), "b.txt")
    assert decoded.charset == "gb18030"
    assert decoded.text == "液冷渗透率有望翻倍。"


def test_decode_text_strips_utf8_bom():
    decoded = decode_text(codecs.BOM_UTF8 + "# 标题\n正文。".encode(), "note.md")
    assert decoded.text == "# 标题\n正文。"


def test_decode_text_rejects_empty_binary_and_garbled_input():
    with pytest.raises(ExtractError, match="^'e.txt' is empty; check the file or URL$"):
        decode_text(b"", "e.txt")
    with pytest.raises(ExtractError, match="^'p.txt' is not text"):
        decode_text(_bytes("cover_image_png.html"), "p.txt")
    with pytest.raises(ExtractError, match="^'m.txt' looks garbled"):
        decode_text("算力中心建设提速".encode().decode("latin-1").encode(), "m.txt")
