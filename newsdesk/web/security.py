"""Request-level safety: CSRF tokens for forms, the admin token, body size caps."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse

CSRF_COOKIE = "nd_csrf"
CSRF_MAX_AGE = 4 * 3600
MAX_BODY_BYTES = 64 * 1024  # feedback and admin forms are small; anything bigger is refused


def make_csrf_token(secret: str, now: float | None = None) -> str:
    """A random nonce with its issue time, signed: `nonce.time.signature`."""
    nonce = secrets.token_urlsafe(12)
    issued = str(int(now if now is not None else time.time()))
    sig = hmac.new(secret.encode(), f"{nonce}.{issued}".encode(), hashlib.sha256).hexdigest()
    return f"{nonce}.{issued}.{sig[:32]}"


def check_csrf(secret: str, form_token: str, cookie_token: str | None,
               now: float | None = None) -> bool:
    """The form's token must equal the cookie's (double submit) and carry a valid signature."""
    if not form_token or not cookie_token or not hmac.compare_digest(form_token, cookie_token):
        return False
    try:
        nonce, issued, sig = form_token.split(".")
        age = (now if now is not None else time.time()) - int(issued)
    except ValueError:
        return False
    want = hmac.new(secret.encode(), f"{nonce}.{issued}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(sig, want[:32]) and 0 <= age <= CSRF_MAX_AGE


def check_admin(expected: str, request: Request) -> bool:
    given = request.query_params.get("token") or ""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class BodySizeLimit(BaseHTTPMiddleware):
    """Refuse request bodies over the cap before any handler reads them."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES):
        super().__init__(app)
        self.max_bytes = max_bytes

    async def dispatch(self, request: Request, call_next):
        length = request.headers.get("content-length")
        if length and (not length.isdigit() or int(length) > self.max_bytes):
            return PlainTextResponse(f"request body over {self.max_bytes} bytes", status_code=413)
        if request.method in ("POST", "PUT", "PATCH") and not length:
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > self.max_bytes:
                    return PlainTextResponse(f"request body over {self.max_bytes} bytes",
                                             status_code=413)
            request._body = body  # starlette reads it again from here
        return await call_next(request)


def client_id(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# Crawlers, feed fetchers, scripts and prefetches are not readers: counted as reads they would
# make "Most read" and the view-driven part of trending follow whoever crawls the site.
_NOT_READERS = ("bot", "crawl", "spider", "slurp", "fetcher", "curl/", "wget/", "python-",
                "httpx", "aiohttp", "go-http-client", "java/", "libwww", "headlesschrome",
                "lighthouse", "facebookexternalhit")


def counts_as_read(request: Request) -> bool:
    """Whether this request for an article page is a person reading it."""
    if request.scope.get(HEAD_FLAG):
        return False
    purpose = (request.headers.get("sec-purpose") or request.headers.get("purpose") or "")
    if "prefetch" in purpose.lower() or "prerender" in purpose.lower():
        return False
    agent = request.headers.get("user-agent", "").lower()
    return bool(agent) and not any(marker in agent for marker in _NOT_READERS)


HEAD_FLAG = "newsdesk.head"  # scope key: this GET is really a HEAD


class HeadAsGet:
    """Answer HEAD like GET, without the body. Feed readers, link checkers and uptime monitors
    ask HEAD, and every route here is a GET route, so they all got 405 Method Not Allowed."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)
        finished = False

        async def headers_only(message):
            nonlocal finished
            if message["type"] == "http.response.body":
                if finished:
                    return
                finished = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET", HEAD_FLAG: True}, receive, headers_only)
