"""Server-rendered HTML pages; each renders the same service dicts as its JSON twin."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from functools import lru_cache
from typing import Callable, Optional
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from .. import services
from ..errors import InputError, NotFound
from .params import MOVED, Id, clamp_offset
from .search import text_index, vector_index
from .security import (CSRF_COOKIE, CSRF_MAX_AGE, check_admin, check_csrf, client_id,
                       counts_as_read, make_csrf_token)

router = APIRouter()
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
SECTION_PAGE = 30


def roles_once(quotes: list[dict], entities: list[dict]) -> list[str]:
    """The role to print after each quote's speaker, as the article introduces people: with the
    speaker's first quote only, the role given in that sentence or else the one the article
    gives the speaker elsewhere ("Benoit Hardy-Chartrand, an East Asia geopolitics expert at
    Temple University's Tokyo campus"), and not again on the speaker's later quotes."""
    known = {e["id"]: e.get("role") or "" for e in entities}
    seen: set = set()
    roles = []
    for q in quotes:
        speaker = q.get("speaker") or {}
        key = speaker.get("entity_id") or (speaker.get("name") or "").casefold()
        role = q.get("speaker_role") or known.get(speaker.get("entity_id"), "")
        roles.append("" if not key or key in seen else role)
        if key:
            seen.add(key)
    return roles


templates.env.globals["roles_once"] = roles_once


def reported_by(name: str, cue: str) -> str:
    """How a statement the article reports without quoting is introduced on the speaker's
    page, as "<this> : <what was said>": "Boeing announced", "According to the Associated
    Press". The cue is the article's own verb; a participle ("Boeing challenged the award,
    claiming the evaluation was skewed") reads as a sentence only made finite, "Boeing
    claims"."""
    cue = " ".join(cue.split())
    if cue.casefold() == "according to":
        return f"According to {name}"
    if not cue:
        return name
    return f"{name} {finite(cue) if cue.casefold().endswith('ing') else cue}"


@lru_cache(maxsize=512)
def finite(participle: str) -> str:
    """The third-person present of an -ing verb ("writing" -> "writes"), by lemminflect's
    English inflection tables (spelling rules such as the silent e are theirs, not ours);
    the word as given when they do not know it."""
    from lemminflect import getInflection, getLemma

    lemma = getLemma(participle.casefold(), upos="VERB")
    forms = getInflection(lemma[0], tag="VBZ") if lemma else ()
    return forms[0] if forms else participle


templates.env.globals["reported_by"] = reported_by


def _render(request: Request, template: str, status_code: int = 200,
            **context) -> HTMLResponse:
    settings = request.app.state.settings
    context.setdefault("sections", settings.section_list)
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def not_found(request: Request, message: str) -> HTMLResponse:
    return _render(request, "error.html", status_code=404, title="Not found", message=message)


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    store = request.app.state.store
    by_section = services.home(store, request.app.state.settings.section_list)
    return _render(request, "home.html", title="Top stories", by_section=by_section,
                   stories=services.home_stories(store, request.app.state.settings.section_list),
                   trending=services.live_trending(store, request.app.state.trending_cache))


def unknown_section(request: Request, name: str, url_of: Callable[[str], str]):
    """For a page that found nothing under section `name`: a redirect to the site's own
    spelling of it (/sections/politics), a 404 for a section the site does not have (a
    mistyped or stale link says so, rather than an empty page answered 200), or None for a
    known section that is only empty."""
    known = services.site_section(name, request.app.state.settings.section_list)
    if known != name:
        return RedirectResponse(url_of(known), status_code=MOVED)
    if name in request.app.state.settings.section_list + ["Uncategorised"]:
        return None
    return not_found(request, f"There is no section {name}.")


@router.get("/sections/{name}", response_class=HTMLResponse)
def section(request: Request, name: str, offset: int = 0):
    offset = clamp_offset(offset)
    # One more than a page says whether an older page exists (no link to an empty page).
    items = services.list_articles(request.app.state.store, section=name,
                                   limit=SECTION_PAGE + 1, offset=offset)
    more, items = len(items) > SECTION_PAGE, items[:SECTION_PAGE]
    if not items and offset == 0:
        unknown = unknown_section(request, name, lambda known: f"/sections/{quote(known)}")
        if unknown:
            return unknown
    return _render(request, "section.html", title=name, name=name, items=items,
                   offset=offset, page=SECTION_PAGE, more=more)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: Id, thanks: Optional[int] = None):
    return _article_page(request, article_id, thanks=bool(thanks))


def _summary_adds(data: dict) -> bool:
    """False when a generated summary is the whole body again (a feed item whose body is its
    one-paragraph teaser): the page would show the same words twice."""
    summary = data["summary"]
    if not summary["text"]:
        return False
    body = " ".join(b["text"] for b in data["body"] if b["kind"] != "subhead")
    return not summary["generated"] or " ".join(summary["text"].split()) != " ".join(body.split())


def _article_page(request: Request, article_id: int, *, thanks: bool = False,
                  error: str = "", form: Optional[dict] = None,
                  status_code: int = 200) -> HTMLResponse:
    store = request.app.state.store
    try:
        data = services.article_full(store, article_id, vector_index=vector_index(request),
                                     text_index=text_index(request))
    except NotFound:
        return not_found(request, f"There is no article {article_id}.")
    if request.method == "GET" and counts_as_read(request):
        services.record_view(store, article_id)
    token = request.cookies.get(CSRF_COOKIE) or make_csrf_token(request.app.state.settings.secret)
    response = _render(request, "article.html", status_code=status_code, title=data["title"],
                       a=data, show_summary=_summary_adds(data), csrf=token, thanks=thanks,
                       error=error,
                       form=form or {"kind": "rating", "rating": "", "text": ""},
                       trending=services.live_trending(store, request.app.state.trending_cache))
    response.set_cookie(CSRF_COOKIE, token, max_age=CSRF_MAX_AGE, httponly=True,
                        samesite="strict")
    return response


@router.post("/articles/{article_id}/feedback")
def article_feedback(request: Request, article_id: Id, kind: str = Form(...),
                     rating: Optional[str] = Form(None), text: str = Form(""),
                     csrf: str = Form("")):
    settings = request.app.state.settings
    if not check_csrf(settings.secret, csrf, request.cookies.get(CSRF_COOKIE)):
        return _render(request, "error.html", status_code=403, title="Form expired",
                       message="The form expired or did not come from this site; reload the "
                               "article and send your feedback again.")
    try:
        value = int(rating) if rating not in (None, "") else None
        services.add_feedback(request.app.state.store, article_id, kind, value, text,
                              client_id(request), settings.feedback_per_hour)
    except NotFound:
        return not_found(request, f"There is no article {article_id}.")
    except (InputError, ValueError) as exc:
        # The form comes back with the reader's words kept and the reason, from this server:
        # a message carried in the URL could be forged into a link to the site.
        message = str(exc) if isinstance(exc, InputError) else "a rating is a number from 1 to 5"
        status = 429 if isinstance(exc, services.RateLimited) else 422
        return _article_page(request, article_id, error=message, status_code=status,
                             form={"kind": kind, "rating": rating or "", "text": text})
    return RedirectResponse(f"/articles/{article_id}?thanks=1#feedback", status_code=303)


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request):
    return _render(request, "sources.html", title="Sources",
                   items=services.sources(request.app.state.store))


# -- admin ------------------------------------------------------------------------------
def _admin_denied() -> PlainTextResponse:
    return PlainTextResponse("admin token required (?token=... or Authorization: Bearer ...)",
                             status_code=401)


@router.get("/admin/feedback", response_class=HTMLResponse)
def admin_feedback(request: Request, status: Optional[str] = None):
    if not check_admin(request.app.state.settings.admin_token, request):
        return _admin_denied()
    rows = services.feedback_rows(request.app.state.store, status)
    return _render(request, "admin_feedback.html", title="Feedback", rows=rows, status=status,
                   token=request.query_params.get("token", ""))


@router.post("/admin/feedback/{feedback_id}")
def admin_moderate(request: Request, feedback_id: Id, status: str = Form(...)):
    if not check_admin(request.app.state.settings.admin_token, request):
        return _admin_denied()
    if status not in ("new", "approved", "rejected"):
        return PlainTextResponse("status must be new, approved or rejected", status_code=422)
    request.app.state.store.set_feedback_status(feedback_id, status)
    query = urlencode({"token": request.query_params.get("token", "")})
    return RedirectResponse(f"/admin/feedback?{query}", status_code=303)


@router.get("/admin/feedback.{fmt}")
def admin_export(request: Request, fmt: str):
    if not check_admin(request.app.state.settings.admin_token, request):
        return _admin_denied()
    rows = services.feedback_rows(request.app.state.store)
    if fmt == "jsonl":
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        return Response(body, media_type="application/x-ndjson")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["id", "article_id", "kind", "rating", "text",
                                                 "status", "created_at"])
        writer.writeheader()
        writer.writerows(rows)
        return Response(out.getvalue(), media_type="text/csv")
    return PlainTextResponse("export formats: csv, jsonl", status_code=404)
