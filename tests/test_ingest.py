"""Ingest end to end on real stores: JSONL, feed files, page dumps; idempotence; bad inputs."""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from newsdesk.pipeline import Stage, enrich_articles, ingest_items
from newsdesk.sources.files import read_paths
from newsdesk.store.base import ArticleFilter

FIX = Path(__file__).parent / "fixtures" / "ingest"
SEED = Path(__file__).resolve().parents[1] / "data" / "corpus" / "000_seed.txt"


def ingest(store, *paths, enrich=False):
    return ingest_items(store, read_paths([str(p) for p in paths]), enrich=enrich)


def test_jsonl_is_stored_once(store):
    first = ingest(store, FIX / "two_articles.jsonl")
    assert first.summary_line() == "2 new, 0 duplicate, 0 failed"
    again = ingest(store, FIX / "two_articles.jsonl")
    assert again.summary_line() == "0 new, 2 duplicate, 0 failed"
    assert store.count_articles() == 2
    a = store.list_articles(ArticleFilter(order="id"))[0]
    assert a.title == "Apple unveils new Intel-based Mac"
    assert a.source.name == "Wikinews"
    assert [b.kind for b in a.body] == ["paragraph", "paragraph"]
    assert a.published_at.year == 2006 and a.published_at.tzinfo is not None
    assert "CC BY 2.5" in a.attribution


def test_same_text_under_another_url_is_a_duplicate(store, tmp_path):
    text = (FIX / "two_articles.jsonl").read_text().replace("en.wikinews.org/wiki/", "mirror.example/wiki/")
    (tmp_path / "copy.jsonl").write_text(text)
    ingest(store, FIX / "two_articles.jsonl")
    report = ingest(store, tmp_path / "copy.jsonl")
    assert report.count("duplicate") == 2 and store.count_articles() == 2


def test_feed_file_items_become_articles(store):
    report = ingest(store, FIX / "economist.xml")
    assert report.count("failed") == 0 and report.count("new") >= 5
    a = store.list_articles(ArticleFilter(limit=1))[0]
    assert a.source.name == "Finance & economics"
    assert a.url.startswith("https://")
    assert a.published_at is not None


def test_seed_page_dump(store):
    report = ingest(store, SEED)
    assert report.summary_line() == "1 new, 0 duplicate, 0 failed"
    a = store.get_article(report.new_ids[0])
    assert a.source.name == "CRBC News"
    assert a.section == "Politics"
    assert a.title == "Japan and South Korea Hold Summit in Nara as China Steps Up Pressure Over Taiwan"
    assert [b.text for b in a.body if b.kind == "subhead"] == ["Geopolitical Incentive",
                                                               "Bitter Memories"]
    assert a.summary.startswith("Japanese Prime Minister Sanae Takaichi will host South Korean")
    assert not a.summary_generated
    credits = {(c.name, c.role) for m in a.media for c in m.credits}
    assert ("AFP", "agency") in credits and ("POOL", "pool") in credits
    assert not any("Help us improve" in b.text for b in a.body)


BAD_INPUTS = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 64,
    "invalid-utf8.html": b"<html><body><p>caf\xe9 \xff\xfe broken</p></body></html>",
    "truncated.html": b"<html><head><title>Cut",
    "malformed.xml": b"<?xml version='1.0'?><rss><channel><title>x</title><item><title>a",
    "bomb.xml": (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                 b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                 b"<rss><channel><title>&lol2;</title></channel></rss>"),
    "bad.jsonl": b'{"title": "ok but no body"\n[1, 2]\n',
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_fails_alone_and_leaves_store_unchanged(store, tmp_path, name):
    ingest(store, FIX / "two_articles.jsonl")
    before = store.count_articles()
    bad = tmp_path / name
    bad.write_bytes(BAD_INPUTS[name])
    report = ingest(store, bad, FIX / "two_articles.jsonl")
    failed = [r for r in report.results if r.status == "failed"]
    assert failed, report.results
    assert all(r.error for r in failed)
    # the result carries the origin beside the reason: the reason does not say it again
    assert not any(r.origin in r.error for r in failed), [r.error for r in failed]
    assert report.count("duplicate") == 2  # the good file after the bad one still went on
    assert store.count_articles() == before


def test_huge_file_is_refused_without_reading_it(store, tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    report = ingest(store, big)
    assert report.results[0].status == "failed"
    assert "cap" in report.results[0].error
    assert store.count_articles() == 0


def test_gzip_bytes_are_not_text(store, tmp_path):
    p = tmp_path / "page.html"
    p.write_bytes(gzip.compress(b"<html><body><p>hello</p></body></html>"))
    assert ingest(store, p).results[0].status == "failed"


def test_stage_failure_is_recorded_on_its_article_only(store):
    report = ingest(store, FIX / "two_articles.jsonl")
    bad_id = report.new_ids[0]

    def flaky(store_, articles):
        for a in articles:
            if a.id == bad_id:
                raise ValueError("cannot handle this one")
            store_.update_article_fields(a.id, byline="checked")

    failures = enrich_articles(store, report.new_ids, [Stage("flaky", 1, flaky)])
    assert failures == {"flaky": 1}
    states = {i: store.stage_states(i)[0] for i in report.new_ids}
    assert "cannot handle this one" in states[bad_id].error
    good = report.new_ids[1]
    assert states[good].error == "" and store.get_article(good).byline == "checked"
    # re-running only the outdated: a version bump re-runs both
    assert store.articles_needing("flaky", 2) == sorted(report.new_ids)


def test_unreadable_path_is_reported(store, tmp_path):
    report = ingest(store, tmp_path / "missing.txt")
    assert report.results[0].status == "failed" and "no such file" in report.results[0].error
    if os.geteuid() != 0:  # root reads anything; the permission case only means something else
        p = tmp_path / "secret.txt"
        p.write_text("x")
        p.chmod(0)
        assert ingest(store, p).results[0].status == "failed"


def test_a_busy_database_is_retried_and_never_recorded_as_the_articles_fault(store,
                                                                             monkeypatch):
    import sqlite3

    import newsdesk.pipeline as pipeline

    monkeypatch.setattr(pipeline.time, "sleep", lambda s: None)  # the back-off, not the work
    report = ingest(store, FIX / "two_articles.jsonl")
    calls = []

    def busy_twice(store_, articles):
        calls.append(len(articles))
        if len(calls) <= 2:
            raise sqlite3.OperationalError("database is locked")
        for a in articles:
            store_.update_article_fields(a.id, byline="checked")

    assert enrich_articles(store, report.new_ids, [Stage("busy", 1, busy_twice)]) == {"busy": 0}
    assert all(store.stage_states(i)[0].error == "" for i in report.new_ids)
    assert calls == [2, 2, 2]  # the whole batch again, not article by article

    def always_busy(store_, articles):
        raise sqlite3.OperationalError("database is locked")

    assert enrich_articles(store, report.new_ids, [Stage("locked", 1, always_busy)]) == \
        {"locked": 2}
    # not recorded as run (nor as the article's error): the next `newsdesk enrich` takes them
    assert store.articles_needing("locked", 1) == sorted(report.new_ids)
    assert all(s.stage != "locked" for i in report.new_ids for s in store.stage_states(i))


def test_cli_names_each_failed_item_once_and_counts_what_a_file_held(tmp_path):
    from typer.testing import CliRunner

    from newsdesk.cli import app

    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        '<item><title>Empty</title><link>http://example.org/a</link></item>'
        '<item><title>Full</title><link>http://example.org/b</link>'
        '<description>A long enough body of text about the harbour works, which reopened '
        'on Monday after three years of repairs.</description></item></channel></rss>',
        encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(feed), "--no-enrich",
                                      "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    failed = [line for line in result.output.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and failed[0].count(str(feed)) == 1, result.output
    assert "2/2" in result.output  # the bar counts the feed's entries, not the one file
    assert "1 new, 0 duplicate, 1 failed" in result.output


def test_a_jsonl_archive_is_streamed_and_capped_by_the_line_not_the_file(tmp_path, store):
    """An archive of many articles may be any size; each line is capped. A 24 MB archive of
    6,000 articles was refused whole ("over the 20,971,520-byte cap")."""
    import json

    from newsdesk.sources.decode import MAX_INPUT_BYTES

    archive = tmp_path / "archive.jsonl"
    padding = "x" * (1 << 20)  # an unknown field, ignored: the file grows, the articles don't
    with archive.open("wb") as f:
        for i in range(21):
            f.write(json.dumps({"url": f"https://outlet.example/{i}", "title": f"Harbour {i}",
                                "text": f"The harbour works at pier {i} reopened on Monday "
                                        "after three years of repairs, the port said.",
                                "padding": padding}).encode() + b"\n")
        f.write(b'{"url": "https://outlet.example/huge", "text": "' + b"a" * (MAX_INPUT_BYTES + 10)
                + b'"}\n')
        f.write(b'{"url": "https://outlet.example/latin1", "title": "Caf\xe9"}\n')
    assert archive.stat().st_size > MAX_INPUT_BYTES
    report = ingest_items(store, read_paths([archive]), enrich=False)
    assert len(report.new_ids) == 21
    failed = {r.origin.rsplit(":", 1)[1]: r.error for r in report.results if r.status == "failed"}
    assert set(failed) == {"22", "23"}
    assert "over the" in failed["22"] and "UTF-8" in failed["23"]


def test_a_gzipped_jsonl_archive_is_read_through_gzip_with_each_line_capped(tmp_path, store):
    import json

    from newsdesk.sources.decode import MAX_INPUT_BYTES

    archive = tmp_path / "dump.jsonl.gz"
    with gzip.open(archive, "wb") as f:
        for i in range(2):
            f.write(json.dumps({"url": f"https://outlet.example/{i}", "title": f"Harbour {i}",
                                "text": "The harbour works reopened on Monday after three "
                                        "years of repairs, the port said."}).encode() + b"\n")
        # a few kilobytes that inflate past the cap: skipped, never held whole
        f.write(b'{"text": "' + b"a" * (MAX_INPUT_BYTES + 10) + b'"}\n')
    assert archive.stat().st_size < 1 << 20
    report = ingest_items(store, read_paths([tmp_path]), enrich=False)  # found in a folder too
    assert len(report.new_ids) == 2
    [failed] = [r for r in report.results if r.status == "failed"]
    assert failed.origin.endswith("dump.jsonl.gz:3") and "over the" in failed.error
