"""`newsdesk poll` with a broker: new entries go through the real RabbitMQ to a real worker
process, which stores them; the poller keeps only the feeds' own state."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import stop_process_group, wait_for

from newsdesk.sources.poll import PollSettings, poll_once
from newsdesk.store.base import ArticleFilter
from test_fetch_server import LoopbackServer
from test_poll import HOST, _wikinews_site, fetcher, later, subscribe

ROOT = Path(__file__).resolve().parents[1]
AMQP = os.environ.get("NEWSDESK_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")
pytestmark = pytest.mark.slow


@pytest.fixture
def server():
    with LoopbackServer(HOST) as s:
        yield s


def test_poll_with_a_broker_sends_entries_to_the_worker_and_keeps_feed_state(
        store, store_url, server, celery_app, tmp_path):
    # Queues of this test's own (the poller and worker processes inherit the prefix); the
    # stage tasks nobody here consumes go with them at the end.
    celery = celery_app(AMQP)
    records, _ = _wikinews_site(server)
    feed = subscribe(store, server, {"w": "/wikinews.xml"})["w"]
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "worker", "--concurrency", "1", "--queues",
         "ingest"], cwd=ROOT, env=dict(os.environ, NEWSDESK_DB=store_url, NEWSDESK_BROKER=AMQP),
        stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        cli = subprocess.run(
            [sys.executable, "-m", "newsdesk.cli", "poll", "--once", "--no-enrich",
             "--host-delay", "0", "--allow-private", "--broker", AMQP, "--db", store_url],
            cwd=ROOT, capture_output=True, text=True, timeout=120)
        # Sent, not stored here: two full pages and one teaser whose page robots.txt closes.
        assert cli.returncode == 0, cli.stderr
        assert "3 new entries sent to the workers" in cli.stdout, cli.stdout
        state = store.get_feed(feed.id)
        assert state.last_checked_at is not None and state.last_new_at is not None
        assert state.error_count == 0 and state.next_check_at > state.last_checked_at
        wait_for(lambda: store.count_articles() == 3, 120, f"the worker to store ({log})")
        by_title = {a.title: a for a in store.list_articles(ArticleFilter(limit=10))}
        full = by_title[records[0]["title"]]
        assert len(full.paragraphs) >= len(records[0]["body"]) - 2  # the page's text travelled
        assert full.feed_id == feed.id and full.source.name == "Loopback News"
        assert len(by_title[records[2]["title"]].paragraphs) == 1
        # The entries were marked seen when sent: the next change sends nothing again.
        [again] = poll_once(store, fetcher(), PollSettings(workers=2), now=later(48),
                            celery=celery)
        assert (again.status, again.new, again.new_ids) == ("unchanged", 0, ())
        assert server.count("/news/0.html") == 1
    finally:
        stop_process_group(worker)
    assert store.count_articles() == 3
