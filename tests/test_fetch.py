"""fetch_url: end to end against real servers on 127.0.0.1, and policy checks through MockTransport."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from localserver import LocalServer, Reply, SeenRequest, redirect
from suanli.config import Settings
from suanli.errors import FetchError, UnsupportedInputError
from suanli.stages.fetch import Fetched, fetch_url

FIXED_NOW = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
ZH_PAGE = "<html><head><title>英伟达H20出货</title></head><body><p>昇腾910C产能爬坡。</p></body></html>"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=str(tmp_path),
        allowed_hosts=("127.0.0.1",),
        total_timeout_s=1.0,
        connect_timeout_s=1.0,
    )


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


def public_resolver(table: dict[str, list[str]]) -> Callable[[str], list[str]]:
    def resolve(host: str) -> list[str]:
        return table[host]

    return resolve


def ok_transport(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"<p>ok</p>")

    return httpx.MockTransport(handler)


# -- success ------------------------------------------------------------------------------------------


def test_fetch_url_returns_body_type_and_charset_from_header(server: LocalServer, settings: Settings) -> None:
    body = ZH_PAGE.encode("gbk")
    server.route("/news/h20", Reply(headers={"Content-Type": 'text/html; charset="GBK"'}, body=body))

    fetched = fetch_url(server.url("/news/h20"), settings, now=lambda: FIXED_NOW)

    assert fetched == Fetched(
        url=server.url("/news/h20"),
        final_url=server.url("/news/h20"),
        status=200,
        content=body,
        content_type="text/html",
        charset="gbk",
        etag=None,
        last_modified=None,
        fetched_at=FIXED_NOW,
    )
    assert not fetched.is_not_modified


def test_fetch_url_sends_user_agent_and_accept(server: LocalServer, settings: Settings) -> None:
    server.route("/", Reply(body="ok"))

    fetch_url(server.url("/"), settings)

    sent = server.requests[-1].headers
    assert sent["user-agent"] == settings.user_agent
    assert "text/html" in sent["accept"]
    assert "application/rss+xml" in sent["accept"]


def test_fetch_url_defaults_fetched_at_to_aware_utc(server: LocalServer, settings: Settings) -> None:
    server.route("/", Reply(body="ok"))

    fetched = fetch_url(server.url("/"), settings)

    assert fetched.fetched_at.tzinfo is not None
    assert fetched.fetched_at.utcoffset() == UTC.utcoffset(None)


def test_fetch_url_follows_a_chain_of_three_redirects(server: LocalServer, settings: Settings) -> None:
    server.route("/r1", redirect("/r2", 301))
    server.route("/r2", redirect(server.url("/r3"), 307))
    server.route("/r3", redirect("final?id=1#top", 308))
    server.route("/final?id=1", Reply(headers={"Content-Type": "text/plain"}, body="HBM3E 供应紧张"))

    fetched = fetch_url(server.url("/r1"), settings)

    assert fetched.url == server.url("/r1")
    assert fetched.final_url == server.url("/final?id=1")
    assert fetched.content.decode("utf-8") == "HBM3E 供应紧张"
    assert [r.path for r in server.requests] == ["/r1", "/r2", "/r3", "/final?id=1"]


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
def test_fetch_url_decodes_compressed_bodies(server: LocalServer, settings: Settings, coding: str) -> None:
    text = ("华为昇腾910C集群扩容，单卡算力对标H100。" * 200).encode("utf-8")
    if coding == "gzip":
        body = gzip.compress(text)
    elif coding == "deflate":
        body = zlib.compress(text)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = packer.compress(text) + packer.flush()
    header = "gzip" if coding == "gzip" else "deflate"
    server.route("/z", Reply(headers={"Content-Encoding": header}, body=body))

    fetched = fetch_url(server.url("/z"), settings)

    assert fetched.content == text
    assert "gzip" in server.requests[-1].headers["accept-encoding"]


def test_fetch_url_reads_multi_member_gzip(server: LocalServer, settings: Settings) -> None:
    body = gzip.compress(b"first member, ") + gzip.compress(b"second member")
    server.route("/z", Reply(headers={"Content-Encoding": "gzip"}, body=body))

    assert fetch_url(server.url("/z"), settings).content == b"first member, second member"


# -- conditional GET ------------------------------------------------------------------------------------


def conditional_route(etag: str, last_modified: str) -> Callable[[SeenRequest], Reply]:
    def answer(request: SeenRequest) -> Reply:
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if request.headers.get("if-none-match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        if request.headers.get("if-modified-since") == last_modified:
            return Reply(status=304)
        return Reply(headers={"Content-Type": "application/rss+xml", **validators}, body="<rss/>")

    return answer


def test_fetch_url_returns_304_when_etag_matches(server: LocalServer, settings: Settings) -> None:
    server.route("/feed", conditional_route('"v42"', "Sat, 01 Mar 2025 08:00:00 GMT"))

    first = fetch_url(server.url("/feed"), settings)
    again = fetch_url(server.url("/feed"), settings, etag=first.etag)

    assert first.status == 200
    assert first.etag == '"v42"'
    assert first.last_modified == "Sat, 01 Mar 2025 08:00:00 GMT"
    assert again.status == 304
    assert again.is_not_modified
    assert again.content == b""
    assert again.etag == '"v42"'


def test_fetch_url_returns_304_when_last_modified_matches(server: LocalServer, settings: Settings) -> None:
    stamp = "Sat, 01 Mar 2025 08:00:00 GMT"
    server.route("/feed", conditional_route('"v42"', stamp))

    again = fetch_url(server.url("/feed"), settings, last_modified=stamp)

    assert again.is_not_modified
    assert again.last_modified == stamp
    assert server.requests[-1].headers["if-modified-since"] == stamp


def test_fetch_url_rejects_304_to_an_unconditional_request(server: LocalServer, settings: Settings) -> None:
    server.route("/feed", Reply(status=304))

    with pytest.raises(FetchError, match="returned HTTP 304"):
        fetch_url(server.url("/feed"), settings)


# -- HTTP and network failures ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 500])
def test_fetch_url_raises_on_error_status(server: LocalServer, settings: Settings, status: int) -> None:
    server.route("/gone", Reply(status=status, headers={"X-Session": "s3cr3t"}, body="secret page body"))

    with pytest.raises(FetchError) as info:
        fetch_url(server.url("/gone"), settings)

    message = str(info.value)
    assert f"'{server.url('/gone')}' returned HTTP {status}" in message
    assert "s3cr3t" not in message
    assert "secret page body" not in message


def test_fetch_url_times_out_on_a_slow_server(server: LocalServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), allowed_hosts=("127.0.0.1",), total_timeout_s=0.5)
    server.route("/slow", Reply(body="late", delay_s=3.0))

    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
        fetch_url(server.url("/slow"), settings)

    assert time.monotonic() - started < 1.5


def test_fetch_url_enforces_the_deadline_while_the_body_trickles(server: LocalServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), allowed_hosts=("127.0.0.1",), total_timeout_s=0.6)
    # Each chunk arrives well within a per-read timeout, but the whole body would take 4 s.
    server.route("/drip", Reply(body=b"x" * 200, chunk_size=10, chunk_delay_s=0.2))

    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.6 s"):
        fetch_url(server.url("/drip"), settings)

    assert time.monotonic() - started < 1.5


def test_fetch_url_reports_connection_refused(settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"

    with pytest.raises(FetchError, match="Cannot connect to") as info:
        fetch_url(url, settings)

    assert url in str(info.value)
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_fetch_url_reports_dns_failure(settings: Settings) -> None:
    def fail(host: str) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchError, match="Cannot resolve host 'no-such-host.example'") as info:
        fetch_url("https://no-such-host.example/a", settings, resolve=fail, transport=ok_transport([]))

    assert "'https://no-such-host.example/a'" in str(info.value)
    assert isinstance(info.value.__cause__, socket.gaierror)


# -- redirects ----------------------------------------------------------------------------------------------


def test_fetch_url_stops_a_redirect_loop(server: LocalServer, settings: Settings) -> None:
    server.route("/a", redirect("/b"))
    server.route("/b", redirect("/a"))

    with pytest.raises(FetchError, match="redirect loop") as info:
        fetch_url(server.url("/a"), settings)

    assert server.url("/a") in str(info.value)


def test_fetch_url_stops_after_max_redirects(server: LocalServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), allowed_hosts=("127.0.0.1",), max_redirects=2)
    for hop in range(1, 4):
        server.route(f"/r{hop}", redirect(f"/r{hop + 1}"))
    server.route("/r4", Reply(body="too far"))

    with pytest.raises(FetchError, match="more than 2 redirects") as info:
        fetch_url(server.url("/r1"), settings)

    assert f"'{server.url('/r1')}'" in str(info.value)
    assert len(server.requests) == 3


def test_fetch_url_refuses_a_real_redirect_to_a_private_address(
    server: LocalServer, settings: Settings
) -> None:
    server.route("/jump", redirect("http://10.0.0.1/admin"))

    with pytest.raises(FetchError) as info:
        fetch_url(server.url("/jump"), settings)

    message = str(info.value)
    assert "Refused to fetch 'http://10.0.0.1/admin'" in message
    assert f"redirected from '{server.url('/jump')}'" in message
    assert "address 10.0.0.1 is private" in message
    assert "'allowed_hosts' setting" in message


def test_fetch_url_refuses_a_redirect_to_a_host_resolving_privately(settings: Settings) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": "http://intranet.example/metrics"})

    resolve = public_resolver({"news.example": ["93.184.216.34"], "intranet.example": ["10.0.0.1"]})
    with pytest.raises(FetchError, match="address 10.0.0.1 is private"):
        fetch_url("https://news.example/a", settings, transport=httpx.MockTransport(handler), resolve=resolve)

    assert [str(r.url) for r in seen] == ["https://news.example/a"]


def test_fetch_url_refuses_a_redirect_to_another_scheme(server: LocalServer, settings: Settings) -> None:
    server.route("/jump", redirect("file:///etc/passwd"))

    with pytest.raises(FetchError, match="accepted URL schemes are http and https"):
        fetch_url(server.url("/jump"), settings)


# -- address policy -----------------------------------------------------------------------------------------


def test_fetch_url_refuses_loopback_unless_allowed(server: LocalServer, tmp_path: Path) -> None:
    server.route("/", Reply(body="ok"))

    with pytest.raises(FetchError, match="address 127.0.0.1 is loopback; allow it with"):
        fetch_url(server.url("/"), Settings(data_dir=str(tmp_path)))

    assert server.requests == []


@pytest.mark.parametrize("allowed", ["127.0.0.0/8", "localhost", "LOCALHOST"])
def test_fetch_url_allows_hosts_and_networks_from_settings(
    server: LocalServer, tmp_path: Path, allowed: str
) -> None:
    server.route("/", Reply(body="ok"))
    settings = Settings(data_dir=str(tmp_path), allowed_hosts=(allowed,))
    url = server.url("/").replace("127.0.0.1", "localhost" if "local" in allowed.lower() else "127.0.0.1")

    assert fetch_url(url, settings).content == b"ok"


def test_fetch_url_refuses_localhost_by_name(server: LocalServer, tmp_path: Path) -> None:
    url = server.url("/").replace("127.0.0.1", "localhost")

    with pytest.raises(FetchError, match="is loopback"):
        fetch_url(url, Settings(data_dir=str(tmp_path)))


def test_fetch_url_checks_the_address_it_actually_connected_to(server: LocalServer, tmp_path: Path) -> None:
    # The resolver used for the policy claims a public address (as a rebinding DNS server would), but
    # the connection reaches 127.0.0.1: the body must not be returned.
    server.route("/", Reply(body="internal"))
    url = server.url("/").replace("127.0.0.1", "localhost")
    lying = public_resolver({"localhost": ["93.184.216.34"]})

    with pytest.raises(FetchError, match="is loopback"):
        fetch_url(url, Settings(data_dir=str(tmp_path)), resolve=lying)


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.20", "private"),
        ("127.0.0.2", "loopback"),
        ("169.254.169.254", "link-local"),
        ("100.64.1.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.10", "not publicly routable"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "unique-local"),
        ("fd12:3456::1", "unique-local"),
        ("ff02::1", "multicast"),
        ("::ffff:10.0.0.1", "an IPv6 form of 10.0.0.1, which is private"),
        ("::ffff:127.0.0.1", "an IPv6 form of 127.0.0.1, which is loopback"),
        ("2002:a00:1::", "an IPv6 form of 10.0.0.1, which is private"),
        ("64:ff9b::a9fe:a9fe", "an IPv6 form of 169.254.169.254, which is link-local"),
    ],
)
def test_fetch_url_refuses_non_public_addresses(tmp_path: Path, address: str, label: str) -> None:
    seen: list[httpx.Request] = []
    resolve = public_resolver({"gpu-cloud.example": [address]})

    with pytest.raises(FetchError) as info:
        fetch_url(
            "https://gpu-cloud.example/price",
            Settings(data_dir=str(tmp_path)),
            transport=ok_transport(seen),
            resolve=resolve,
        )

    assert f"address {ipaddress.ip_address(address)} is {label}" in str(info.value)
    assert seen == []


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"]
)
def test_fetch_url_accepts_public_addresses(tmp_path: Path, address: str) -> None:
    seen: list[httpx.Request] = []
    resolve = public_resolver({"gpu-cloud.example": [address]})

    fetched = fetch_url(
        "https://gpu-cloud.example/price",
        Settings(data_dir=str(tmp_path)),
        transport=ok_transport(seen),
        resolve=resolve,
    )

    assert fetched.content == b"<p>ok</p>"
    assert len(seen) == 1


def test_fetch_url_refuses_when_any_resolved_address_is_private(tmp_path: Path) -> None:
    resolve = public_resolver({"mixed.example": ["93.184.216.34", "192.168.0.7"]})

    with pytest.raises(FetchError, match="address 192.168.0.7 is private"):
        fetch_url(
            "http://mixed.example/",
            Settings(data_dir=str(tmp_path)),
            transport=ok_transport([]),
            resolve=resolve,
        )


def test_fetch_url_checks_ip_literals_without_resolving(tmp_path: Path) -> None:
    def never(host: str) -> list[str]:
        raise AssertionError(f"resolver called for {host}")

    with pytest.raises(FetchError, match="address 10.0.0.1 is private"):
        fetch_url("http://10.0.0.1/x", Settings(data_dir=str(tmp_path)), resolve=never)
    with pytest.raises(FetchError, match=r"address ::ffff:a00:1 is an IPv6 form of 10.0.0.1"):
        fetch_url("http://[::ffff:10.0.0.1]/x", Settings(data_dir=str(tmp_path)), resolve=never)


def test_fetch_url_allows_a_network_from_settings_for_mapped_addresses(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), allowed_hosts=("10.0.0.0/8",))
    resolve = public_resolver({"lab.example": ["::ffff:10.1.2.3"]})

    fetched = fetch_url("http://lab.example/", settings, transport=ok_transport([]), resolve=resolve)

    assert fetched.status == 200


def test_fetch_url_hides_passwords_in_messages(tmp_path: Path) -> None:
    with pytest.raises(FetchError) as info:
        fetch_url("http://reader:hunter2@10.0.0.1/feed", Settings(data_dir=str(tmp_path)))

    assert "hunter2" not in str(info.value)
    assert "reader:***@10.0.0.1" in str(info.value)


# -- size cap -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("send_length", [True, False])
def test_fetch_url_caps_plain_bodies(server: LocalServer, tmp_path: Path, send_length: bool) -> None:
    settings = Settings(data_dir=str(tmp_path), allowed_hosts=("127.0.0.1",), max_bytes=1000)
    server.route("/big", Reply(body=b"a" * 5000, send_length=send_length))
    server.route("/fits", Reply(body=b"a" * 1000, send_length=send_length))

    with pytest.raises(FetchError) as info:
        fetch_url(server.url("/big"), settings)

    message = str(info.value)
    assert server.url("/big") in message
    assert "1000-byte cap" in message
    assert "'max_bytes' setting" in message
    assert fetch_url(server.url("/fits"), settings).content == b"a" * 1000


def test_fetch_url_caps_decoded_size_of_a_gzip_bomb(server: LocalServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), allowed_hosts=("127.0.0.1",), max_bytes=100_000)
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < settings.max_bytes
    server.route("/bomb", Reply(headers={"Content-Encoding": "gzip"}, body=bomb))

    with pytest.raises(FetchError, match="larger than the 100000-byte cap"):
        fetch_url(server.url("/bomb"), settings)


def test_fetch_url_refuses_unknown_content_encoding(server: LocalServer, settings: Settings) -> None:
    server.route("/br", Reply(headers={"Content-Encoding": "br"}, body=b"\x0b\x02\x80hi\x03"))

    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        fetch_url(server.url("/br"), settings)


def test_fetch_url_reports_a_corrupt_gzip_body(server: LocalServer, settings: Settings) -> None:
    server.route("/bad", Reply(headers={"Content-Encoding": "gzip"}, body=b"\x1f\x8b not really gzip"))

    with pytest.raises(FetchError, match="corrupt gzip body"):
        fetch_url(server.url("/bad"), settings)


# -- schemes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.com/h20.html",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "www.example.com/news/h20",
        "",
        "http:///no-host",
    ],
)
def test_fetch_url_rejects_unsupported_urls(settings: Settings, url: str) -> None:
    with pytest.raises(UnsupportedInputError) as info:
        fetch_url(url, settings, transport=ok_transport([]))

    message = str(info.value)
    assert f"'{url}'" in message
    if url.startswith(("file", "ftp", "javascript", "data", "www")):
        assert "http and https" in message


def test_fetch_url_caps_and_decodes_bodies_from_in_memory_transports(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), max_bytes=1000)
    resolve = public_resolver({"news.example": ["93.184.216.34"]})

    def handler(request: httpx.Request) -> httpx.Response:
        text = b"H20" * (100 if request.url.path == "/small" else 1000)
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=gzip.compress(text))

    transport = httpx.MockTransport(handler)
    small = fetch_url("http://news.example/small", settings, transport=transport, resolve=resolve)
    with pytest.raises(FetchError, match="1000-byte cap"):
        fetch_url("http://news.example/large", settings, transport=transport, resolve=resolve)

    assert small.content == b"H20" * 100


def test_fetch_url_reads_gzip_members_split_across_chunks(server: LocalServer, settings: Settings) -> None:
    first = gzip.compress(b"NVLink " * 50)
    body = first + gzip.compress(b"CoWoS " * 50)
    server.route("/z", Reply(headers={"Content-Encoding": "gzip"}, body=body, chunk_size=len(first)))

    assert fetch_url(server.url("/z"), settings).content == b"NVLink " * 50 + b"CoWoS " * 50
