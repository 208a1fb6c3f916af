"""parse_feed and looks_like_feed on the fixtures in tests/data/feeds/."""

from __future__ import annotations

from pathlib import Path

import pytest

from suanli.errors import ExtractError
from suanli.stages.feed import Feed, FeedItem, looks_like_feed, parse_feed

FEEDS = Path(__file__).parent / "data" / "feeds"


def load(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_parse_feed_reads_rss_with_full_chinese_content() -> None:
    feed = parse_feed(load("rss_content_zh.xml"), "https://www.suanli-news.example/rss.xml")

    assert feed.title == "算力前沿观察"
    assert [item.key for item in feed.items] == [
        "suanli-news-20250303-0001",
        "suanli-news-20250302-0007",
        "suanli-news-20250301-0003",
    ]
    first = feed.items[0]
    assert first.title == "英伟达H20二季度出货量预计环比增长三成"
    assert first.link == "https://www.suanli-news.example/2025/03/03/h20-shipments.html"
    assert first.published == "Mon, 03 Mar 2025 09:30:00 +0800"
    assert first.authors == ("陈思远",)
    assert first.content_html is not None
    assert first.content_html.count("<p>") == 3
    assert "HBM3供应仍然偏紧" in first.content_html
    assert first.summary == "多家服务器厂商透露，H20订单在春节后明显回暖。"


def test_parse_feed_keeps_several_authors_in_order() -> None:
    feed = parse_feed(load("rss_content_zh.xml"), "https://www.suanli-news.example/rss.xml")

    assert feed.items[1].authors == ("王晓雯", "刘峰")


def test_parse_feed_resolves_relative_links_against_the_feed_url() -> None:
    rss = parse_feed(load("rss_content_zh.xml"), "https://www.suanli-news.example/feeds/rss.xml")
    atom = parse_feed(load("atom_en.xml"), "https://computewire.example/feed.atom")

    assert rss.items[1].link == "https://www.suanli-news.example/2025/03/02/ascend-910c-yield.html"
    assert atom.items[1].link == "https://computewire.example/2025/03/samsung-hbm3e-qualification"


def test_parse_feed_keys_do_not_depend_on_the_feed_url() -> None:
    one = parse_feed(load("atom_en.xml"), "https://computewire.example/feed.atom")
    other = parse_feed(load("atom_en.xml"), "http://mirror.example/computewire/atom")

    assert [i.key for i in one.items] == [i.key for i in other.items]


def test_parse_feed_reads_atom_content_summary_and_dates() -> None:
    feed = parse_feed(load("atom_en.xml"), "https://computewire.example/feed.atom")

    assert feed.title == "Compute Wire"
    spot, samsung, explainer = feed.items
    assert spot == FeedItem(
        key="tag:computewire.example,2025:h100-spot-prices",
        title="GPU rental prices for H100 slip below $2 an hour in spot markets",
        link="https://computewire.example/2025/03/h100-spot-prices",
        published="2025-03-04T06:30:00Z",
        authors=("Maya Lindqvist",),
        content_html=(
            "<p>Spot prices for Nvidia H100 capacity fell below $2 per GPU-hour on two rental marketplaces "
            "this week, as several new clusters in Texas and Finland came online.</p><p>Brokers said "
            "reserved one-year contracts still command a premium of about 40 percent over spot rates.</p>"
        ),
        summary="Spot prices for H100 capacity fell again as new clusters came online.",
    )
    # Only <updated>: it stands in for the publication date; no <summary>: none is invented.
    assert samsung.published == "2025-03-03T15:10:00Z"
    assert samsung.summary is None
    assert samsung.authors == ("Daniel Okafor", "Priya Raman")
    # Only <summary>: no inline content, so the pipeline fetches the link.
    assert explainer.content_html is None
    assert explainer.summary == "A short explainer on the licence requirement for H20 shipments."


def test_parse_feed_treats_descriptions_as_summaries_only() -> None:
    feed = parse_feed(load("rss_summaries.xml"), "https://kuaixun.example.cn/rss")

    assert [item.content_html for item in feed.items] == [None, None]
    first, second = feed.items
    assert first.summary == "该中心规划总功率约150兆瓦，首期将于年内投产。"
    assert first.authors == ("赵敏",)
    assert first.key == "https://kuaixun.example.cn/a/20250303/100k-cluster.shtml"
    # No guid: the resolved link is the key.
    assert second.link == "https://kuaixun.example.cn/a/20250302/liquid-cooling.shtml"
    assert second.key == second.link
    assert second.summary is not None and "液冷" in second.summary


def test_parse_feed_keeps_items_without_links() -> None:
    feed = parse_feed(load("rss_no_links.xml"), "https://briefs.example/rss")

    with_content, bare = feed.items
    assert with_content.link is None
    assert with_content.key == "brief-2025-0042"
    assert with_content.content_html is not None and "流片" in with_content.content_html
    assert bare.link is None
    assert bare.content_html is None
    assert bare.summary == "消息人士称追加规模约为两万张。"
    assert bare.key.startswith("sha256:")


def test_parse_feed_hash_keys_are_stable() -> None:
    first = parse_feed(load("rss_no_links.xml"), "https://briefs.example/rss")
    again = parse_feed(load("rss_no_links.xml"), "https://other.example/rss")

    assert first.items[1].key == again.items[1].key


def test_parse_feed_raises_on_a_malformed_feed() -> None:
    with pytest.raises(ExtractError) as info:
        parse_feed(load("malformed.xml"), "https://broken.example/rss")

    message = str(info.value)
    assert message.startswith("Feed 'https://broken.example/rss' is not valid RSS or Atom: ")
    assert "mismatched tag" in message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><body><p>Not a feed</p></body></html>", "root element"),
        (b"<?xml version='1.0'?><catalog><book/></catalog>", "root element"),
        (b"HBM3E prices rise", "syntax error"),
        (b"   ", "empty"),
    ],
)
def test_parse_feed_raises_on_documents_that_are_not_feeds(content: bytes, reason: str) -> None:
    with pytest.raises(ExtractError, match=reason):
        parse_feed(content, "https://news.example/feed")


def test_parse_feed_returns_an_empty_feed_for_a_well_formed_feed_without_items() -> None:
    content = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'

    assert parse_feed(content, "https://quiet.example/rss") == Feed(title="Quiet", items=())


def test_parse_feed_honours_a_declared_gbk_encoding() -> None:
    content = (
        '<?xml version="1.0" encoding="GBK"?><rss version="2.0"><channel><title>算力</title>'
        "<item><title>昇腾集群扩容</title><link>https://gbk.example/1</link></item></channel></rss>"
    ).encode("gbk")

    feed = parse_feed(content, "https://gbk.example/rss")

    assert feed.title == "算力"
    assert feed.items[0].title == "昇腾集群扩容"


def test_parse_feed_uses_a_permalink_guid_only_when_it_is_a_web_url() -> None:
    content = b"""<rss version="2.0"><channel><title>g</title>
      <item><title>a</title><guid>https://guid.example/news/1</guid></item>
      <item><title>b</title><guid>item-2</guid></item>
    </channel></rss>"""

    feed = parse_feed(content, "https://guid.example/rss")

    assert [item.link for item in feed.items] == ["https://guid.example/news/1", None]
    assert [item.key for item in feed.items] == ["https://guid.example/news/1", "item-2"]


def test_parse_feed_makes_html_titles_plain_and_escapes_text_content() -> None:
    content = b"""<feed xmlns="http://www.w3.org/2005/Atom">
      <title type="html">Compute &amp;lt;Wire&amp;gt;</title>
      <entry><id>e1</id><title type="html">&lt;b&gt;H20&lt;/b&gt; &amp;amp; HBM</title>
        <content type="text">Line one &lt; two

Second paragraph</content></entry></feed>"""

    feed = parse_feed(content, "https://atom.example/feed")

    assert feed.title == "Compute <Wire>"
    item = feed.items[0]
    assert item.title == "H20 & HBM"
    assert item.content_html == "<p>Line one &lt; two</p><p>Second paragraph</p>"


def test_parse_feed_never_treats_bytes_as_a_file_name(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(load("atom_en.xml"))

    with pytest.raises(ExtractError):
        parse_feed(str(secret).encode(), "https://news.example/feed")


def test_parse_feed_does_not_load_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-HBM-PRICING", encoding="utf-8")
    content = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>x</title><item><title>&leak;</title><guid>g1</guid></item></channel></rss>
""".encode()

    feed = parse_feed(content, "https://news.example/feed")

    assert all("TOP-SECRET" not in (item.title or "") for item in feed.items)


# -- looks_like_feed ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("rss_content_zh.xml", "application/rss+xml"),
        ("atom_en.xml", "application/atom+xml; charset=utf-8"),
        ("rss_summaries.xml", "text/xml"),
        ("atom_en.xml", "application/xml"),
        ("rss_no_links.xml", None),
    ],
)
def test_looks_like_feed_accepts_feeds(name: str, content_type: str | None) -> None:
    assert looks_like_feed(load(name), content_type)


def test_looks_like_feed_accepts_rdf_feeds() -> None:
    content = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'

    assert looks_like_feed(content, "application/xml")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"<html><head><title>H20</title></head></html>", "text/html"),
        (b'<?xml version="1.0"?><rss version="2.0">', "text/html"),
        (b'<?xml version="1.0"?><sitemap><url/></sitemap>', "application/xml"),
        (b'<?xml version="1.0"?><feedback/>', "text/xml"),
        (b"<!-- " + b"x" * 1100 + b" --><rss>", "text/xml"),
        (b"plain text about HBM", None),
    ],
)
def test_looks_like_feed_rejects_other_documents(content: bytes, content_type: str | None) -> None:
    assert not looks_like_feed(content, content_type)


def test_parse_feed_raises_on_a_feed_cut_off_inside_its_first_item() -> None:
    content = b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>H20 orders"

    with pytest.raises(ExtractError, match="is not valid RSS or Atom"):
        parse_feed(content, "https://cut.example/rss")


def test_parse_feed_keeps_items_a_lenient_parse_recovers(caplog: pytest.LogCaptureFixture) -> None:
    content = (
        b"<rss version='2.0'><channel><title>Damaged</title>"
        b"<item><title>HBM prices up</title><link>https://damaged.example/1</link></item>"
        b"<item><title>CoWoS capacity</title><link>https://damaged.example/2</link></item>"
        b"</channel></rsss>"
    )

    feed = parse_feed(content, "https://damaged.example/rss")

    assert [item.link for item in feed.items] == ["https://damaged.example/1", "https://damaged.example/2"]
    assert "not well-formed" in caplog.text
