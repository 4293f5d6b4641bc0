"""The web application: HTML pages and the JSON API over one store."""
from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from ..config import Settings
from ..services import TrendingCache
from ..store.base import Store, open_store
from . import api, apidocs, entities, pages, search, stories
from .contract import EVERY_ROUTE, machine_openapi
from .caching import ConditionalGet
from .indexes import DerivedIndexes
from .params import install_error_pages, no_nul_in_address
from .security import BodySizeLimit, HeadAsGet

log = logging.getLogger(__name__)


def _warm(indexes: DerivedIndexes, done: threading.Event) -> None:
    """Load what the first article page and the first search would otherwise load inside a
    reader's request: the story clustering modules (datasketch pulls in scikit-learn, about
    0.8 s), the query embedder (about 0.3 s), the country names an entity: filter reads
    (Babel's CLDR data, about 0.05 s) and the verb forms an entity page may need
    (lemminflect's tables, about 0.9 s); and it opens the search indexes, starting any
    rebuild they need (web/indexes.py). Best effort: a failure here is the first request's
    to report."""
    try:
        indexes.start()  # first: a large rebuild goes on in its own thread
        from ..stories import cluster  # noqa: F401  (related articles import it lazily)
        from ..enrich.embed import embed_texts
        from ..enrich.names import name_keys

        from .pages import finite

        embed_texts(["warm"])
        finite("saying")
        name_keys("US")  # search/query.py asks it for every entity: filter (babel, cleanco)
    except Exception:  # pragma: no cover - the request that needs it will raise it properly
        log.warning("warm-up failed", exc_info=True)
    finally:
        done.set()


@asynccontextmanager
async def _lifespan(app: FastAPI):
    # In a thread, so the server answers at once; requests meanwhile just wait on the imports.
    threading.Thread(target=_warm, args=(app.state.indexes, app.state.warm), daemon=True,
                     name="newsdesk-warm").start()
    yield


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    # FastAPI's /docs and /redoc need a CDN and inline scripts; apidocs serves /docs instead.
    app = FastAPI(title="newsdesk", version="0.1.0", lifespan=_lifespan, docs_url=None,
                  redoc_url=None, dependencies=[Depends(no_nul_in_address)],
                  responses=EVERY_ROUTE,
                  description="A self-hosted news platform: articles, stories, entities, "
                              "quotes, search and trending, computed offline.")
    full_openapi, cut = app.openapi, {}
    app.openapi = lambda: machine_openapi(full_openapi, cut)  # the pages are for browsers
    app.state.settings = settings
    app.state.warm = threading.Event()  # set once _warm has run
    app.state.store = store or open_store(settings.db)
    app.state.indexes = DerivedIndexes(app.state.store)
    app.state.trending_cache = TrendingCache()  # services.live_trending's, this process's
    app.add_middleware(BodySizeLimit)
    # Added before HeadAsGet, so it runs inside it: a HEAD gets the validators of its GET.
    app.add_middleware(ConditionalGet)
    app.add_middleware(HeadAsGet)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")),
              name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(search.router)
    app.include_router(entities.router)
    app.include_router(stories.router)
    app.include_router(apidocs.router)
    install_error_pages(app, lambda request, status, title, message: pages._render(
        request, "error.html", status_code=status, title=title, message=message))

    @app.middleware("http")
    async def security_headers(request, call_next):
        response = await call_next(request)
        # Source text is rendered escaped; the policy is a second fence, not the first.
        # Article photos stay on their outlets' servers (loaded without a referrer), so
        # images may come from any web address; scripts, styles and frames may not.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
