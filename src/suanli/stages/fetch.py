"""Fetch one http(s) URL safely: scheme and address policy, manual redirects, a deadline and a size cap.

This is the only module of the write path that talks to the network. Every hop of a redirect chain is
checked again, the body is streamed against a total deadline, and compressed bodies are inflated here
(not by httpx) so that the ``max_bytes`` cap counts decoded bytes and a gzip bomb never fills memory.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import httpx

from suanli.config import Settings
from suanli.errors import FetchError, UnsupportedInputError

logger = logging.getLogger(__name__)

ACCEPTED_SCHEMES = ("http", "https")
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
)
_ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.8"
# Only codings we inflate ourselves with a bounded output; anything else is refused.
_ACCEPT_ENCODING = "gzip, deflate"

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_SHARED_NAT = ipaddress.ip_network("100.64.0.0/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

Resolver = Callable[[str], list[str]]


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of one successful fetch (a body, or "not modified")."""

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime

    @property
    def is_not_modified(self) -> bool:
        return self.status == 304


def fetch_url(
    url: str,
    settings: Settings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    transport: httpx.BaseTransport | None = None,
    now: Callable[[], datetime] | None = None,
    resolve: Resolver | None = None,
) -> Fetched:
    """Fetch ``url`` with GET, following at most ``settings.max_redirects`` redirects.

    Steps:
        1. Check the scheme, then resolve the host and require public addresses (or ``allowed_hosts``).
        2. Send the request; on a redirect, check the next URL the same way and go again.
        3. Check the address the connection actually reached (guards against DNS rebinding).
        4. Stream the body against the total deadline and the ``max_bytes`` cap.

    Args:
        etag: sent as ``If-None-Match``; with ``last_modified`` it allows a 304 answer.
        last_modified: sent as ``If-Modified-Since``.
        transport: an httpx transport, e.g. ``httpx.MockTransport`` in unit tests.
        now: clock for ``fetched_at``; defaults to the current UTC time.
        resolve: host name -> addresses; defaults to ``socket.getaddrinfo``.

    Raises:
        UnsupportedInputError: the URL is not an absolute http(s) URL.
        FetchError: policy refusal, network failure, timeout, HTTP error status, or size cap.

    Example:
        >>> fetched = fetch_url("https://example.com/news/h20", Settings())  # doctest: +SKIP
        >>> fetched.status, fetched.content_type  # doctest: +SKIP
        (200, 'text/html')
    """
    url = url.strip()
    clock = now or (lambda: datetime.now(UTC))
    allowance = _Allowance.from_settings(settings)
    resolver = resolve or _resolve
    deadline = time.monotonic() + settings.total_timeout_s
    headers = _request_headers(settings, etag, last_modified)
    problem = _url_problem(url)
    if problem:
        raise UnsupportedInputError(f"Cannot fetch '{_display(url)}': {problem}")
    current = httpx.URL(url)
    seen = {str(current)}
    with httpx.Client(transport=transport, trust_env=False, follow_redirects=False) as client:
        for _hop in range(settings.max_redirects + 1):
            where = _where(current, url)
            # 1. Policy on this hop's host.
            if not allowance.allows_name(current):
                _check_addresses(_host_addresses(current, where, resolver), where, allowance)
            # 2. Send; a redirect sends us round the loop again.
            response = _send(client, current, headers, where, settings, deadline)
            try:
                # 3. The address actually connected to.
                _check_peer(response, current, where, allowance)
                if response.status_code in _REDIRECT_STATUSES:
                    current = _redirect_target(response, current, where, seen)
                    continue
                # 4. The body.
                return _finish(response, url, where, settings, deadline, etag, last_modified, clock)
            finally:
                response.close()
    raise FetchError(
        f"Fetching '{_display(url)}' took more than {settings.max_redirects} redirects; "
        f"the last one pointed to '{_display(str(current))}'"
    )


def _request_headers(settings: Settings, etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {
        "User-Agent": settings.user_agent,
        "Accept": _ACCEPT,
        "Accept-Language": _ACCEPT_LANGUAGE,
        "Accept-Encoding": _ACCEPT_ENCODING,
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _url_problem(raw: str) -> str | None:
    """Say why ``raw`` is not an absolute http(s) URL, or return None when it is."""
    accepted = " and ".join(ACCEPTED_SCHEMES)
    parts = urlsplit(raw)
    if not parts.scheme:
        return f"it has no URL scheme; accepted schemes are {accepted}"
    if parts.scheme.lower() not in ACCEPTED_SCHEMES:
        return f"accepted URL schemes are {accepted}, not '{parts.scheme}'"
    try:
        host = httpx.URL(raw).host
    except httpx.InvalidURL as exc:
        return f"it is not a valid URL ({exc})"
    if not host:
        return "it has no host name"
    return None


def _display(url: str) -> str:
    """The URL with any password replaced, fit for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _where(current: httpx.URL, requested: str) -> str:
    if str(current) == str(httpx.URL(requested)):
        return f"'{_display(requested)}'"
    return f"'{_display(str(current))}' (redirected from '{_display(requested)}')"


# -- address policy ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Allowance:
    """The ``allowed_hosts`` setting, split into host names and networks."""

    names: frozenset[str]
    networks: tuple[_IPNetwork, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> _Allowance:
        names: set[str] = set()
        networks: list[_IPNetwork] = []
        for entry in settings.allowed_hosts:
            try:
                networks.append(ipaddress.ip_network(entry.strip().strip("[]"), strict=False))
            except ValueError:
                names.add(entry.strip().rstrip(".").lower())
        return cls(frozenset(names), tuple(networks))

    def allows_name(self, url: httpx.URL) -> bool:
        raw_host = url.raw_host.decode("ascii").rstrip(".").lower()
        return raw_host in self.names or url.host.rstrip(".").lower() in self.names

    def allows_address(self, ip: _IPAddress) -> bool:
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(c in net for c in candidates for net in self.networks)


def _address_problem(ip: _IPAddress) -> str | None:
    """Say why ``ip`` is not a public address (e.g. "private"), or return None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 carried inside a mapped, 6to4 or NAT64 address is judged as that IPv4 address.
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and any(ip in net for net in _NAT64):
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            problem = _address_problem(inner)
            return f"an IPv6 form of {inner}, which is {problem}" if problem else None
    checks: tuple[tuple[bool, str], ...] = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip in _SHARED_NAT, "carrier-grade NAT space (100.64.0.0/10)"),
        (ip in _UNIQUE_LOCAL, "unique-local (fc00::/7)"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "site-local"),
        (any(ip in net for net in _PRIVATE), "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "not publicly routable"),
    )
    return next((label for failed, label in checks if failed), None)


def _resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _host_addresses(url: httpx.URL, where: str, resolver: Resolver) -> list[_IPAddress]:
    host = url.raw_host.decode("ascii")
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass  # a host name, resolved below
    try:
        # getaddrinfo has no timeout of its own; the system resolver's limits apply here.
        addresses = [ipaddress.ip_address(address) for address in resolver(host)]
    except (OSError, ValueError) as exc:
        raise FetchError(f"Cannot resolve host '{url.host}' of {where}: {exc}") from exc
    if not addresses:
        raise FetchError(f"Cannot resolve host '{url.host}' of {where}: it has no addresses")
    return addresses


def _check_addresses(addresses: list[_IPAddress], where: str, allowance: _Allowance) -> None:
    """Require every address to be public or allowed by the 'allowed_hosts' setting."""
    for ip in addresses:
        problem = None if allowance.allows_address(ip) else _address_problem(ip)
        if problem:
            raise FetchError(
                f"Refused to fetch {where}: address {ip} is {problem}; "
                "allow it with the 'allowed_hosts' setting"
            )


def _check_peer(response: httpx.Response, url: httpx.URL, where: str, allowance: _Allowance) -> None:
    """Check the address the connection reached; only real transports report it."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and not allowance.allows_name(url):
        _check_addresses([ipaddress.ip_address(str(peer[0]).split("%", 1)[0])], where, allowance)


# -- request, redirects, body ------------------------------------------------------------------------


def _timed_out(where: str, seconds: float, phase: str = "") -> FetchError:
    return FetchError(f"Fetching {where} timed out after {seconds:g} s{phase}")


def _send(
    client: httpx.Client,
    url: httpx.URL,
    headers: dict[str, str],
    where: str,
    settings: Settings,
    deadline: float,
) -> httpx.Response:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(where, settings.total_timeout_s)
    timeout = httpx.Timeout(remaining, connect=min(settings.connect_timeout_s, remaining))
    request = client.build_request("GET", url, headers=headers, timeout=timeout)
    logger.debug("GET %s with headers %s", url, dict(request.headers))
    try:
        response = client.send(request, stream=True)
    except httpx.ConnectTimeout as exc:
        seconds = min(settings.connect_timeout_s, settings.total_timeout_s)
        raise _timed_out(where, seconds, " while connecting") from exc
    except httpx.TimeoutException as exc:
        raise _timed_out(where, settings.total_timeout_s) from exc
    except httpx.ConnectError as exc:
        raise FetchError(f"Cannot connect to {where}: {_reason(exc)}") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"Fetching {where} failed: {_reason(exc)}") from exc
    logger.debug("GET %s -> %s, headers %s", url, response.status_code, dict(response.headers))
    return response


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _redirect_target(response: httpx.Response, current: httpx.URL, where: str, seen: set[str]) -> httpx.URL:
    location = response.headers.get("location", "").strip()
    if not location:
        raise FetchError(f"URL {where} returned HTTP {response.status_code} without a Location header")
    try:
        target = current.join(location).copy_with(fragment=None)
    except httpx.InvalidURL as exc:
        raise FetchError(f"URL {where} redirected to an invalid URL: {exc}") from exc
    problem = _url_problem(str(target))
    if problem:
        raise FetchError(f"Refused to follow the redirect of {where} to '{_display(str(target))}': {problem}")
    if str(target) in seen:
        raise FetchError(f"Fetching {where} ran into a redirect loop at '{_display(str(target))}'")
    seen.add(str(target))
    logger.debug("Redirect %s -> %s", current, target)
    return target


def _finish(
    response: httpx.Response,
    url: str,
    where: str,
    settings: Settings,
    deadline: float,
    etag: str | None,
    last_modified: str | None,
    clock: Callable[[], datetime],
) -> Fetched:
    status = response.status_code
    is_conditional = bool(etag or last_modified)
    if not (200 <= status < 300 or (status == 304 and is_conditional)):
        raise FetchError(f"URL {where} returned HTTP {status}")
    content = b"" if status == 304 else _read_body(response, where, settings, deadline)
    content_type, charset = _parse_content_type(response.headers.get("content-type"))
    return Fetched(
        url=url,
        final_url=str(response.url),
        status=status,
        content=content,
        content_type=content_type,
        charset=charset,
        etag=response.headers.get("etag") or (etag if status == 304 else None),
        last_modified=response.headers.get("last-modified") or (last_modified if status == 304 else None),
        fetched_at=clock(),
    )


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    mime, *params = (part.strip() for part in value.split(";"))
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip().strip("\"'"):
            charset = val.strip().strip("\"'").lower()
    return (mime.lower() or None), charset


def _read_body(response: httpx.Response, where: str, settings: Settings, deadline: float) -> bytes:
    cap = settings.max_bytes
    too_big = FetchError(
        f"Body of {where} is larger than the {cap}-byte cap; raise the 'max_bytes' setting to fetch it"
    )
    coding = response.headers.get("content-encoding", "identity").strip().lower() or "identity"
    if coding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise FetchError(f"URL {where} sent an unsupported Content-Encoding '{coding}'")
    if response.is_stream_consumed:
        # In-memory transports (httpx.MockTransport) hand over a body that httpx already read and decoded.
        if len(response.content) > cap:
            raise too_big
        return response.content
    declared = response.headers.get("content-length", "")
    if coding == "identity" and declared.isdigit() and int(declared) > cap:
        raise too_big
    raw = _raw_chunks(response, where, settings.total_timeout_s, deadline)
    pieces = raw if coding == "identity" else _inflate(raw, coding, cap + 1)
    body = bytearray()
    try:
        for piece in pieces:
            body += piece
            if len(body) > cap:
                raise too_big
    except zlib.error as exc:
        raise FetchError(f"URL {where} sent a corrupt {coding} body: {exc}") from exc
    return bytes(body)


def _raw_chunks(response: httpx.Response, where: str, total_s: float, deadline: float) -> Iterator[bytes]:
    """Raw body chunks, stopping at the deadline even when a slow server keeps each read short."""
    try:
        for chunk in response.iter_raw():
            if time.monotonic() > deadline:
                raise _timed_out(where, total_s)
            yield chunk
    except httpx.TimeoutException as exc:
        raise _timed_out(where, total_s) from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"Reading the body of {where} failed: {_reason(exc)}") from exc


def _inflate(chunks: Iterator[bytes], coding: str, limit: int) -> Iterator[bytes]:
    """Decompress gzip/deflate ``chunks``, producing at most ``limit`` bytes in total."""
    is_gzip = coding in ("gzip", "x-gzip")
    wbits = 16 + zlib.MAX_WBITS if is_gzip else zlib.MAX_WBITS
    decoder = zlib.decompressobj(wbits)
    is_first = True
    budget = limit
    for chunk in chunks:
        data = chunk
        while data and budget > 0:
            if decoder.eof:
                # A gzip body may hold several members; anything else after the end is ignored.
                if not (is_gzip and data.startswith(b"\x1f\x8b")):
                    return
                decoder = zlib.decompressobj(wbits)
            try:
                out = decoder.decompress(data, budget)
            except zlib.error:
                # Some servers send raw deflate without the zlib header.
                if coding != "deflate" or not is_first:
                    raise
                decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                out = decoder.decompress(data, budget)
            is_first = False
            budget -= len(out)
            if out:
                yield out
            # Output stopped short of the budget only once the input ran out, so nothing is pending.
            data = decoder.unconsumed_tail or (decoder.unused_data if decoder.eof else b"")
        if budget <= 0:
            return
