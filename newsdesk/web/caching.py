"""Conditional GET for the Atom feeds and the JSON API: validators, and 304 when unchanged.

Feed readers and API clients poll. Each 200 answer under /feeds/ and /api/ carries a weak
ETag (a hash of the body) and a Last-Modified, and a request whose If-None-Match (or, without
one, If-Modified-Since) still matches is answered 304 with no body. The route still runs:
this saves the transfer and the client's re-parsing, not the server's work.

Last-Modified is when this server first served the current body at that address, not a
time read from the data: a feed's newest publication date stays put when an older article
is backfilled or a summary re-made, so a client asking If-Modified-Since would be told
"unchanged" and miss it. The first time is kept per address (a bounded memory, empty after
a restart, when every client simply downloads once more).
"""
from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from email.utils import formatdate, parsedate_to_datetime

CACHED_PREFIXES = ("/feeds/", "/api/")
MEMORY = 4096  # addresses whose first-served time is kept; the oldest are forgotten
# What a 304 repeats of the 200 it stands for (RFC 9110 15.4.5); no body, so no length.
_KEEP_ON_304 = {b"etag", b"last-modified", b"cache-control", b"content-location", b"expires",
                b"vary", b"date"}


def etag_of(body: bytes) -> str:
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _tags(header: str) -> set[str]:
    """The entity tags of an If-None-Match, opaque parts only (weak comparison)."""
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def not_modified(etag: str, since: int, if_none_match: str | None,
                 if_modified_since: str | None) -> bool:
    """Whether the client's copy is this one. If-None-Match decides when given (RFC 9110
    13.2.2); If-Modified-Since counts only without it."""
    if if_none_match is not None:
        tags = _tags(if_none_match)
        return "*" in tags or etag.removeprefix("W/") in tags
    if if_modified_since:
        try:
            return since <= parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False  # an unreadable date is ignored, as the RFC says
    return False


def shown_time(since: int, now: float) -> int:
    """The Last-Modified to send: never after the answer's own Date (RFC 9110 8.8.2.1),
    which the server stamps from a clock it refreshes once a second, hence a second back."""
    return min(since, int(now) - 1)


class FirstServed:
    """When each address first answered its current body, in whole seconds.

    A new body is dated the second after the one it was first seen in, so a body that
    changes twice within one second can never look older than a copy a client already has
    (Last-Modified has one-second resolution). Until that second has passed the header says
    an earlier one, which does not validate: one extra download, never a stale one."""

    def __init__(self, size: int = MEMORY):
        self.size = size
        self._seen: OrderedDict[str, tuple[str, int]] = OrderedDict()

    def since(self, key: str, etag: str, now: float) -> int:
        known = self._seen.get(key)
        if known and known[0] == etag:
            self._seen.move_to_end(key)
            return known[1]
        self._seen[key] = (etag, int(now) + 1)
        self._seen.move_to_end(key)
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return int(now) + 1


class ConditionalGet:
    """ASGI middleware: ETag, Last-Modified and 304 for GET 200s under the cached prefixes.

    It sits inside HeadAsGet, so a HEAD is seen here as the GET it is answered as and gets the
    same validators (and a 304 when they match)."""

    def __init__(self, app, prefixes: tuple[str, ...] = CACHED_PREFIXES, size: int = MEMORY):
        self.app = app
        self.prefixes = prefixes
        self.first_served = FirstServed(size)

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope["method"] != "GET"
                or not scope["path"].startswith(self.prefixes)):
            return await self.app(scope, receive, send)
        start: dict | None = None
        chunks: list[bytes] = []
        passing = False  # not a cacheable answer: messages go through untouched

        async def buffered(message):
            nonlocal start, passing
            if passing:
                return await send(message)
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                # Errors, redirects and anything personal (a cookie) are not validated.
                if message["status"] != 200 or b"set-cookie" in names or b"etag" in names:
                    passing = True
                    return await send(message)
                start = message
                return
            if message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._answer(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, buffered)

    async def _answer(self, scope, start: dict, body: bytes, send) -> None:
        request = {k.lower(): v for k, v in scope.get("headers", [])}
        etag = etag_of(body)
        now = time.time()
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        since = self.first_served.since(key, etag, now)
        headers = [(k, v) for k, v in start.get("headers", [])
                   if k.lower() not in (b"etag", b"last-modified")]
        headers.append((b"etag", etag.encode()))
        headers.append((b"last-modified",
                        formatdate(shown_time(since, now), usegmt=True).encode()))
        if not any(k.lower() == b"cache-control" for k, _ in headers):
            # Store, but ask each time: a feed must not be served stale from a heuristic
            # lifetime; the question costs a 304.
            headers.append((b"cache-control", b"no-cache"))
        inm = request.get(b"if-none-match")
        ims = request.get(b"if-modified-since")
        if not_modified(etag, since, inm.decode("latin-1") if inm is not None else None,
                        ims.decode("latin-1") if ims else None):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(k, v) for k, v in headers if k.lower() in _KEEP_ON_304]})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
