"""A headline's kicker ("Opinion | ..."): split off at ingest, kept as its own field, shown as
a label; titles stored before migration 0018 are split the same way on both backends."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.models import Article, Block, RawItem, Source
from newsdesk.store.base import ArticleFilter
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
        # and in its story's coverage, where a column sits among the reports
        story = client.get(f"/api/stories/{opinion[0]['story_id']}").json()
        assert [a["kicker"] for a in story["items"] if a["id"] == opinion[0]["id"]] == ["Opinion"]
        assert '<span class="label">Opinion</span>' in client.get(
            f"/stories/{opinion[0]['story_id']}").text
        # the label is searchable, as it was while it stood in the title
        found = client.get("/api/search", params={"q": "opinion", "mode": "text"}).json()
        assert {a["id"] for a in opinion} <= {h["id"] for h in found["items"]}
    store.close()


def test_a_column_on_the_related_rail_carries_its_label(tmp_path):
    """A reader of a report sees which of the articles beside it is a column."""
    from newsdesk.services import article_full
    from newsdesk.store.base import open_store

    store = open_store(str(tmp_path / "site.db"))
    items = [RawItem(origin=f"t{i}", kind="record", url=f"https://outlet{i}.example/port",
                     source_name=f"Outlet {i}", title=title, blocks=[Block("paragraph", body)])
             for i, (title, body) in enumerate([
                 ("Rotterdam dock workers strike over pay",
                  "Dock workers in Rotterdam walked out over pay on Monday, halting container "
                  "traffic at Europe's largest port; shipping lines diverted ships to Antwerp."),
                 ("Opinion | The Rotterdam strike shows what ports owe their workers",
                  "The Rotterdam dock strike over pay is a warning: Europe's largest port has "
                  "long underpaid the workers who keep its container traffic moving.")])]
    report = ingest_items(store, items)
    report_id, column_id = report.new_ids
    related = article_full(store, report_id)["related"]
    assert [r["kicker"] for r in related if r["id"] == column_id] == ["Opinion"]
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


def test_export_then_ingest_keeps_the_label(tmp_path):
    """`newsdesk export` writes what `ingest` reads: the label came back as part of nothing
    (the headline alone was written), so a column became a report in the other store."""
    from typer.testing import CliRunner

    from newsdesk.cli import app
    from newsdesk.store.base import open_store

    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    store = open_store(first)
    ingest_items(store, read_paths([str(FEED)]), enrich=False)
    labelled = {(a.kicker, a.title) for a in store.list_articles(ArticleFilter(limit=200))}
    store.close()
    exported = CliRunner().invoke(app, ["export", "--db", first])
    assert exported.exit_code == 0, exported.output
    (tmp_path / "all.jsonl").write_text(exported.stdout, encoding="utf-8")
    store = open_store(second)
    ingest_items(store, read_paths([str(tmp_path / "all.jsonl")]), enrich=False)
    again = {(a.kicker, a.title) for a in store.list_articles(ArticleFilter(limit=200))}
    store.close()
    assert ("Opinion" in {k for k, _ in labelled}) and again == labelled
