"""OPML import and export, and the `newsdesk feeds` commands around them."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.errors import ParseError
from newsdesk.models import Feed, Source
from newsdesk.sources.discover import feed_links, site_source
from newsdesk.sources.opml import read_opml, write_opml
from newsdesk.store.base import open_store

# The shape other readers export (nested folders, `text` without `title`, mixed-case
# attributes); the feed URLs are the real ones listed in orx365-rss-arch/feeds.txt.
READER_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Subscriptions</title></head><body>
  <outline text="Economics" title="Economics">
    <outline type="rss" text="The Economist: Finance" xmlUrl="https://www.economist.com/finance-and-economics/rss.xml" htmlUrl="https://www.economist.com/finance-and-economics"/>
    <outline type="rss" text="NYT Economy" xmlurl="https://rss.nytimes.com/services/xml/rss/nyt/Economy.xml"/>
    <outline text="Wall Street"><outline type="rss" text="WSJ World" xmlUrl="https://feeds.content.dowjones.io/public/rss/RSSWorldNews"/></outline>
  </outline>
  <outline type="rss" text="FT" xmlUrl="https://www.ft.com/myft/following/dcb550c0-d02b-46d7-a44a-294243b7f157.rss"/>
  <outline type="rss" text="again" xmlUrl="https://rss.nytimes.com/services/xml/rss/nyt/Economy.xml"/>
  <outline type="rss" text="bad" xmlUrl="javascript:alert(1)"/>
</body></opml>"""


def test_reader_export_is_read_with_folders_and_each_url_once():
    feeds = read_opml(READER_EXPORT)
    assert [f.title for f in feeds] == ["The Economist: Finance", "NYT Economy", "WSJ World", "FT"]
    assert [f.category for f in feeds] == ["Economics", "Economics", "Wall Street", ""]
    assert feeds[0].site == "https://www.economist.com/finance-and-economics"


def test_entity_bombs_and_non_opml_are_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<opml><body><outline text="&b;" xmlUrl="https://example.org/f"/></body></opml>')
    with pytest.raises(ParseError, match="entit"):
        read_opml(bomb)
    with pytest.raises(ParseError, match="not an OPML"):
        read_opml(b"<rss><channel/></rss>")
    with pytest.raises(ParseError, match="malformed"):
        read_opml(b"<opml><body><outline")


def test_write_then_read_round_trips():
    src = Source(name="The New York Times", site="https://www.nytimes.com", id=1)
    feeds = [Feed(url="https://rss.nytimes.com/services/xml/rss/nyt/Economy.xml",
                  title="NYT > Business > Economy & <more>", source_id=1)]
    back = read_opml(write_opml([(src, feeds), (Source(name="empty", id=2), [])]))
    assert [(f.url, f.title, f.category, f.site) for f in back] == [
        (feeds[0].url, feeds[0].title, "The New York Times", "https://www.nytimes.com")]


def test_feeds_import_export_list_commands(tmp_path):
    db = str(tmp_path / "n.db")
    path = tmp_path / "subs.opml"
    path.write_bytes(READER_EXPORT)
    runner = CliRunner()
    first = runner.invoke(app, ["feeds", "import", str(path), "--db", db])
    assert first.exit_code == 0 and "4 feeds added, 0 already there" in first.output
    again = runner.invoke(app, ["feeds", "import", str(path), "--by-folder", "--db", db])
    assert "0 feeds added, 4 already there" in again.output
    store = open_store(db)
    names = {s.name for s, _ in store.list_sources()}
    assert {"economist.com", "rss.nytimes.com", "ft.com"} <= names
    store.close()
    exported = runner.invoke(app, ["feeds", "export", "--db", db])
    assert exported.exit_code == 0
    assert {f.url for f in read_opml(exported.stdout_bytes)} == {f.url for f in read_opml(READER_EXPORT)}
    listed = runner.invoke(app, ["feeds", "list", "--db", db], env={"COLUMNS": "250"})
    assert listed.output.count("waiting") == 4


def test_discovery_finds_alternate_links_and_the_outlet():
    page = """<html lang="en-GB"><head><base href="https://www.example.org/news/">
    <meta property="og:site_name" content="Example Herald">
    <link rel="alternate" type="application/rss+xml" title="Top" href="rss/top.xml">
    <link rel="Alternate Feed" type="application/atom+xml" href="https://www.example.org/atom">
    <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
    <link rel="stylesheet" type="text/css" href="/s.css"></head><body></body></html>"""
    assert feed_links(page, "https://www.example.org/") == [
        ("https://www.example.org/news/rss/top.xml", "Top"), ("https://www.example.org/atom", "")]
    src = site_source(page, "https://www.example.org/news/")
    assert (src.name, src.site, src.language) == ("Example Herald", "https://www.example.org", "en")
