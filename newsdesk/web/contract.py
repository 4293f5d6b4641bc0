"""What /openapi.json promises a client: the machine interfaces only, with every answer they
give declared in the shape it comes in.

The pages are for browsers and stay out of the schema. Every error an /api or /feeds route
answers is declared on it: a missing item is 404 `{"detail": "..."}`, a value the route
cannot use is FastAPI's 422 (`{"detail": [{"loc", "msg", "type"}]}`, also for the checks
the code makes itself, so a client parses one shape), a search that does not parse is 400
with the message and its position, and a store that cannot be reached is 503. Checked by
tests/test_api_contract.py with schemathesis.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Optional, Union

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

MACHINE_PATHS = ("/api/", "/feeds/")


class Problem(BaseModel):
    detail: str


class QueryProblemDetail(BaseModel):
    message: str
    position: Optional[int] = None


class BadRequest(BaseModel):
    detail: Union[str, QueryProblemDetail]


class Moved(BaseModel):
    detail: str
    moved_to: int
    url: str


# A feed route answers Atom, its errors JSON: declared with the plain Response class, whose
# media type FastAPI would otherwise give the JSON error models too.
ATOM_FEED: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}},
          "description": "An Atom feed."}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such item."}}
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"model": Problem, "description": "Too many posts from this client this hour."}}
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"content": {"text/plain": {"schema": {"type": "string"}}},
          "description": "The request body is over the size cap."}}
MOVED_ENTITY: dict[int | str, dict[str, Any]] = {
    308: {"model": Moved, "description": "The entity was merged into another: follow "
                                         "Location."}}
# ... and its feed moves with no body, only Location
MOVED_FEED: dict[int | str, dict[str, Any]] = {
    308: {"description": "The entity was merged into another: follow Location."}}
BAD_SEARCH: dict[int | str, dict[str, Any]] = {
    400: {"model": BadRequest, "description": "No query and no filter, or a query that does "
                                              "not parse (the message and its position)."}}
# Every route: a NUL in the address (400) and a store that cannot be reached (503).
EVERY_ROUTE: dict[int | str, dict[str, Any]] = {
    400: {"model": BadRequest, "description": "The web address holds a NUL character."},
    503: {"model": Problem, "description": "The store cannot be reached; see Retry-After."}}


def invalid(loc: tuple[str | int, ...], message: str, value: Any = None) -> RequestValidationError:
    """A 422 in FastAPI's own shape for a check the route makes itself (`as_of` that is no
    date, feedback the service refuses), so it reads like one the schema made."""
    return RequestValidationError(
        [{"type": "value_error", "loc": loc, "msg": message, "input": value}])


_REF = re.compile(r'"#/components/schemas/([^"]+)"')


def machine_openapi(full_openapi: Callable[[], dict[str, Any]],
                    cut: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """FastAPI's OpenAPI document (`full_openapi`, which caches it) cut to the /api and /feeds
    paths and the component schemas they refer to; `cut` keeps the cut of the document it
    was made from, so /docs and /openapi.json do not cut it again on every request."""
    spec = full_openapi()
    if id(spec) in cut:
        return cut[id(spec)]
    paths = {p: ops for p, ops in spec.get("paths", {}).items() if p.startswith(MACHINE_PATHS)}
    schemas = spec.get("components", {}).get("schemas", {})
    kept: set[str] = set()
    todo = [paths]
    while todo:  # follow the $refs from the paths through the schemas they name
        for ref in _REF.findall(json.dumps(todo.pop())):
            if ref not in kept and ref in schemas:
                kept.add(ref)
                todo.append(schemas[ref])
    components = {**spec.get("components", {}),
                  "schemas": {k: v for k, v in schemas.items() if k in kept}}
    cut.clear()  # only the newest document's (FastAPI remakes it when routes change)
    cut[id(spec)] = {**spec, "paths": paths, "components": components}
    return cut[id(spec)]
