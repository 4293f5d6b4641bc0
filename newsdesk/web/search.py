"""Search and feeds out: /search (page), /api/search (JSON) and Atom feeds under /feeds/ for
searches, sections, entities and stories, so any of them can be followed in a feed reader.

The page, the API and the search feed render one result dict (`search_results`); a query that
does not parse answers 400 with the message and the character where it went wrong.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from .. import services
from ..errors import NotFound, QueryError
from ..search import hybrid
from ..store.base import ArticleFilter
from .contract import ATOM_FEED, BAD_SEARCH, MOVED_FEED, NOT_FOUND
from .params import MOVED, Id, Offset, clamp_offset

router = APIRouter()
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
PAGE = 20
FEED_ITEMS = 30
ATOM = "application/atom+xml"


def vector_index(request: Request):
    """The app's vector index (None on PostgreSQL with pgvector, or while it is rebuilt)."""
    return request.app.state.indexes.vectors()


def text_index(request: Request):
    """The app's text ranking index (None on PostgreSQL, or while it is rebuilt)."""
    return request.app.state.indexes.text()


def mark(snippet: str) -> Markup:
    """A snippet with its hits (between \\x02 and \\x03) as <mark>, everything else escaped."""
    return Markup(str(escape(snippet)).replace("\x02", "<mark>").replace("\x03", "</mark>"))


def search_results(request: Request, q: str, mode: str, sort: str, filters: dict[str, str],
                   limit: int, offset: int, facets: bool = True) -> dict[str, Any]:
    store = request.app.state.store
    res = hybrid.search(store, vector_index(request), q, mode=mode, sort=sort, filters=filters,
                        limit=limit, offset=offset, facets=facets, ti=text_index(request))
    ids = [h["id"] for h in res["hits"]]
    found = {a.id: a for a in store.list_articles(ArticleFilter(ids=ids, limit=max(1, len(ids))))}
    items = []
    for h in res["hits"]:
        if h["id"] not in found:
            continue  # deleted since the index saw it
        a = found[h["id"]]
        item = services.article_brief(a)
        lead = a.summary or (a.paragraphs[0] if a.paragraphs else "")
        item["snippet"] = res["snippets"].get(a.id) or lead[:240]
        item["score"] = h["score"]
        items.append(item)
    params = {"q": q, "mode": mode, "sort": sort, **{k: v for k, v in filters.items() if v}}
    return {"query": q, "mode": mode, "sort": sort, "filters": filters, "total": res["total"],
            "total_capped": res["total_capped"], "by_meaning": res["by_meaning"],
            "relaxed": res.get("relaxed", False), "every_word": res.get("every_word"),
            "indexing": request.app.state.indexes.building(),
            "items": items, "facets": {k: [{"value": v, "count": n} for v, n in rows]
                                       for k, rows in res["facets"].items()},
            "offset": offset, "next_offset": offset + limit if res["more"] else None,
            "feed": "/feeds/search?" + urlencode(params)}


def _filters(section: Optional[str], source: Optional[str], entity: Optional[str],
             after: Optional[str], before: Optional[str],
             keyword: Optional[str] = None) -> dict[str, str]:
    return {k: v.strip() for k, v in (("section", section), ("source", source),
                                      ("entity", entity), ("keyword", keyword),
                                      ("after", after), ("before", before))
            if v and v.strip()}


def _error(err: QueryError | ValueError) -> dict[str, Any]:
    return {"message": str(err), "position": getattr(err, "position", None)}


def date_facet(days: list[dict[str, Any]], limit: int = 10) -> list[dict[str, Any]]:
    """The results' dates as links that narrow to them, newest first: days when the results
    fall within a month, else months within two years, else years (ten days of a search
    across seven years said nothing of the other six). Each bucket carries the after: and
    before: (exclusive) dates that select it."""
    counts = {date.fromisoformat(d["value"]): d["count"] for d in days
              if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(d["value"]))}
    if not counts:
        return []
    span = (max(counts) - min(counts)).days
    buckets: dict[date, int] = {}
    for day, n in counts.items():
        start = day if span <= 31 else day.replace(day=1) if span <= 731 else date(day.year, 1, 1)
        buckets[start] = buckets.get(start, 0) + n
    out = []
    for start in sorted(buckets, reverse=True)[:limit]:
        if span <= 31:
            end, label = start + timedelta(days=1), start.isoformat()
        elif span <= 731:
            end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            label = start.strftime("%B %Y")
        else:
            end, label = date(start.year + 1, 1, 1), str(start.year)
        out.append({"value": label, "count": buckets[start], "after": start.isoformat(),
                    "before": end.isoformat()})
    return out


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", mode: str = "hybrid", sort: str = "relevance",
                section: Optional[str] = None, source: Optional[str] = None,
                entity: Optional[str] = None, after: Optional[str] = None,
                before: Optional[str] = None, offset: int = 0, keyword: Optional[str] = None):
    filters = _filters(section, source, entity, after, before, keyword)
    context: dict[str, Any] = {"title": f"Search: {q}" if q else "Search", "q": q, "mode": mode,
                               "sort": sort, "filters": filters, "result": None, "error": None,
                               "modes": hybrid.MODES, "sorts": hybrid.SORTS, "mark": mark,
                               "count_cap": hybrid.COUNT_CAP,
                               "sections": request.app.state.settings.section_list}
    status = 200
    if q.strip() or filters:
        try:
            context["result"] = search_results(request, q[:500], mode, sort, filters, PAGE,
                                               clamp_offset(offset))
            context["dates"] = date_facet(context["result"]["facets"].get("day", []))
        except (QueryError, ValueError) as exc:
            context["error"] = _error(exc)
            status = 400
    base = {"q": q, "mode": mode, "sort": sort, **filters}
    context["link"] = lambda **kw: "/search?" + urlencode(
        {k: v for k, v in {**base, **kw}.items() if v not in (None, "")})
    return templates.TemplateResponse(request, "search.html", context, status_code=status)


SEARCH_Q = ("The query language: words, \"phrases\", AND / OR / NOT / -word, (parentheses), "
            "word*, and fields title:, source: (a whole source name or its site), section:, "
            "entity:, keyword: (a whole key phrase), speaker:, after:YYYY-MM-DD, before:. A "
            "query that does not parse answers 400 with the message and the character "
            "position.")


@router.get("/api/search", responses=BAD_SEARCH)
def search_api(request: Request, q: str = Query("", max_length=500, description=SEARCH_Q),
               mode: str = "hybrid", sort: str = "relevance", section: Optional[str] = None,
               source: Optional[str] = None, entity: Optional[str] = None,
               after: Optional[str] = None, before: Optional[str] = None,
               limit: int = Query(20, ge=1, le=100), offset: Offset = 0,
               facets: bool = True, keyword: Optional[str] = None):
    """Full-text, semantic or hybrid search (the query language: see `q`).

    `total` counts the articles that match the words and filters; `total_capped` true means
    "more than `total`": past 10,000 matches, when hybrid adds neighbours by meaning that
    lack the words (`by_meaning` says how many), and in semantic mode, where `total` is the
    neighbours ranked so far and the ranking goes on (to 1,000). Page with `next_offset`
    until it is null. A query of bare words that fewer than five articles hold every one of
    is ranked by any of its words (`relaxed`), the `every_word` articles that hold them all
    first. Facets count source, section, day, entity and keyword over the best 200
    matches. `indexing` names the search indexes being rebuilt ("text", "vectors"):
    meanwhile ranking uses the store's own full-text index and nothing is found by meaning."""
    filters = _filters(section, source, entity, after, before, keyword)
    if not q.strip() and not filters:
        return JSONResponse({"detail": {"message": "give q or a filter", "position": None}}, 400)
    try:
        return search_results(request, q, mode, sort, filters, limit, offset, facets)
    except (QueryError, ValueError) as exc:
        return JSONResponse({"detail": _error(exc)}, status_code=400)


# -- Atom feeds ---------------------------------------------------------------------------
# Characters XML 1.0 cannot carry (C0 controls but tab and newlines, surrogates, U+FFFE/F):
# one in an outlet's summary or name made lxml refuse the whole feed, a 500.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def atom(request: Request, feed_id: str, title: str, html_path: str,
         articles: list[dict[str, Any]]) -> Response:
    """An Atom document for these article dicts (services.article_brief shape)."""
    from feedgen.feed import FeedGenerator

    base = str(request.base_url).rstrip("/")
    fg = FeedGenerator()
    fg.id(base + feed_id)
    fg.title(_xml(f"{title} · newsdesk"))
    fg.link(href=base + str(request.url.path) + (f"?{request.url.query}" if request.url.query
                                                  else ""), rel="self", type=ATOM)
    fg.link(href=base + html_path, rel="alternate", type="text/html")
    fg.generator("newsdesk")
    # Atom requires every entry to say when it was updated: an undated article says when this
    # store took it in (it was dated 1970 before, so feed readers filed it 56 years back).
    times = [a.get("published_at") or a.get("fetched_at") for a in articles]
    known = [t for t in times if t]
    fg.updated(max(known) if known else datetime.now(timezone.utc))
    for a, when in reversed(list(zip(articles, times))):  # feedgen prepends each entry
        fe = fg.add_entry()
        fe.id(f"{base}/articles/{a['id']}")
        fe.title(_xml(a["title"]))
        fe.link(href=f"{base}/articles/{a['id']}", rel="alternate", type="text/html")
        fe.updated(when or datetime.now(timezone.utc))
        if a.get("published_at"):
            fe.published(when)
        fe.author(name=_xml(a["source"]["name"]) or "newsdesk")
        text = a.get("snippet") or a["summary"]["text"]
        if text:
            fe.summary(_xml(text))  # the hit marks \x02 and \x03 go with the rest
    return Response(fg.atom_str(pretty=True), media_type=ATOM)


def _briefs(request: Request, flt: ArticleFilter) -> list[dict[str, Any]]:
    """Article briefs with the time the store took each in, for the undated ones' entries."""
    return [{**services.article_brief(a), "fetched_at": services.iso(a.fetched_at)}
            for a in request.app.state.store.list_articles(flt)]


@router.get("/feeds/search", response_class=Response, responses={**ATOM_FEED, **BAD_SEARCH})
def search_feed(request: Request, q: str = Query("", max_length=500), mode: str = "hybrid",
                sort: str = "relevance", section: Optional[str] = None,
                source: Optional[str] = None, entity: Optional[str] = None,
                after: Optional[str] = None, before: Optional[str] = None,
                keyword: Optional[str] = None):
    filters = _filters(section, source, entity, after, before, keyword)
    if not q.strip() and not filters:
        return JSONResponse({"detail": {"message": "give q or a filter", "position": None}}, 400)
    try:
        res = search_results(request, q, mode, sort, filters, FEED_ITEMS, 0, facets=False)
    except (QueryError, ValueError) as exc:
        return JSONResponse({"detail": _error(exc)}, status_code=400)
    undated = [a["id"] for a in res["items"] if not a["published_at"]]
    fetched = {a.id: services.iso(a.fetched_at) for a in request.app.state.store.list_articles(
        ArticleFilter(ids=undated, limit=len(undated)))} if undated else {}
    items = [{**a, "fetched_at": fetched.get(a["id"])} for a in res["items"]]
    page = "/search?" + urlencode({"q": q, "mode": mode, "sort": sort, **filters})
    return atom(request, page, f"Search: {q or urlencode(filters)}", page, items)


@router.get("/feeds/sections/{name}", response_class=Response,
            responses={**ATOM_FEED, **NOT_FOUND})
def section_feed(request: Request, name: str):
    items = _briefs(request, ArticleFilter(section=name, limit=FEED_ITEMS))
    if not items and name not in request.app.state.settings.section_list + ["Uncategorised"]:
        # as /sections/{name}: a mistyped subscription should fail, not stay silently empty
        return JSONResponse({"detail": f"There is no section {name}."}, status_code=404)
    return atom(request, f"/sections/{name}", name, f"/sections/{name}", items)


@router.get("/feeds/entities/{entity_id}", response_class=Response,
            responses={**ATOM_FEED, **NOT_FOUND, **MOVED_FEED})
def entity_feed(request: Request, entity_id: Id):
    try:
        entity = request.app.state.store.get_entity(entity_id)
    except NotFound as exc:
        new_id = request.app.state.store.entity_redirect(entity_id)
        if new_id is None:
            return JSONResponse({"detail": str(exc)}, status_code=404)
        # merged away (U.S. into United States): a subscribed feed reader follows the move
        return Response(status_code=MOVED, headers={"Location": f"/feeds/entities/{new_id}"})
    items = _briefs(request, ArticleFilter(entity_id=entity_id, limit=FEED_ITEMS))
    return atom(request, f"/entities/{entity_id}", entity.name, f"/entities/{entity_id}", items)


@router.get("/feeds/stories/{story_id}", response_class=Response,
            responses={**ATOM_FEED, **NOT_FOUND})
def story_feed(request: Request, story_id: Id):
    try:
        story = request.app.state.store.get_story(story_id)
    except NotFound as exc:
        return JSONResponse({"detail": str(exc)}, status_code=404)
    items = _briefs(request, ArticleFilter(story_id=story_id, limit=FEED_ITEMS))
    return atom(request, f"/stories/{story_id}", story.title, f"/stories/{story_id}", items)
