"""Entity pages and quote search: /entities/{id}, /quotes, and their JSON twins."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from .. import services
from ..errors import NotFound
from .contract import MOVED_ENTITY, NOT_FOUND
from .pages import _render, not_found
from .params import MOVED, Id

router = APIRouter()
# Pages past this are not served: an OFFSET walks every row before it, and nobody reads
# 10,000 quotes back by paging (a narrower search finds them).
MAX_QUOTE_OFFSET = 10_000


# An entity that re-enrichment merged into another (U.S. into United States) is gone from the
# store, but links to it are bookmarked and shared: they move permanently (MOVED) to its
# successor.


@router.get("/api/entities/{entity_id}", responses={**NOT_FOUND, **MOVED_ENTITY})
def api_entity(request: Request, entity_id: Id):
    try:
        return services.entity_view(request.app.state.store, entity_id)
    except NotFound as exc:
        new_id = request.app.state.store.entity_redirect(entity_id)
        if new_id is None:
            raise HTTPException(404, str(exc)) from None
    url = f"/api/entities/{new_id}"
    return JSONResponse({"detail": f"entity {entity_id} is now entity {new_id}",
                         "moved_to": new_id, "url": url},
                        status_code=MOVED, headers={"Location": url})


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: Id):
    try:
        data = services.entity_view(request.app.state.store, entity_id)
    except NotFound:
        new_id = request.app.state.store.entity_redirect(entity_id)
        if new_id is None:
            return not_found(request, f"There is no entity {entity_id}.")
        return RedirectResponse(f"/entities/{new_id}", status_code=MOVED)
    return _render(request, "entity.html", title=data["name"], e=data,
                   chart=services.mentions_chart(data["mentions_by_day"]))


@router.get("/api/quotes")
def api_quotes(request: Request, speaker: str = Query("", max_length=200),
               q: str = Query("", max_length=500), limit: int = Query(50, ge=1, le=200),
               offset: int = Query(0, ge=0, le=MAX_QUOTE_OFFSET)):
    items, more = services.quote_search(request.app.state.store, speaker, q, limit, offset)
    return {"speaker": speaker, "q": q, "items": items, "offset": offset, "next_offset": more}


@router.get("/quotes", response_class=HTMLResponse)
def quotes_page(request: Request, speaker: str = "", q: str = "",
                limit: Optional[int] = 50, offset: Optional[int] = 0):
    limit = max(1, min(limit or 50, 200))
    offset = max(0, min(offset or 0, MAX_QUOTE_OFFSET))
    items, more = services.quote_search(request.app.state.store, speaker[:200], q[:500],
                                        limit, offset)
    return _render(request, "quotes.html", title="Quotes", speaker=speaker, q=q, items=items,
                   limit=limit, offset=offset, next_offset=more)
