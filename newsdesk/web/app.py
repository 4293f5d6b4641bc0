"""The web application: HTML pages and the JSON API over one store."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ..config import Settings
from ..store.base import Store, open_store
from . import api, entities, pages, search, stories
from .params import install_error_pages
from .security import BodySizeLimit


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(title="newsdesk", version="0.1.0",
                  description="A self-hosted news platform: articles, stories, entities, "
                              "quotes, search and trending, computed offline.")
    app.state.settings = settings
    app.state.store = store or open_store(settings.db)
    app.add_middleware(BodySizeLimit)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")),
              name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(search.router)
    app.include_router(entities.router)
    app.include_router(stories.router)
    install_error_pages(app, lambda request, status, title, message: pages._render(
        request, "error.html", status_code=status, title=title, message=message))

    @app.middleware("http")
    async def security_headers(request, call_next):
        response = await call_next(request)
        # Source text is rendered escaped; the policy is a second fence, not the first.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
