"""Polling real feeds and hostile ones from a loopback server into a real store."""
from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from newsdesk.models import Feed, Source
from newsdesk.sources.fetch import Fetcher, Policy, make_client
from newsdesk.sources.poll import PollSettings, feed_health, poll_once
from newsdesk.store.base import ArticleFilter
from test_fetch_server import (ENTITY_BOMB, FIXTURES, LoopbackServer, conditional, drip, endless,
                               fixture_feed, gzip_bomb, localized, redirect, send, slow, static)

HOST = "127.0.0.2"
SETTINGS = PollSettings(workers=4, full_text=False)


@pytest.fixture
def server():
    with LoopbackServer(HOST) as s:
        s.routes["/page/*"] = static(b"gone", 404, Content_Type="text/plain")
        yield s


def fetcher(**policy) -> Fetcher:
    p = Policy(**{"allowed_networks": (f"{HOST}/32",), "host_delay_s": 0.0, "per_host": 8,
                  "timeout_s": 1.5, "max_bytes": 1024 * 1024, **policy})
    return Fetcher(make_client(p), p)


def subscribe(store, server, paths: dict[str, str]) -> dict[str, Feed]:
    src = store.ensure_source(Source(name="Loopback News", site=server.url("/")))
    return {name: store.add_feed(Feed(url=server.url(path), source_id=src.id))
            for name, path in paths.items()}


def later(hours: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(hours=hours)


def test_real_feeds_are_stored_then_answer_304(store, server):
    server.routes["/nyt.xml"] = conditional(localized(fixture_feed("nyt_econ.xml"), server))
    server.routes["/ft.xml"] = static(localized(fixture_feed("ft-home.xml"), server))
    feeds = subscribe(store, server, {"nyt": "/nyt.xml", "ft": "/ft.xml"})
    f = fetcher()
    first = {o.feed_id: o for o in poll_once(store, f, SETTINGS)}
    assert first[feeds["nyt"].id].status == "new" and first[feeds["nyt"].id].new >= 15
    # FT's entries are a picture and one line; whether they make articles is extract's call.
    assert first[feeds["ft"].id].status in ("new", "unchanged")
    nyt = store.get_feed(feeds["nyt"].id)
    assert nyt.etag == '"v1"' and nyt.error_count == 0 and nyt.title.startswith("NYT")
    assert SETTINGS.min_interval_s <= nyt.interval_s <= SETTINGS.max_interval_s
    assert nyt.next_check_at > nyt.last_checked_at
    stored = store.list_articles(ArticleFilter(limit=100))
    assert all(a.feed_id in (feeds["nyt"].id, feeds["ft"].id) for a in stored)
    assert {a.source.name for a in stored} == {"Loopback News"}
    # Nothing is due again until its next check; when it is, 304 and no new article.
    assert poll_once(store, f, SETTINGS) == []
    again = {o.feed_id: o for o in poll_once(store, f, SETTINGS, now=later(48))}
    assert again[feeds["nyt"].id].status == "not-modified"
    assert again[feeds["ft"].id].status == "unchanged"  # same entries: all deduplicated
    assert store.count_articles() == len(stored)
    assert store.get_feed(feeds["nyt"].id).interval_s > nyt.interval_s  # quiet: checked less


def test_news_digest_feeds_rss1_and_rss2(store, server, shared_data):
    folder = shared_data / "feeds" / "news-digest-fixtures"
    server.routes["/bbc.xml"] = static((folder / "bbc.xml").read_bytes())
    server.routes["/dw.xml"] = static((folder / "dw.xml").read_bytes(),
                                      Content_Type="application/rdf+xml")
    subscribe(store, server, {"bbc": "/bbc.xml", "dw": "/dw.xml"})
    outcomes = poll_once(store, fetcher(), SETTINGS)
    assert [o.status for o in outcomes] == ["new", "new"]
    entries = sum(len(re.findall(rb"<item[\s>]", (folder / n).read_bytes()))
                  for n in ("bbc.xml", "dw.xml"))
    assert store.count_articles() == entries


def test_each_hostile_feed_keeps_its_own_error_and_the_others_poll(store, server):
    nyt = localized(fixture_feed("nyt_econ.xml"), server)
    good = nyt.replace(b"/page/", b"/good/")
    with LoopbackServer("127.0.0.1") as inside:
        inside.routes["/meta"] = static(b"<rss>secret</rss>")
        server.routes.update({
            "/good.xml": static(good),
            "/slow.xml": slow(4), "/drip.xml": drip, "/endless.xml": endless,
            "/bomb.xml": static(gzip_bomb(32), Content_Encoding="gzip"),
            "/loop-a": redirect(server.url("/loop-b")), "/loop-b": redirect(server.url("/loop-a")),
            "/private": redirect(inside.url("/meta")),
            "/metadata": redirect("http://169.254.169.254/latest/meta-data/"),
            "/gone.xml": static(b"", 410),
            "/busy.xml": static(b"", 429, Retry_After="7200"),
            "/down.xml": static(b"", 503, Retry_After=format_datetime(later(3), usegmt=True)),
            "/latin.xml": static(nyt.replace(b'encoding="utf-8"', b'encoding="ISO-8859-1"', 1)),
            "/broken.xml": static(b"<rss><channel><title>x</tit<<item>&bogus;</rss>"),
            "/entities.xml": static(ENTITY_BOMB),
            "/image.xml": static(b"\x89PNG\r\n" + b"\0" * 64, Content_Type="image/png"),
        })
        names = ["good", "slow", "drip", "endless", "bomb", "loop-a", "private", "metadata",
                 "gone", "busy", "down", "latin", "broken", "entities", "image"]
        paths = {n: f"/{n}" if n in ("loop-a", "private", "metadata") else f"/{n}.xml"
                 for n in names}
        feeds = subscribe(store, server, paths)
        t0 = datetime.now(timezone.utc).replace(microsecond=0)  # the store keeps seconds
        outcomes = {o.feed_id: o for o in poll_once(store, fetcher(), PollSettings(
            workers=8, full_text=False))}
        assert inside.hits == []
    state = {n: store.get_feed(feeds[n].id) for n in names}
    status = {n: outcomes[feeds[n].id].status for n in names}
    expected_errors = {
        "slow": "timed out", "drip": "timed out", "endless": "cap", "bomb": "after decompression",
        "loop-a": "too many redirects", "private": "refused", "metadata": "refused",
        "busy": "HTTP 429", "down": "HTTP 503", "broken": "malformed feed",
        "entities": "entit", "image": "content type"}
    for name, words in expected_errors.items():
        feed = state[name]
        assert status[name] == "error" and words in feed.last_error, (name, feed.last_error)
        assert feed.error_count == 1 and feed.active and feed.last_error_at >= t0, name
        assert feed.next_check_at >= t0 + timedelta(minutes=10), name
    assert status["gone"] == "retired" and not state["gone"].active
    assert feed_health(state["gone"]) == "retired" and feed_health(state["busy"]) == "failing"
    busy_wait = (state["busy"].next_check_at - t0).total_seconds()
    down_wait = (state["down"].next_check_at - t0).total_seconds()
    assert 7000 < busy_wait < 7400 and 3 * 3600 - 120 < down_wait < 3 * 3600 + 60
    # The same stories under two URLs, polled at once: each story is new in one of them.
    assert "new" in {status["good"], status["latin"]} and "error" not in {status["good"], status["latin"]}
    assert state["good"].error_count == 0 and feed_health(state["good"]) == "healthy"
    titles = {a.title for a in store.list_articles(ArticleFilter(limit=100))}
    assert "‘Murky Waters’ for Global Businesses After Trump’s Tariff Loss" in titles
    # The 410 feed is no longer polled; the others come back once their backoff is over.
    due = {f.id for f in store.due_feeds(later(24 * 8), limit=100)}
    assert feeds["gone"].id not in due and feeds["busy"].id in due


def test_backoff_grows_with_each_error_and_success_resets_it(store, server):
    answers = iter([500, 500, 500, 200])
    body = localized(fixture_feed("nyt_econ.xml"), server)
    server.routes["/flaky.xml"] = lambda h: (lambda code: send(h, code, body if code == 200 else b""))(next(answers))
    feed = subscribe(store, server, {"flaky": "/flaky.xml"})["flaky"]
    f, waits, now = fetcher(), [], datetime.now(timezone.utc)
    for _ in range(3):
        poll_once(store, f, SETTINGS, now=now)
        state = store.get_feed(feed.id)
        waits.append((state.next_check_at - now).total_seconds())
        now = state.next_check_at + timedelta(seconds=1)
    assert state.error_count == 3 and "HTTP 500" in state.last_error
    assert waits[0] * 1.6 < waits[1] and waits[1] * 1.6 < waits[2]
    assert poll_once(store, f, SETTINGS, now=now)[0].status == "new"
    assert store.get_feed(feed.id).error_count == 0


def test_permanent_redirect_moves_the_feed(store, server):
    server.routes["/old.xml"] = redirect(server.url("/new.xml"), 301)
    server.routes["/new.xml"] = static(localized(fixture_feed("nyt_econ.xml"), server))
    feed = subscribe(store, server, {"x": "/old.xml"})["x"]
    assert poll_once(store, fetcher(), SETTINGS)[0].status == "new"
    assert store.get_feed(feed.id).url == server.url("/new.xml")
    poll_once(store, fetcher(), SETTINGS, now=later(48))
    assert server.count("/old.xml") == 1 and server.count("/new.xml") == 2


def _wikinews_site(server) -> tuple[list[dict], bytes]:
    """An RSS feed of teasers (each record's first paragraph) and the records as full pages."""
    records = [json.loads(line) for line in (FIXTURES / "wikinews_three.jsonl").open()]
    items = []
    for i, r in enumerate(records):
        path = f"/closed/{i}.html" if i == 2 else f"/news/{i}.html"
        # The first entry claims a date far in the future: the page's own date must win.
        when = "Mon, 01 Jan 2099 00:00:00 GMT" if i == 0 else format_datetime(
            datetime.fromisoformat(r["published_at"]), usegmt=True)
        items.append(f"<item><title>{html.escape(r['title'])}</title><link>{server.url(path)}"
                     f"</link><description>{html.escape(r['body'][0]['text'])}</description>"
                     f"<pubDate>{when}</pubDate></item>")
        body = "".join(f"<p>{html.escape(b['text'])}</p>" for b in r["body"])
        page = (f"<!doctype html><html lang=en><head><title>{html.escape(r['title'])}</title>"
                f"<meta property='article:published_time' content='{r['published_at']}'>"
                f"</head><body><nav><a href='/'>Home</a></nav><article><h1>"
                f"{html.escape(r['title'])}</h1>{body}</article><footer>© Wikinews, CC BY 2.5"
                f"</footer></body></html>").encode()
        server.routes[path] = static(page, Content_Type="text/html; charset=utf-8")
    feed = (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Wikinews"
            f"</title><link>{server.url('/')}</link>{''.join(items)}</channel></rss>").encode()
    server.routes["/wikinews.xml"] = static(feed)
    server.routes["/robots.txt"] = static(b"User-agent: *\nDisallow: /closed/\n",
                                          Content_Type="text/plain")
    return records, feed


def test_teasers_get_their_full_text_and_dates_from_the_page(store, server):
    records, _ = _wikinews_site(server)
    subscribe(store, server, {"w": "/wikinews.xml"})
    assert poll_once(store, fetcher(), PollSettings(workers=2))[0].new == 3
    by_title = {a.title: a for a in store.list_articles(ArticleFilter(limit=10))}
    full, teaser_only = by_title[records[0]["title"]], by_title[records[2]["title"]]
    assert len(full.paragraphs) >= len(records[0]["body"]) - 2
    assert full.summary == records[0]["body"][0]["text"]  # the teaser is kept as standfirst
    assert full.published_at.date().isoformat() == records[0]["published_at"][:10]
    assert len(by_title[records[1]["title"]].paragraphs) >= 5
    assert len(teaser_only.paragraphs) == 1 and server.count("/closed/2.html") == 0


def test_a_stop_abandons_unfinished_feeds_without_writing(store, server):
    server.routes["/drip.xml"] = drip
    server.routes["/good.xml"] = static(localized(fixture_feed("nyt_econ.xml"), server))
    feeds = subscribe(store, server, {"drip": "/drip.xml", "good": "/good.xml"})
    f = fetcher(timeout_s=20)
    threading.Timer(0.8, f.stop.set).start()
    outcomes = {o.feed_id: o.status for o in poll_once(store, f, SETTINGS)}
    assert outcomes[feeds["drip"].id] == "stopped"
    drip_state = store.get_feed(feeds["drip"].id)
    assert drip_state.last_checked_at is None and drip_state.error_count == 0
    good = store.get_feed(feeds["good"].id)
    n = store.count_articles()
    assert (good.last_checked_at is not None and n >= 15) or (good.last_checked_at is None and n == 0)


def test_cli_add_by_site_then_poll_stops_cleanly_on_sigterm(tmp_path, server):
    server.routes["/"] = static(b"<html><head><meta property='og:site_name' content='Loopback "
                                b"Times'><link rel='alternate' type='application/rss+xml' "
                                b"href='/drip.xml'></head><body>hi</body></html>",
                                Content_Type="text/html")
    db = str(tmp_path / "cli.db")
    env = {**os.environ, "NEWSDESK_DB": db, "NEWSDESK_ALLOW_PRIVATE": "1", "COLUMNS": "250"}
    cli = [sys.executable, "-m", "newsdesk.cli"]
    added = subprocess.run(cli + ["feeds", "add", server.url("/")], env=env, capture_output=True,
                           text=True, timeout=60)
    assert added.returncode == 0 and server.url("/drip.xml") in added.stdout, added.stderr
    assert "Loopback Times" in added.stdout
    server.routes["/drip.xml"] = drip
    proc = subprocess.Popen(cli + ["poll", "--no-enrich"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while server.count("/drip.xml") < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    listed = subprocess.run(cli + ["feeds", "list"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert "waiting" in listed.stdout and "Loopback Times" in listed.stdout


def test_sources_page_and_api_show_feed_health(sqlite_store, server):
    from fastapi.testclient import TestClient

    from newsdesk.config import Settings
    from newsdesk.web.app import create_app

    server.routes["/gone.xml"] = static(b"", 410)
    server.routes["/ok.xml"] = static(localized(fixture_feed("ft-home.xml"), server))
    subscribe(sqlite_store, server, {"gone": "/gone.xml", "ok": "/ok.xml"})
    poll_once(sqlite_store, fetcher(), SETTINGS)
    client = TestClient(create_app(Settings(db=sqlite_store.url, admin_token="t", secret="s"),
                                   store=sqlite_store))
    page = client.get("/sources").text
    assert "Loopback News" in page and "retired" in page and "healthy" in page
    feeds = client.get("/api/sources").json()["items"][0]["feeds"]
    assert {f["health"] for f in feeds} == {"retired", "healthy"}
    assert all("interval_s" in f and "last_error_at" in f for f in feeds)


def test_entries_seen_once_are_not_fetched_again_even_as_duplicates(store, server):
    _, body = _wikinews_site(server)
    # A second feed carries the same stories under other URLs (a syndication partner).
    server.routes["/mirror.xml"] = static(body.replace(b"/news/", b"/mirror/"))
    for i in range(2):
        server.routes[f"/mirror/{i}.html"] = server.routes[f"/news/{i}.html"]
    subscribe(store, server, {"w": "/wikinews.xml"})
    poll_once(store, fetcher(), PollSettings(workers=1))
    subscribe(store, server, {"m": "/mirror.xml"})
    first = poll_once(store, fetcher(), PollSettings(workers=1), now=later(1))
    assert [o.status for o in first] == ["unchanged"]  # all duplicates of the first feed's
    fetched = server.count("/mirror/0.html")
    assert fetched == 1
    poll_once(store, fetcher(), PollSettings(workers=1), now=later(48))
    assert server.count("/mirror/0.html") == fetched and server.count("/news/0.html") == 1


def test_gate_all_real_feeds_poll_into_articles(sqlite_store, server, shared_data):
    """Evaluation gate: the seven real feeds, polled without full text, become articles.

    Measured with newsdesk.extract (0997c92): 228 of 252 entries stored (90.5%); the rest are
    FT picture-and-one-line teasers and two NYT entries with a title only.
    """
    paths = sorted((shared_data / "feeds").rglob("*.xml"))
    subs = {}
    for path in paths:
        server.routes[f"/{path.name}"] = static(localized(path.read_bytes(), server))
        subs[path.stem] = f"/{path.name}"
    subscribe(sqlite_store, server, subs)
    outcomes = poll_once(sqlite_store, fetcher(), SETTINGS)
    assert len(outcomes) == 7 and all(o.status in ("new", "unchanged") for o in outcomes)
    entries = sum(len(re.findall(rb"<item[\s>]", p.read_bytes())) for p in paths)
    stored = sqlite_store.count_articles()
    print(f"{stored} of {entries} entries stored")
    assert stored >= 0.88 * entries
