"""The search answers as the API and the page give them: truthful totals, next_offset that
pages past the fusion's pool, and /api/articles' plain-word `q` documented as such."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.search import hybrid
from newsdesk.store.base import open_store
from newsdesk.web.app import create_app
from test_search import DOCS, _store_embedded


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = str(tmp_path_factory.mktemp("searchapi") / "web.db")
    store = open_store(url)
    _store_embedded(store, DOCS)
    settings = Settings(db=url, admin_token="admin-secret", secret="form-secret")
    with TestClient(create_app(settings, store)) as client:
        yield client
    store.close()


@pytest.fixture
def small_pool(monkeypatch):
    monkeypatch.setattr(hybrid, "POOL", 8)


def test_api_pages_the_hybrid_list_to_its_end(site, small_pool):
    text = site.get("/api/search", params={"q": "coach", "mode": "text", "limit": 100}).json()
    seen, offset, first = [], 0, None
    while offset is not None:
        res = site.get("/api/search", params={"q": "coach", "limit": 6, "offset": offset}).json()
        first = first or res
        seen += [a["id"] for a in res["items"]]
        offset = res["next_offset"]
    assert first["total"] == text["total"] > 8
    assert first["total_capped"] == (first["by_meaning"] > 0)
    assert len(seen) == len(set(seen)) == text["total"] + first["by_meaning"]


def test_page_says_more_than_when_meaning_adds_articles(site, small_pool):
    res = site.get("/api/search", params={"q": "coach", "limit": 20}).json()
    page = site.get("/search", params={"q": "coach"}).text
    said = (f"More than {res['total']} results" if res["total_capped"]
            else f"{res['total']} results")
    assert said in page and 'rel="next"' in page


def test_articles_q_is_plain_words_and_documented(site):
    assert site.get("/api/articles", params={"q": "("}).json() == {"items": []}
    assert site.get("/api/search", params={"q": "("}).status_code == 400
    params = site.get("/openapi.json").json()["paths"]["/api/articles"]["get"]["parameters"]
    q = next(p for p in params if p["name"] == "q")
    assert "Plain words" in q["description"] and "/api/search" in q["description"]
    params = site.get("/openapi.json").json()["paths"]["/api/search"]["get"]["parameters"]
    assert "query language" in next(p for p in params if p["name"] == "q")["description"]


def test_page_says_how_many_articles_have_every_word(site):
    # "convicted mother": one article has both words, so the rest are ranked by any word
    res = site.get("/api/search", params={"q": "convicted mother"}).json()
    assert res["relaxed"] and res["every_word"] == 1
    page = site.get("/search", params={"q": "convicted mother"}).text
    assert "only 1 has every word, first; the rest have some of them" in page
    res = site.get("/api/search", params={"q": "coach"}).json()  # one word: nothing relaxed
    assert not res["relaxed"] and res["every_word"] is None
