"""Story pages and trending: /stories, /stories/{id}, /trending, and their JSON twins."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from .. import services
from ..errors import InputError, NotFound
from ..stories.views import story_full
from .pages import _render, not_found, unknown_section
from .contract import NOT_FOUND, invalid
from .params import Id, Offset, clamp_offset

router = APIRouter()
WINDOW = Query("24h", pattern="^(1h|24h|7d)$")
AS_OF = Query(None, pattern=r"^$|^\d{4}-\d{2}-\d{2}", description=(
    "replay trending as of this ISO date (the end of that day) or date and time (UTC unless "
    "it says otherwise); empty or absent: now"))


def parse_as_of(value: Optional[str]) -> datetime | None:
    """An ISO date or date-time (UTC unless it says otherwise); None for now."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"as_of must be an ISO date such as 2008-09-15, not {value!r}") from None
    if len(value) == 10:  # a bare date replays the whole of that day
        dt = dt.replace(hour=23, minute=59, second=59)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


STORY_PAGE = 30


@router.get("/api/stories")
def api_stories(request: Request, section: Optional[str] = Query(None, max_length=200),
                limit: int = Query(50, ge=1, le=200), offset: Offset = 0):
    """Stories, most recently active first, optionally of one section (its name in any
    case: Politics, uncategorised); each with its summary, counts, keywords and dates."""
    section = services.site_section(section, request.app.state.settings.section_list)
    return {"items": services.list_stories(request.app.state.store, section=section,
                                           limit=limit, offset=offset)}


@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, section: Optional[str] = Query(None, max_length=200),
                 offset: int = 0):
    offset = clamp_offset(offset)
    # one more than a page says whether an older page exists (no link to an empty page)
    items = services.list_stories(request.app.state.store, section=section or None,
                                  limit=STORY_PAGE + 1, offset=offset)
    more, items = len(items) > STORY_PAGE, items[:STORY_PAGE]
    if section and not items and offset == 0:
        unknown = unknown_section(request, section,
                                  lambda known: f"/stories?{urlencode({'section': known})}")
        if unknown:
            return unknown
    return _render(request, "stories.html", title=f"Stories: {section}" if section else "Stories",
                   items=items, section=section or "", offset=offset, page=STORY_PAGE,
                   more=more)


@router.get("/api/stories/{story_id}", responses=NOT_FOUND)
def api_story(request: Request, story_id: Id):
    try:
        return story_full(request.app.state.store, story_id)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: Id):
    try:
        data = story_full(request.app.state.store, story_id)
    except NotFound:
        return not_found(request, f"There is no story {story_id}.")
    return _render(request, "story.html", title=data["title"], s=data)


def _trending(request: Request, as_of: Optional[str], limit: int, window: str) -> dict:
    """The live answer from the app's cache (one a minute), a replay computed afresh."""
    store = request.app.state.store
    if as_of is None:
        return services.live_trending(store, request.app.state.trending_cache, window, limit,
                                      keywords=True)
    return services.trending(store, parse_as_of(as_of), limit, window, keywords=True)


@router.get("/api/trending")
def api_trending(request: Request, window: str = WINDOW, as_of: Optional[str] = AS_OF,
                 limit: int = Query(10, ge=1, le=50)):
    try:
        return _trending(request, as_of, limit, window)
    except InputError as exc:
        raise invalid(("query", "as_of"), str(exc), as_of) from None


@router.get("/trending", response_class=HTMLResponse)
def trending_page(request: Request, window: str = WINDOW, as_of: Optional[str] = None):
    try:
        data = _trending(request, as_of, 20, window)
    except InputError as exc:
        return _render(request, "error.html", status_code=422, title="Bad request",
                       message=str(exc))
    return _render(request, "trending.html", title="Trending", trending=data)
