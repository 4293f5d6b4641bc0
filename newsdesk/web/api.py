"""The JSON API under /api: the twin of every HTML page, described at /openapi.json.

Pydantic models live here only, at the edge: they document the answers and refuse unknown
fields in requests with a clear 422.
"""
from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from .. import services
from ..errors import InputError, NotFound
from ..store.base import store_unreachable
from .contract import NOT_FOUND, RATE_LIMITED, TOO_LARGE, invalid
from .params import RETRY_AFTER_S, UNAVAILABLE, Id, Offset, OptionalId
from .search import text_index, vector_index
from .security import client_id

router = APIRouter(prefix="/api")


class SourceRef(BaseModel):
    id: Optional[int]
    name: str


class SummarySentence(BaseModel):
    text: str
    block: Optional[int] = Field(description="index in `body` of the paragraph it comes from")


class Summary(BaseModel):
    text: str
    generated: bool


class ArticleSummary(Summary):
    sentences: Optional[list[SummarySentence]] = Field(
        None, description="a generated summary's sentences, each with its paragraph")


class BodyBlock(BaseModel):
    kind: Literal["paragraph", "subhead"]
    text: str


class CreditOut(BaseModel):
    name: str
    role: Literal["photographer", "pool", "agency", "other"]


class MediaOut(BaseModel):
    url: str
    caption: str
    credits: list[CreditOut]


class Speaker(BaseModel):
    name: str
    entity_id: Optional[int]


class QuoteOut(BaseModel):
    text: str
    kind: str
    cue: str
    speaker: Speaker
    speaker_role: str
    said_to: str


class EntityRef(BaseModel):
    id: int
    name: str
    type: str
    role: str
    mentions: int


class RelatedOut(BaseModel):
    id: int
    title: str
    source: str
    reason: str
    kicker: str = Field("", description="the outlet's label before the headline (`Opinion`)")


class DateOut(BaseModel):
    text: str
    value: str
    granularity: str
    sentence: str
    role: str = Field(description='"event": when what the sentence tells happened (or will); '
                                  '"reference": a point it compares with ("its lowest level '
                                  'since 2003"), which story timelines leave out')


class ArticleBrief(BaseModel):
    id: int
    url: str
    title: str
    kicker: str = Field(description='the outlet\'s label before its headline ("Opinion"), '
                                    'split off the title it gave ("Opinion | ..."); or ""')
    source: SourceRef
    section: str
    published_at: Optional[str]
    story_id: Optional[int]
    summary: Summary


class ArticleOut(ArticleBrief):
    summary: ArticleSummary
    byline: str
    language: str
    body: list[BodyBlock]
    media: list[MediaOut]
    quotes: list[QuoteOut]
    entities: list[EntityRef]
    dates: list[DateOut]
    keywords: list[str]
    attribution: str
    section_given: bool  # mapped from the outlet's own section, not predicted
    outlet_section: str  # the section as the outlet named it ("World news"), "" if none
    related: list[RelatedOut]
    wire: Optional[dict] = None  # other outlets that ran the same wire text, and their changes


class ArticleList(BaseModel):
    items: list[ArticleBrief]


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["rating", "comment", "error"]
    rating: Optional[int] = Field(default=None, ge=1, le=5, description="required for a rating")
    text: str = Field(default="", max_length=services.MAX_FEEDBACK_TEXT,
                      description="required for a comment or an error report")


class FeedbackOut(BaseModel):
    id: int
    status: str


def _store(request: Request):
    return request.app.state.store


# /api/articles lists and filters by ids; its `q` is a plain word match, never a syntax
# error, so a caller can pass what a reader typed. The query language is /api/search's.
ARTICLES_Q = ("Plain words: articles holding every word, best match first. Operators, quotes, "
              "parentheses and fields are not syntax here, only the words in them count; a `q` "
              "with no letters or digits (`(`) lists nothing. For the query language (phrases, "
              "AND/OR/NOT, fields, a 400 with the position of an error) use /api/search.")


@router.get("/articles", response_model=ArticleList)
def list_articles(request: Request, section: Optional[str] = None, source: OptionalId = None,
                  entity: OptionalId = None, story: OptionalId = None,
                  q: Optional[str] = Query(None, max_length=500, description=ARTICLES_Q),
                  limit: int = Query(50, ge=1, le=200),
                  offset: Offset = 0):
    """Articles, newest first, filtered by section, source, entity or story ids; with `q`,
    those holding every word of it (plain words: see the `q` parameter)."""
    section = services.site_section(section, request.app.state.settings.section_list)
    return {"items": services.list_articles(_store(request), section=section, source=source,
                                            entity=entity, story=story, q=q, limit=limit,
                                            offset=offset)}


@router.get("/articles/{article_id}", response_model=ArticleOut, responses=NOT_FOUND)
def get_article(request: Request, article_id: Id):
    try:
        return services.article_full(_store(request), article_id,
                                     vector_index=vector_index(request),
                                     text_index=text_index(request))
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.post("/articles/{article_id}/feedback", response_model=FeedbackOut, status_code=201,
             responses={**NOT_FOUND, **RATE_LIMITED, **TOO_LARGE})
def post_feedback(request: Request, article_id: Id, body: FeedbackIn):
    settings = request.app.state.settings
    try:
        fid = services.add_feedback(_store(request), article_id, body.kind, body.rating,
                                    body.text, client_id(request), settings.feedback_per_hour)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except services.RateLimited as exc:
        raise HTTPException(429, str(exc)) from None
    except InputError as exc:  # a rule across fields: a comment needs its text
        raise invalid(("body",), str(exc)) from None
    return {"id": fid, "status": "new"}


@router.get("/sources")
def get_sources(request: Request):
    return {"items": services.sources(_store(request))}


@router.get("/sections")
def get_sections(request: Request):
    """The home page's JSON twin: each section with articles, its latest articles and its
    top stories (widest coverage among its recent ones, of two articles or more)."""
    settings = request.app.state.settings
    stories = services.home_stories(_store(request), settings.section_list)
    return {"items": [{"name": name, "articles": items, "stories": stories.get(name, [])}
                      for name, items in services.home(_store(request),
                                                       settings.section_list).items()]}



class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    store: str = Field(description="the backend: sqlite or postgres")
    detail: Optional[str] = None


@router.get("/health", response_model=Health,
            responses={503: {"model": Health, "description": "the store cannot be reached"}})
def health(request: Request, response: Response):
    """For a load balancer, a container runtime or a monitor: 200 while the store answers a
    trivial statement, else 503 (no article is read, so it costs the same at any size).
    Never cached: each call asks the store."""
    store = _store(request)
    kind = store.dialect
    try:
        store.ping()
    except Exception as exc:
        if not store_unreachable(exc):
            raise
        return JSONResponse({"status": "unavailable", "store": kind, "detail": UNAVAILABLE},
                            status_code=503, headers={"Retry-After": str(RETRY_AFTER_S),
                                                      "Cache-Control": "no-store"})
    response.headers["Cache-Control"] = "no-store"
    return {"status": "ok", "store": kind}
