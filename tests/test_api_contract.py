"""The JSON API and the feeds keep the contract /openapi.json states, checked by schemathesis.

A client generated from /openapi.json trusts every status code, content type and body shape
it declares. schemathesis derives requests from the schema (valid ones and, in its coverage
phase, edge values such as the bounds of each integer) and checks each answer against it:
no 500, only declared status codes, declared content types, bodies that match their schema.
Derandomised with a fixed example budget, so a run is the same run every time; both
backends, since an id out of a store's range failed differently in each.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from newsdesk.config import Settings
from newsdesk.pipeline import ingest_items
from newsdesk.sources.files import read_paths
from newsdesk.store.base import open_store
from newsdesk.web.app import create_app

from conftest import BACKENDS, module_store_url

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "corpus" / "000_seed.txt"
FIX = Path(__file__).parent / "fixtures" / "ingest"

# What a generated client relies on. Left out: positive_data_acceptance (a comment without
# text is refused by a rule across two fields, which JSON Schema here does not state) and the
# stateful checks (the API creates nothing a later call must find but feedback).
EXAMPLES = 25  # per operation
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "response_headers_conformance")


@pytest.fixture(scope="module", params=BACKENDS)
def api_app(request, tmp_path_factory):
    url = module_store_url(request, tmp_path_factory)
    store = open_store(url)
    ingest_items(store, read_paths([str(SEED), str(FIX / "two_articles.jsonl")]))
    app = create_app(Settings(db=url, admin_token="admin-secret", secret="form-secret",
                              feedback_per_hour=1000), store)
    with TestClient(app):  # runs the lifespan: the warm-up and the search indexes
        yield app
    store.close()


def test_every_answer_keeps_the_documented_contract(api_app):
    # Each operation's strategy driven by hypothesis here: schemathesis's own pytest
    # integration (`from_fixture`) does not run under pytest 9.
    from schemathesis import checks as st_checks

    checks = [getattr(st_checks, name) for name in CHECKS]
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(checks=checks)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried
            failures.append(f"{operation.label}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)


def test_the_schema_describes_the_machine_interfaces_only(api_app):
    """The pages are for browsers; /openapi.json describes /api and /feeds, whose errors it
    declares with the shapes they are answered in."""
    with TestClient(api_app) as client:
        spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert paths and all(p.startswith(("/api/", "/feeds/")) for p in paths), sorted(paths)
    article = paths["/api/articles/{article_id}"]["get"]["responses"]
    assert {"200", "404", "422"} <= set(article)
    feedback = paths["/api/articles/{article_id}/feedback"]["post"]["responses"]
    assert {"201", "404", "422", "429"} <= set(feedback)
    assert "application/atom+xml" in paths["/feeds/stories/{story_id}"]["get"]["responses"][
        "200"]["content"]
    assert "400" in paths["/api/search"]["get"]["responses"]
    json.dumps(spec)  # serialisable as served


def test_checks_the_routes_make_answer_in_fastapis_422_shape(api_app):
    """One 422 shape for a client to read: a date that is no date, feedback without its
    text (they came as a bare string where the schema promised FastAPI's list)."""
    with TestClient(api_app) as client:
        for r, loc, words in (
                (client.get("/api/trending?as_of=2008-13-45"), ["query", "as_of"], "ISO date"),
                (client.get("/api/trending?as_of=yesterday"), ["query", "as_of"], "match"),
                (client.post("/api/articles/1/feedback", json={"kind": "error"}), ["body"],
                 "an error report needs some text")):
            assert r.status_code == 422, r.text
            (problem,) = r.json()["detail"]
            assert problem["loc"] == loc and words in problem["msg"] and problem["type"]
        assert client.get("/api/trending?as_of=").status_code == 200  # empty: now
