"""A headline's kicker ("Opinion | ..."): split off at ingest, kept as its own field, shown as
a label; titles stored before migration 0018 are split the same way on both backends."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.models import Article, Block, RawItem, Source
from newsdesk.normalise import split_kicker, to_article
from newsdesk.pipeline import ingest_items
from newsdesk.sources.files import read_paths
from newsdesk.web.app import create_app

FEED = Path(__file__).resolve().parents[1] / "data" / "corpus" / "feeds" / "wsj_world.xml"


@pytest.mark.parametrize(("title", "kicker", "headline"), [
    ("Opinion | Green Politics and Global Stability", "Opinion",
     "Green Politics and Global Stability"),
    ("Heard on the Street | Banks Rally as Rates Fall", "Heard on the Street",
     "Banks Rally as Rates Fall"),
    ("Heard on the Street | Banks Rally", "", "Heard on the Street | Banks Rally"),
    ("Fall of an Empire: The Story of Katherine", "", "Fall of an Empire: The Story of Katherine"),
    ("Markets | ", "", "Markets | "),  # nothing after the bar: no headline to stand alone
    ("One two three four five | Headline", "", "One two three four five | Headline"),
    ("Brexit talks stall | Reuters", "", "Brexit talks stall | Reuters"),  # an outlet's suffix
])
def test_split_kicker(title, kicker, headline):
    assert split_kicker(title) == (kicker, headline)


def test_a_feed_item_s_kicker_is_split_off_at_ingest():
    item = RawItem(origin="test", kind="feed-entry", url="https://example.org/op",
                   title="Opinion | Rubio Plays Good Cop",
                   blocks=[Block("paragraph", "The secretary of state has a role.")])
    article = to_article(item)
    assert (article.kicker, article.title) == ("Opinion", "Rubio Plays Good Cop")
    plain = to_article(RawItem(origin="test", kind="feed-entry", url="https://example.org/n",
                               title="Rubio Plays Good Cop",
                               blocks=[Block("paragraph", "The secretary of state has a role.")]))
    assert plain.content_hash == article.content_hash  # the same story, labelled or not


def test_the_bundled_wsj_feed_shows_opinion_as_a_label(tmp_path):
    store_path = str(tmp_path / "site.db")
    from newsdesk.store.base import open_store

    store = open_store(store_path)
    ingest_items(store, read_paths([str(FEED)]))
    with TestClient(create_app(Settings(db=store_path), store)) as client:
        items = client.get("/api/articles", params={"limit": 100}).json()["items"]
        opinion = [a for a in items if a["kicker"] == "Opinion"]
        assert opinion and not any("|" in a["title"] for a in items)
        page = client.get(f"/articles/{opinion[0]['id']}").text
        assert '<span class="label">Opinion</span>' in page
        assert f'<h1 id="headline">{opinion[0]["title"]}</h1>' in page
        # the label is searchable, as it was while it stood in the title
        found = client.get("/api/search", params={"q": "opinion", "mode": "text"}).json()
        assert {a["id"] for a in opinion} <= {h["id"] for h in found["items"]}
    store.close()


def test_migration_0018_splits_the_titles_stored_before(store):
    src = Source(name="WSJ")
    ids = [store.add_article(Article(url=f"u:{i}", title=title, source=src,
                                     body=[Block("paragraph", "Text.")], content_hash=f"h{i}"))
           for i, title in enumerate(["Opinion | A Global Minimum Tax Means Price Fixing",
                                      "Heard on the Street | Banks Rally as Rates Fall",
                                      "Heard on the Street | Banks Rally",
                                      "Brexit talks stall | Reuters", "Markets | "])]
    from newsdesk.models import Story

    story = store.save_story(Story(title="Opinion | A Global Minimum Tax Means Price Fixing"))
    store.update_article_fields(ids[0], story_id=story)
    # the store as migration 0017 left it: no kicker column, the titles as given
    with store.transaction():
        store._execute("ALTER TABLE articles DROP COLUMN kicker")
        store._execute("DELETE FROM migrations WHERE name = '0018_article_kicker'")
    assert store.migrate() == ["0018_article_kicker"]
    got = [(store.get_article(i).kicker, store.get_article(i).title) for i in ids]
    assert got == [("Opinion", "A Global Minimum Tax Means Price Fixing"),
                   ("Heard on the Street", "Banks Rally as Rates Fall"),
                   ("", "Heard on the Street | Banks Rally"),
                   ("", "Brexit talks stall | Reuters"), ("", "Markets | ")]
    assert store.get_story(story).title == "A Global Minimum Tax Means Price Fixing"
