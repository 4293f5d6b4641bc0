"""Bounds on the integers a URL carries, and the error pages a reader sees.

Both stores hold 64-bit integers: a bigger (or more negative) id or offset in a URL reached
the driver and came back as an OverflowError, a 500. Ids are bounded to what a store can
hold and offsets to what anyone pages through, so a bad URL is a clear 404 or 422, never a
500. A store that is down or busy is a 503 with Retry-After, a page for readers and JSON for
the API.
"""
from __future__ import annotations

import logging
import sqlite3
from typing import Annotated

import psycopg
from fastapi import Path, Query, Request
from fastapi.exception_handlers import (http_exception_handler,
                                        request_validation_exception_handler)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..store.base import store_unreachable

log = logging.getLogger(__name__)

# A page or feed that moved for good (a merged entity, a section's canonical spelling): 308
# keeps the method, and browsers, feed readers and caches follow it and remember it.
MOVED = 308

MAX_ID = 2**63 - 1
MIN_ID = -(2**63)  # no id is negative, but one that fits is a plain 404, as 0 is
MAX_OFFSET = 10_000  # deep enough for any reader; the search ranks at most 1,000 by meaning

Id = Annotated[int, Path(ge=MIN_ID, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=MIN_ID, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]

# Paths answered in JSON or files; every other path is a page and fails as a page.
MACHINE_PREFIXES = ("/api/", "/feeds/", "/static/", "/openapi.json", "/admin/")


def no_nul_in_address(request: Request) -> None:
    """Refuse a web address whose path or query holds a NUL character (`%00`): no word,
    name or date has one, and PostgreSQL's text cannot hold one (its driver raised on it: a
    search or quotes query with `%00` answered 500). A clear 400 instead, on every route."""
    if "\x00" in request.url.path or any(
            "\x00" in key or "\x00" in value for key, value in request.query_params.multi_items()):
        raise StarletteHTTPException(400, "a web address may not hold a NUL character (%00)")


def clamp_offset(offset: int) -> int:
    """A page's offset within 0..MAX_OFFSET (pages forgive what the API refuses)."""
    return max(0, min(offset, MAX_OFFSET))


def wants_page(request: Request) -> bool:
    return not request.url.path.startswith(MACHINE_PREFIXES)


def _problem(err: dict) -> str:
    """One validation error as a sentence a reader can act on."""
    where = err.get("loc", ())
    name = where[-1] if where else "value"
    return f"{name}: {err.get('msg', 'not valid')}"


def install_error_pages(app, render) -> None:
    """Pages answer errors with an HTML page (the JSON API keeps FastAPI's JSON answers).

    `render(request, status, title, message)` draws the page."""

    async def on_http_error(request: Request, exc: StarletteHTTPException):
        if not wants_page(request):
            return await http_exception_handler(request, exc)
        if exc.status_code == 404:
            return render(request, 404, "Not found",
                          f"There is no page at {request.url.path}.")
        response = render(request, exc.status_code, "Request refused", str(exc.detail))
        # what the error says in headers stays said: a 405's Allow (RFC 9110 requires it)
        response.headers.update(exc.headers or {})
        return response

    async def on_invalid(request: Request, exc: RequestValidationError):
        if not wants_page(request):
            return await request_validation_exception_handler(request, exc)
        errors = exc.errors()
        if any(e.get("loc", ("",))[0] == "path" for e in errors):
            # /articles/abc names no article: to a reader that is a missing page.
            return render(request, 404, "Not found", f"There is no page at {request.url.path}.")
        return render(request, 422, "Bad request",
                      "This address has a value the page cannot use: "
                      + "; ".join(_problem(e) for e in errors) + ".")

    async def on_store_error(request: Request, exc: Exception):
        if not store_unreachable(exc):
            raise exc  # a fault of ours: the server's 500, with its traceback in the log
        log.warning("store unavailable for %s: %s", request.url.path, exc)
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        if not wants_page(request):
            return JSONResponse({"detail": UNAVAILABLE}, status_code=503, headers=headers)
        response = render(request, 503, "Unavailable", UNAVAILABLE)
        response.headers.update(headers)
        return response

    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(sqlite3.OperationalError, on_store_error)
    app.add_exception_handler(psycopg.OperationalError, on_store_error)


UNAVAILABLE = "The news store cannot be reached just now. Please try again in a moment."
RETRY_AFTER_S = 5
