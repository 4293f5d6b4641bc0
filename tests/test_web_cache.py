"""Conditional GET on the Atom feeds and the JSON API: polling clients get 304 when unchanged.

The middleware never touches the store, so these run on SQLite alone; records are ingested
without enrichment (the feeds and the API list articles whatever the stages made of them)."""
from __future__ import annotations

import json
from email.utils import formatdate

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.pipeline import ingest_items
from newsdesk.sources.files import read_paths
from newsdesk.store.base import open_store
from newsdesk.web import caching
from newsdesk.web.app import create_app


def _record(slug: str, title: str, published: str) -> dict:
    return {"url": f"https://example.org/{slug}", "title": title, "source": "Example Wire",
            "section": "Politics", "published_at": published,
            "body": [{"kind": "paragraph",
                      "text": f"{title}: the council met on Monday and voted on the plan, "
                              "officials said after the session ended."}]}


class Clock:
    """Stands in for time.time() in the middleware, so Last-Modified can be stepped."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def web(tmp_path, monkeypatch):
    url = str(tmp_path / "cache.db")
    store = open_store(url)
    clock = Clock(1_800_000_000.0)
    monkeypatch.setattr(caching, "time", clock)

    def ingest(*records):
        path = tmp_path / f"in{len(list(tmp_path.glob('in*')))}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        ingest_items(store, read_paths([str(path)]), enrich=False)

    ingest(_record("council", "Council backs the harbour plan", "2025-11-03T08:00:00+00:00"))
    settings = Settings(db=url, admin_token="admin", secret="form-secret")
    with TestClient(create_app(settings, store)) as client:
        client.ingest, client.clock = ingest, clock
        yield client
    store.close()


def test_feed_and_api_answer_304_to_a_matching_etag(web):
    aid = web.get("/api/articles").json()["items"][0]["id"]
    for path in ("/feeds/sections/Politics", "/api/articles", f"/api/articles/{aid}"):
        first = web.get(path)
        etag = first.headers["etag"]
        assert first.status_code == 200 and etag.startswith('W/"'), path
        assert first.headers["cache-control"] == "no-cache"
        again = web.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["etag"] == etag and "content-type" not in again.headers
        # the security headers stay on every answer
        assert again.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" in again.headers
        # a list of tags, or the strong form of the same tag, matches too (weak comparison)
        assert web.get(path, headers={"If-None-Match": f'"x", {etag[2:]}'}).status_code == 304
        assert web.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_gets_the_same_validators_and_304(web):
    get = web.get("/feeds/sections/Politics")
    head = web.head("/feeds/sections/Politics")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.content))
    cond = web.head("/feeds/sections/Politics", headers={"If-None-Match": get.headers["etag"]})
    assert cond.status_code == 304 and cond.content == b""


def test_a_new_article_changes_the_etag_and_is_downloaded(web):
    etag = web.get("/feeds/sections/Politics").headers["etag"]
    web.ingest(_record("budget", "Council passes the budget", "2025-11-04T08:00:00+00:00"))
    r = web.get("/feeds/sections/Politics", headers={"If-None-Match": etag})
    assert r.status_code == 200 and "Council passes the budget" in r.text
    assert r.headers["etag"] != etag


def test_if_modified_since_sees_a_backfilled_older_article(web):
    """Last-Modified is when this body was first served, not the newest publication date: an
    older article backfilled into the feed must not be answered 'not modified'."""
    web.get("/feeds/sections/Politics")
    web.clock.now += 5
    first = web.get("/feeds/sections/Politics")
    since = first.headers["last-modified"]
    assert web.get("/feeds/sections/Politics",
                   headers={"If-Modified-Since": since}).status_code == 304
    web.clock.now += 60
    web.ingest(_record("archive", "Council's 2019 vote, from the archive",
                       "2019-05-01T08:00:00+00:00"))
    r = web.get("/feeds/sections/Politics", headers={"If-Modified-Since": since})
    assert r.status_code == 200 and "from the archive" in r.text
    # If-None-Match decides when both are sent, even with a date that would match
    future = formatdate(web.clock.now + 3600, usegmt=True)
    both = {"If-None-Match": '"stale"', "If-Modified-Since": future}
    assert web.get("/feeds/sections/Politics", headers=both).status_code == 200
    assert web.get("/feeds/sections/Politics",
                   headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_a_body_changed_within_the_same_second_never_validates_an_old_copy():
    seen = caching.FirstServed()
    for t in (1_800_000_000.2, 1_800_000_000.9):
        key = f"/feeds/x?{t}"
        a = seen.since(key, 'W/"a"', t)
        assert seen.since(key, 'W/"a"', t + 0.05) == a  # unchanged: the same time
        held = caching.shown_time(a, t + 0.05)  # what a client holding "a" was told
        b = seen.since(key, 'W/"b"', t + 0.08)  # changed, possibly within the same second
        assert not caching.not_modified('W/"b"', b, None, formatdate(held, usegmt=True))
        # once a second has passed the new body validates as usual
        later = caching.shown_time(b, t + 2)
        assert caching.not_modified('W/"b"', b, None, formatdate(later, usegmt=True))


def test_errors_and_pages_carry_no_validators(web):
    assert "etag" not in web.get("/feeds/sections/Nowhere").headers  # 404
    assert "etag" not in web.get("/api/articles/999999").headers
    page = web.get("/sections/Politics")
    assert page.status_code == 200 and "etag" not in page.headers


def test_live_trending_is_one_answer_a_minute(web):
    # a read makes the store live, so trending runs as of now, not the archive's newest day
    aid = web.get("/api/articles").json()["items"][0]["id"]
    web.get(f"/articles/{aid}", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"})
    for _ in range(3):  # a minute may turn between the two calls: then ask again
        first, second = web.get("/api/trending"), web.get("/api/trending")
        if first.json()["as_of"] == second.json()["as_of"]:
            break
    assert first.json()["as_of"].endswith(":00+00:00") or first.json()["as_of"].endswith(":00Z")
    etag = first.headers["etag"]
    assert second.headers["etag"] == etag
