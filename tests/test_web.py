"""The site and the JSON API through an in-process HTTP client, on both backends."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.pipeline import ingest_items
from newsdesk.sources.files import read_paths
from newsdesk.store.base import open_store
from newsdesk.web.app import create_app

from conftest import BACKENDS, module_store_url

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "corpus" / "000_seed.txt"
FIX = Path(__file__).parent / "fixtures" / "ingest"
SEED_TITLE = "Japan and South Korea Hold Summit in Nara as China Steps Up Pressure Over Taiwan"


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    url = module_store_url(request, tmp_path_factory)
    store = open_store(url)
    ingest_items(store, read_paths([str(SEED), str(FIX / "two_articles.jsonl")]))
    settings = Settings(db=url, admin_token="admin-secret", secret="form-secret",
                        feedback_per_hour=1000)
    with TestClient(create_app(settings, store)) as client:
        client.store, client.settings = store, settings
        client.seed_id = next(a["id"] for a in client.get("/api/articles").json()["items"]
                              if a["title"] == SEED_TITLE)
        yield client
    store.close()


def test_article_json_has_every_part_of_the_seed(site):
    a = site.get(f"/api/articles/{site.seed_id}").json()
    assert a["source"]["name"] == "CRBC News" and a["section"] == "Politics"
    assert a["title"] == SEED_TITLE
    assert a["media"][0]["caption"].startswith("Japanese Prime Minister Sanae Takaichi will host")
    assert {(c["name"], c["role"]) for c in a["media"][0]["credits"]} >= {("AFP", "agency"),
                                                                          ("POOL", "pool")}
    assert a["summary"]["generated"] is False
    assert [b["text"] for b in a["body"] if b["kind"] == "subhead"] == [
        "Geopolitical Incentive", "Bitter Memories"]
    for key in ("quotes", "entities", "related", "story_id", "byline", "published_at", "url"):
        assert key in a


def test_generated_summary_is_marked_and_traceable(site):
    items = site.get("/api/articles?limit=50").json()["items"]
    other = next(i for i in items if i["title"] == "Apple releases Macbook")
    a = site.get(f"/api/articles/{other['id']}").json()
    assert a["summary"]["generated"] is True
    body = " ".join(b["text"] for b in a["body"])
    assert a["summary"]["text"] and a["summary"]["text"].split(".")[0] in body


def test_article_page_shows_every_part(site):
    html = site.get(f"/articles/{site.seed_id}").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    for part in ("CRBC News", "Politics", SEED_TITLE, "MAREUIL", "AFP", "Geopolitical Incentive",
                 "Bitter Memories", "Help us improve.", "Related Articles", "Trending"):
        assert part in text, part
    assert text.count(SEED_TITLE) >= 1 and "<h1" in html


def test_list_filters_and_unknown_article(site):
    assert site.get("/api/articles?section=Politics").json()["items"][0]["title"] == SEED_TITLE
    assert site.get("/api/articles/999999").status_code == 404
    assert site.get("/articles/999999").status_code == 404
    assert site.get("/api/articles?limit=0").status_code == 422


def test_openapi_describes_the_api(site):
    spec = site.get("/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}",
                 "/api/articles/{article_id}/feedback", "/api/stories", "/api/stories/{story_id}"):
        assert path in spec["paths"]


def test_pages_render(site):
    for path in ("/", "/sections/Politics", "/sources", "/trending", "/search?q=Nara",
                 "/quotes?speaker=Lee", "/stories", "/stories?section=Politics&offset=30"):
        r = site.get(path)
        assert r.status_code == 200, path
        assert "Content-Security-Policy" in r.headers


def test_feedback_api_validates_and_rate_limits(site):
    url = f"/api/articles/{site.seed_id}/feedback"
    assert site.post(url, json={"kind": "rating", "rating": 9}).status_code == 422
    assert site.post(url, json={"kind": "rating", "rating": 4, "extra": 1}).status_code == 422
    assert site.post(url, json={"kind": "comment", "text": ""}).status_code == 422
    assert site.post(url, json={"kind": "comment", "text": "x" * 5000}).status_code == 422
    assert site.post("/api/articles/999999/feedback",
                     json={"kind": "rating", "rating": 3}).status_code == 404
    assert site.post(url, json={"kind": "rating", "rating": 5}).status_code == 201


def test_feedback_rate_limit_per_client(site):
    strict = Settings(db=site.settings.db, admin_token="a", secret="s", feedback_per_hour=2)
    with TestClient(create_app(strict, site.store), client=("10.9.8.7", 5000)) as client:
        url = f"/api/articles/{site.seed_id}/feedback"
        codes = [client.post(url, json={"kind": "rating", "rating": 5}).status_code
                 for _ in range(3)]
    assert codes == [201, 201, 429]


def test_feedback_form_needs_csrf_and_admin_sees_it(site):
    page = site.get(f"/articles/{site.seed_id}")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    bad = site.post(f"/articles/{site.seed_id}/feedback",
                    data={"kind": "error", "text": "typo", "csrf": "forged"})
    assert bad.status_code == 403
    site.cookies.set("nd_csrf", token)
    ok = site.post(f"/articles/{site.seed_id}/feedback",
                   data={"kind": "error", "text": "A typo in paragraph two", "csrf": token},
                   follow_redirects=False)
    assert ok.status_code == 303
    assert site.get("/admin/feedback").status_code == 401
    assert site.get("/admin/feedback?token=wrong").status_code == 401
    admin = site.get("/admin/feedback?token=admin-secret")
    assert admin.status_code == 200
    rows = [json.loads(line) for line in
            site.get("/admin/feedback.jsonl?token=admin-secret").text.splitlines()]
    assert any(r["text"] == "A typo in paragraph two" and r["kind"] == "error" for r in rows)
    csv_text = site.get("/admin/feedback.csv?token=admin-secret").text
    assert csv_text.splitlines()[0].startswith("id,article_id,kind")


def test_oversized_body_is_refused(site):
    r = site.post(f"/api/articles/{site.seed_id}/feedback", content=b"x" * 200_000,
                  headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_views_feed_trending(site):
    for _ in range(3):
        site.get(f"/articles/{site.seed_id}")
    trending = site.get("/api/trending").json()
    assert json.dumps(trending)  # serialisable
    assert SEED_TITLE in json.dumps(trending)


def test_section_entity_and_story_pages_link_their_atom_feeds(site):
    assert 'type="application/atom+xml" title="Politics' in site.get("/sections/Politics").text
    a = site.get(f"/api/articles/{site.seed_id}").json()
    ent = a["entities"][0]["id"]
    page = site.get(f"/entities/{ent}").text
    assert f'href="/feeds/entities/{ent}"' in page
    assert site.get(f"/feeds/entities/{ent}").headers["content-type"].startswith("application/atom")
    assert a["story_id"]
    assert f'href="/feeds/stories/{a["story_id"]}"' in site.get(f"/stories/{a['story_id']}").text


def test_a_teaser_body_is_not_shown_again_as_its_summary(site, tmp_path):
    # A feed item whose body is its one-paragraph teaser gets that paragraph as its summary:
    # the page showed the same words twice, once marked "Summary generated by newsdesk".
    teaser = "The immediate economic impact of the ruling will be more uncertainty for importers"
    item = {"url": "https://outlet.test/teaser", "title": "Court rebuke brings tariff threats",
            "source": "Outlet", "body": [{"kind": "paragraph", "text": teaser}]}
    (tmp_path / "teaser.jsonl").write_text(json.dumps(item) + "\n")
    ingest_items(site.store, read_paths([str(tmp_path / "teaser.jsonl")]))
    aid = next(a["id"] for a in site.get("/api/articles?limit=50").json()["items"]
               if a["title"] == item["title"])
    summary = site.get(f"/api/articles/{aid}").json()["summary"]
    assert (summary["text"], summary["generated"]) == (teaser, True)
    html = site.get(f"/articles/{aid}").text
    assert html.count("more uncertainty for importers") == 1
    assert 'class="summary"' not in html
    # an article longer than its summary still shows it
    longer = site.get(f"/articles/{site.seed_id}").text
    assert 'class="summary"' in longer


def test_quotes_page_shows_the_latest_quotes_before_any_search(site):
    # it used to show an empty form; the API, asked nothing, sorted every quote in the store
    latest = site.get("/api/quotes").json()["items"]
    assert latest and all(q["speaker"]["name"] for q in latest)
    seed_quotes = [q for q in site.get(f"/api/articles/{site.seed_id}").json()["quotes"]
                   if q["kind"] == "direct" and q["speaker"]["name"]]
    assert {q["text"] for q in seed_quotes} <= {q["text"] for q in latest}
    html = site.get("/quotes").text
    assert "Latest quotes" in html and latest[0]["speaker"]["name"] in html
    # a search still answers the search
    found = site.get("/api/quotes?speaker=Lee").json()["items"]
    assert found and all("Lee" in q["speaker"]["name"] for q in found)
    # and pages: next_offset leads on, without repeats, to the end (it had no offset at all)
    first = site.get("/api/quotes?limit=2").json()
    second = site.get(f"/api/quotes?limit=2&offset={first['next_offset']}").json()
    assert first["next_offset"] == 2 and second["offset"] == 2
    assert [q["text"] for q in first["items"] + second["items"]] == [q["text"] for q in latest[:4]]
    every = site.get("/api/quotes?limit=200").json()["items"]
    last = site.get(f"/api/quotes?limit=200&offset={len(every) - 1}").json()
    assert len(last["items"]) == 1 and last["next_offset"] is None
    assert site.get("/api/quotes?offset=-1").status_code == 422
    assert 'rel="next"' in site.get("/quotes?limit=2").text


def test_a_nul_character_in_an_address_is_a_clear_400_on_both_backends(site):
    """PostgreSQL's text cannot hold a NUL: `/api/quotes?speaker=%00` reached the driver and
    answered 500 there (SQLite read it as the end of the string and matched every quote)."""
    for url in ("/api/search?q=a%00b", "/api/quotes?speaker=%00", "/api/articles?section=%00",
                "/api/stories?section=%00", "/feeds/search?q=a%00", "/api/trending?as_of=%00"):
        r = site.get(url)
        assert r.status_code == 400, (url, r.status_code)
        assert "NUL" in r.json()["detail"]
    page = site.get("/search?q=a%00b")  # a page answers with a page
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "NUL" in page.text


def test_feedback_text_keeps_no_control_characters(site):
    r = site.post(f"/api/articles/{site.seed_id}/feedback",
                  json={"kind": "comment", "text": "spelling\u0000 of the name\u0007"})
    assert r.status_code == 201
    stored = {f.id: f for f in site.store.list_feedback()}[r.json()["id"]]
    assert stored.text == "spelling of the name"
