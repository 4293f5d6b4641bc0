"""The search answers as the API and the page give them: truthful totals, next_offset that
pages past the fusion's pool, and /api/articles' plain-word `q` documented as such."""
from __future__ import annotations

import re

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


def test_page_says_how_many_meaning_adds(site):
    """The articles found by meaning alone are counted apart from those with the words: "More
    than 5 results" above a page of 20 read as a wrong count."""
    res = site.get("/api/search", params={"q": "coach", "limit": 20}).json()
    page = re.sub(r"\s+", " ", site.get("/search", params={"q": "coach"}).text)
    assert res["by_meaning"] > 0
    assert f"{res['total']} results, and {res['by_meaning']} more found by meaning." in page
    assert "More than" not in page and 'rel="next"' in page


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


def test_date_facet_narrows_to_days_months_or_years():
    from newsdesk.web.search import date_facet

    def days(*values):
        return [{"value": v, "count": 1} for v in values]

    within_month = date_facet(days("2026-02-21", "2026-02-20", "2026-02-20x", "2026-02-08"))
    assert [(f["value"], f["after"], f["before"]) for f in within_month] == [
        ("2026-02-21", "2026-02-21", "2026-02-22"), ("2026-02-20", "2026-02-20", "2026-02-21"),
        ("2026-02-08", "2026-02-08", "2026-02-09")]  # a value that is not a day is left out
    months = date_facet(days("2008-12-03", "2008-12-30", "2008-03-01", "2007-07-09"))
    assert [(f["value"], f["count"], f["after"], f["before"]) for f in months] == [
        ("December 2008", 2, "2008-12-01", "2009-01-01"),
        ("March 2008", 1, "2008-03-01", "2008-04-01"),
        ("July 2007", 1, "2007-07-01", "2007-08-01")]
    years = date_facet(days("2026-02-21", "2011-08-08", "2005-01-18", "2005-06-13"))
    assert [(f["value"], f["count"], f["before"]) for f in years] == [
        ("2026", 1, "2027-01-01"), ("2011", 1, "2012-01-01"), ("2005", 2, "2006-01-01")]
    assert date_facet([]) == []


def test_search_page_dates_link_to_their_range(site):
    # the page listed the ten newest days, as text: a search over months showed a few days
    page = site.get("/search", params={"q": "coach"}).text
    api = site.get("/api/search", params={"q": "coach"}).json()["facets"]["day"]
    first = min(d["value"] for d in api)[:7]
    assert "<h2>Date</h2>" in page
    assert re.search(rf'href="/search\?q=coach[^"]*after={first}-01[^"]*before=', page)
    assert site.get("/api/search", params={"q": "coach", "after": f"{first}-01"}).json()["total"]
