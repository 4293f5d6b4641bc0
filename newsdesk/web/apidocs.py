"""/docs: the JSON API and the feeds described from /openapi.json, server-rendered.

FastAPI's own /docs and /redoc pages load Swagger UI and ReDoc from a CDN and run inline
scripts: this site's Content-Security-Policy blocks both (they showed a blank page), and a
newsdesk serving offline would not reach the CDN anyway.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from .pages import _render

router = APIRouter()


def _type(schema: dict[str, Any]) -> str:
    """A parameter's type in a few words: `integer, 1 to 200`, `string or null`."""
    parts = schema.get("anyOf") or [schema]
    words = " or ".join(p.get("type", "") for p in parts if p.get("type")) or "any"
    bounds = [f"{k} {p[k]}" for p in [schema, *schema.get("anyOf", [])]
              for k in ("minimum", "maximum", "maxLength", "pattern") if k in p]
    return words + (f" ({', '.join(bounds)})" if bounds else "")


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                       "type": _type(p.get("schema", {})),
                       "default": p.get("schema", {}).get("default")}
                      for p in op.get("parameters", [])]
            out.append({"method": method.upper(), "path": path,
                        "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "params": params,
                        "body": "requestBody" in op,
                        "answers": [(code, r.get("description", ""), ", ".join(r.get("content", {})))
                                    for code, r in sorted(op.get("responses", {}).items())]})
    return out


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request):
    return _render(request, "api.html", title="API", ops=operations(request.app.openapi()))
