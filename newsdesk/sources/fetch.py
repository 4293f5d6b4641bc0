"""Fetching from the open web without being hurt by it, and without hurting anyone.

Every request goes through `fetch(fetcher, url, ...)`:
- the address check runs after DNS resolution, before each hop of a redirect chain, and
  again inside the connection itself (`make_client` pins each connection to an address that
  passed the check), so neither a redirect nor DNS rebinding reaches loopback, private,
  link-local or multicast addresses unless `Policy.allow_private` says so;
- caps on bytes *after* decompression, on total time and on redirects; content types that
  cannot be a feed or a page are refused before their body is read;
- conditional GET (ETag / Last-Modified), gzip, deflate and brotli, an identifying User-Agent;
- a per-host limit on concurrent requests and a delay between them (`HostGate`);
- robots.txt for pages (not for feeds, which exist to be polled), cached per origin.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import brotli
import httpcore
import httpx
from protego import Protego

from ..errors import BlockedAddressError, FetchError, TooLargeError

ROBOTS_TOKEN = "newsdesk"
USER_AGENT = "newsdesk/0.1 (self-hosted news reader; +https://github.com/newsdesk/newsdesk)"
REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)

# What each kind of fetch may receive; anything else (images, video, archives, PDFs) is
# refused from its headers, before the body is read.
ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/feed+json, "
            "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1",
    "page": "text/html, application/xhtml+xml;q=0.9",
    "robots": "text/plain",
}


@dataclass(frozen=True, slots=True)
class Policy:
    user_agent: str = USER_AGENT
    max_bytes: int = 10 * 1024 * 1024  # after decompression
    timeout_s: float = 30.0  # the whole request, redirects included
    connect_timeout_s: float = 10.0
    max_redirects: int = 5
    allow_private: bool = False
    # Networks allowed even though they are not global (e.g. one test server's address).
    allowed_networks: tuple[str, ...] = ()
    per_host: int = 2  # requests in flight to one host
    host_delay_s: float = 1.0  # between the starts of two requests to one host
    max_crawl_delay_s: float = 30.0  # a robots.txt Crawl-delay above this is capped
    robots_ttl_s: float = 24 * 3600


@dataclass(slots=True)
class Fetched:
    url: str  # what was asked for
    final_url: str  # where the body came from
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    # Where a chain of permanent redirects (301/308 only) ended, when the URL moved for good.
    moved_to: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def address_blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, policy: Policy) -> bool:
    if policy.allow_private:
        return False
    if any(ip in ipaddress.ip_network(n) for n in policy.allowed_networks):
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:  # ::ffff:127.0.0.1 is loopback in disguise
        ip = mapped
    # `is_global` is false for loopback, RFC 1918, link-local, CGNAT, documentation, reserved
    # and unspecified ranges; multicast needs its own test (some of it counts as global).
    return not ip.is_global or ip.is_multicast


def resolve_checked(host: str, port: int, policy: Policy) -> list[str]:
    """The addresses `host` resolves to, all of them allowed; raises BlockedAddressError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for addr in addresses:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
        if address_blocked(ip, policy):
            raise BlockedAddressError(f"refused: {host} resolves to {ip}, a non-public address")
    return addresses


def check_url(url: str, policy: Policy) -> tuple[str, int]:
    """(host, port) of an http(s) URL whose every address may be contacted."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"refused: {url!r} is not an http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"refused: bad port in {url!r}") from None
    resolve_checked(parts.hostname, port, policy)
    return parts.hostname.lower(), port


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to an address that passed the check, so DNS cannot change in between."""

    def __init__(self, policy: Policy):
        self.policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None):
        addresses = resolve_checked(host, port, self.policy)
        error: Exception | None = None
        for addr in addresses:
            try:
                return super().connect_tcp(addr, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")


def make_client(policy: Policy, max_connections: int = 64, keepalive: int = 16) -> httpx.Client:
    """An httpx client whose connections are pinned to checked addresses; no redirects.

    Few idle connections are kept: httpcore 1.0's pool walks every pooled connection, in a
    quadratic loop with a socket poll each, on every request and every release
    (encode/httpcore#1035). Polling 1,000 feeds on 250 hosts (bench/poll.py), keeping 128 idle
    connections cost 6.5-9.3 ms of CPU per feed, 16 cost 3.4, none 4.8 (reconnecting).
    """
    transport = httpx.HTTPTransport(limits=httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=min(keepalive, max_connections)))
    # httpx has no public hook for the network backend; httpcore's pool takes one.
    transport._pool._network_backend = _GuardedBackend(policy)  # type: ignore[attr-defined]
    return httpx.Client(transport=transport, follow_redirects=False, trust_env=False,
                        headers={"User-Agent": policy.user_agent})


class HostGate:
    """At most `per_host` requests in flight per host, starts spaced by the host's delay.

    Waiters sleep on their own host's condition, so a request ending wakes only the threads
    waiting for that host (one shared condition woke every waiting thread on every release).
    """

    def __init__(self, per_host: int, delay_s: float):
        self.per_host, self.delay_s = per_host, delay_s
        self._lock = threading.Lock()
        self._conds: dict[str, threading.Condition] = {}  # hosts with waiters only
        self._waiters: dict[str, int] = {}
        self._active: dict[str, int] = {}
        self._next: dict[str, float] = {}
        self._delay: dict[str, float] = {}

    def set_delay(self, host: str, delay_s: float) -> None:
        with self._lock:
            self._delay[host] = max(self.delay_s, delay_s)

    def acquire(self, host: str, stop: threading.Event | None = None) -> None:
        with self._lock:
            cond = self._conds.setdefault(host, threading.Condition(self._lock))
            self._waiters[host] = self._waiters.get(host, 0) + 1
            try:
                while True:
                    if stop is not None and stop.is_set():
                        raise FetchError("stopped")
                    now = time.monotonic()
                    wait = self._next.get(host, 0.0) - now
                    if self._active.get(host, 0) < self.per_host and wait <= 0:
                        break
                    cond.wait(timeout=min(max(wait, 0.01), 0.5))
            finally:
                self._waiters[host] -= 1
                if not self._waiters[host]:
                    del self._waiters[host], self._conds[host]
            self._active[host] = self._active.get(host, 0) + 1
            self._next[host] = now + self._delay.get(host, self.delay_s)

    def release(self, host: str) -> None:
        with self._lock:
            self._active[host] -= 1
            if not self._active[host]:
                del self._active[host]
            cond = self._conds.get(host)
            if cond is not None:
                cond.notify_all()


@dataclass(slots=True)
class Fetcher:
    """What every fetch shares: the client, the rules, the host gate and the robots cache."""

    client: httpx.Client
    policy: Policy = field(default_factory=Policy)
    stop: threading.Event = field(default_factory=threading.Event)
    gate: HostGate | None = None
    robots: dict[str, tuple[float, Protego | None]] = field(default_factory=dict)
    robots_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.gate is None:
            self.gate = HostGate(self.policy.per_host, self.policy.host_delay_s)


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def content_type_ok(content_type: str, kind: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    if not mime:
        return True  # unlabelled: the parser decides
    if kind == "page":
        return mime in ("text/html", "application/xhtml+xml")
    if kind == "robots":
        return mime.startswith("text/")
    major, _, minor = mime.partition("/")
    return major == "text" or (major == "application" and ("xml" in minor or "json" in minor
                                                           or minor == "octet-stream"))


def _decoder(encoding: str):
    """A function chunk, limit -> bytes (at most `limit` more) for the Content-Encoding."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return lambda chunk, limit: chunk
    if encoding in ("gzip", "x-gzip", "deflate"):
        # 47 = 32 + 15: zlib detects a gzip or zlib header itself.
        d = zlib.decompressobj(47 if encoding != "deflate" else 15)

        def inflate(chunk: bytes, limit: int) -> bytes:
            out = d.decompress(chunk, limit)
            # With max_length, what did not fit waits in unconsumed_tail; over the cap anyway.
            return out + (b"x" if d.unconsumed_tail else b"")
        return inflate
    if encoding == "br":
        b = brotli.Decompressor()

        def unbrotli(chunk: bytes, limit: int) -> bytes:
            out = b.process(chunk, output_buffer_limit=limit)
            return out + (b"x" if not b.can_accept_more_data() else b"")
        return unbrotli
    raise FetchError(f"unsupported content encoding {encoding!r}")


def read_capped(response: httpx.Response, max_bytes: int, deadline: float,
                stop: threading.Event | None = None) -> bytes:
    """The decoded body, refused once it passes `max_bytes` or the deadline passes."""
    decode = _decoder(response.headers.get("content-encoding", ""))
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLargeError(f"{int(declared):,} bytes declared, over the {max_bytes:,}-byte cap")
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_raw():  # as it arrives, so the deadline is checked often
            if time.monotonic() > deadline:
                raise FetchError("timed out while reading the body")
            if stop is not None and stop.is_set():
                raise FetchError("stopped")
            out = decode(chunk, max_bytes - size + 1)
            size += len(out)
            if size > max_bytes:
                raise TooLargeError(f"body over the {max_bytes:,}-byte cap (after decompression)")
            parts.append(out)
    except (zlib.error, brotli.error) as exc:
        raise FetchError(f"corrupt compressed body: {exc}") from None
    return b"".join(parts)


def _timeout(policy: Policy, deadline: float) -> httpx.Timeout:
    left = max(0.05, deadline - time.monotonic())
    return httpx.Timeout(left, connect=min(policy.connect_timeout_s, left))


def fetch(f: Fetcher, url: str, *, kind: str = "feed", etag: str = "", last_modified: str = "",
          max_bytes: int | None = None) -> Fetched:
    """GET `url` under every rule above; raises FetchError (with status and Retry-After)."""
    policy = f.policy
    limit = max_bytes or policy.max_bytes
    deadline = time.monotonic() + policy.timeout_s
    headers = {"Accept": ACCEPT.get(kind, "*/*"), "Accept-Encoding": "gzip, deflate, br"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current, moved_to, permanent = url, "", True
    for hop in range(policy.max_redirects + 1):
        host, port = check_url(current, policy)
        f.gate.acquire(host, f.stop)
        try:
            request = f.client.build_request("GET", current, headers=headers,
                                             timeout=_timeout(policy, deadline))
            response = f.client.send(request, stream=True, follow_redirects=False)
            try:
                status = response.status_code
                location = response.headers.get("location")
                if status in REDIRECTS and location:
                    current = urljoin(current, location.strip())
                    permanent = permanent and status in PERMANENT
                    moved_to = current if permanent else ""
                    continue
                if status == 304:
                    return Fetched(url, current, 304, etag=etag, last_modified=last_modified,
                                   moved_to=moved_to)
                if status >= 400 or status < 200 or status == 204:
                    raise FetchError(f"HTTP {status}", status,
                                     retry_after_s(response.headers.get("retry-after")))
                ctype = response.headers.get("content-type", "")
                if not content_type_ok(ctype, kind):
                    raise FetchError(f"refused: unexpected content type {ctype!r}", status)
                body = read_capped(response, limit, deadline, f.stop)
                return Fetched(url, current, status, body, ctype,
                               response.headers.get("etag", ""),
                               response.headers.get("last-modified", ""), moved_to)
            finally:
                response.close()
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {policy.timeout_s:g}s") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"connection failed: {exc or type(exc).__name__}") from None
        finally:
            f.gate.release(host)
    raise FetchError(f"too many redirects (over {policy.max_redirects})")


def robots_allowed(f: Fetcher, url: str) -> bool:
    """Whether robots.txt of the URL's origin lets us fetch it; also applies its Crawl-delay.

    A missing robots.txt (4xx) allows all; one that cannot be reached (5xx, network errors)
    disallows all for an hour, as RFC 9309 asks.
    """
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    now = time.monotonic()
    with f.robots_lock:
        cached = f.robots.get(origin)
    if cached is None or cached[0] < now:
        rules: Protego | None
        ttl = f.policy.robots_ttl_s
        try:
            got = fetch(f, origin + "/robots.txt", kind="robots", max_bytes=512 * 1024)
            rules = Protego.parse(got.content.decode("utf-8", "replace"))
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                rules = Protego.parse("")
            else:
                rules, ttl = None, 3600.0
        cached = (now + ttl, rules)
        with f.robots_lock:
            f.robots[origin] = cached
        if rules is not None:
            delay = rules.crawl_delay(ROBOTS_TOKEN)
            if delay:
                f.gate.set_delay((parts.hostname or "").lower(),
                                 min(float(delay), f.policy.max_crawl_delay_s))
    rules = cached[1]
    return rules is not None and rules.can_fetch(url, ROBOTS_TOKEN)

