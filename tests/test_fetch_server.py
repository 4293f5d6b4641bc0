"""A real HTTP server on a loopback address, for the fetch and poll tests (no tests here).

Routes are functions of the request handler, so each hostile case is a few lines: a slow
answer, an endless body, compression bombs, redirect loops and redirects to private addresses,
conditional GET, 410, 429/503 with Retry-After, wrong encodings, malformed XML, entity bombs.
"""
from __future__ import annotations

import gzip
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import brotli

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
Route = Callable[[BaseHTTPRequestHandler], None]


def send(h: BaseHTTPRequestHandler, status: int, body: bytes = b"",
         headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    headers = {"Content-Type": "application/rss+xml; charset=utf-8", **(headers or {})}
    for k, v in headers.items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)


def static(body: bytes, status: int = 200, **headers: str) -> Route:
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    return lambda h: send(h, status, body, hdrs)


def conditional(body: bytes, etag: str = '"v1"') -> Route:
    """200 with an ETag, 304 when the client sends it back."""
    def route(h):
        if h.headers.get("If-None-Match") == etag:
            send(h, 304, b"", {"ETag": etag})
        else:
            send(h, 200, body, {"ETag": etag, "Last-Modified": "Sat, 21 Feb 2026 16:18:51 GMT"})
    return route


def redirect(location: str, status: int = 302) -> Route:
    return lambda h: send(h, status, b"", {"Location": location})


def slow(seconds: float) -> Route:
    def route(h):
        time.sleep(seconds)
        send(h, 200, b"<rss></rss>")
    return route


def endless(h: BaseHTTPRequestHandler) -> None:
    """An unending body with no length: only a byte cap ends it."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<item><title>more</title></item>" * 2048
    try:
        for _ in range(2000):  # ~130 MB at most, so a broken client cannot hang the server
            h.wfile.write(chunk)
    except OSError:
        pass
    h.close_connection = True


def drip(h: BaseHTTPRequestHandler) -> None:
    """A byte every 0.2 s: each read is quick, only a total deadline ends it."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Connection", "close")
    h.end_headers()
    try:
        for _ in range(150):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass
    h.close_connection = True


def gzip_bomb(megabytes: int = 64) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    return b"".join(z.compress(block) for _ in range(megabytes)) + z.flush()


def brotli_bomb(megabytes: int = 64) -> bytes:
    return brotli.compress(b"\0" * (megabytes * 1024 * 1024), quality=5)


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0"><channel><title>&d;</title><item><title>&d;</title></item></channel></rss>"""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        server: LoopbackServer = self.server.owner  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        with server.lock:
            server.hits.append((path, dict(self.headers)))
        route = server.routes.get(path) or next(
            (r for p, r in server.routes.items() if p.endswith("*") and path.startswith(p[:-1])),
            None)
        if route is None:
            send(self, 404, b"not found", {"Content-Type": "text/plain"})
        else:
            route(self)

    def log_message(self, *args) -> None:  # quiet
        pass


class LoopbackServer:
    """A threaded HTTP server on `host` (any 127.x.y.z works on Linux without set-up)."""

    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.host, self.port = self.httpd.server_address[:2]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> "LoopbackServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.hits if p == path)


def fixture_feed(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def localized(feed: bytes, server: "LoopbackServer") -> bytes:
    """The feed with its item links (rewritten to archive.is by its collector) on `server`."""
    return feed.replace(b"https://archive.is/newest/https://", server.url("/page/").encode())


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)
