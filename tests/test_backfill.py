"""`newsdesk backfill` against the real Redis: every line of an archive is sent once, a second
run resumes where the first stopped, and a bad line is reported, not sent."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.store.base import open_store
from newsdesk.worker import INGEST_QUEUE, all_queues, make_celery

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "ingest"
# A Redis database of its own, so that the kill -9 test's queues are never touched.
BROKER = os.environ.get("NEWSDESK_TEST_REDIS_BACKFILL", "redis://127.0.0.1:6379/9")


@pytest.fixture()
def celery():
    app = make_celery(BROKER)
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:
        pytest.fail(f"Redis is not reachable at {BROKER}: {exc}")
    _purge(app)
    yield app
    _purge(app)


def _purge(app) -> None:
    with app.connection_for_write() as conn:
        for q in all_queues():
            conn.default_channel.queue_purge(q)


def _queued_urls(app) -> list[str]:
    """Take every ingest message off the queue; the URL of each item sent."""
    urls = []
    with app.connection_for_write() as conn:
        queue = conn.SimpleQueue(INGEST_QUEUE)
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            args = message.payload[0]  # Celery's message protocol 2: (args, kwargs, embed)
            urls.append(args[0]["url"])
            message.ack()
        queue.close()
    return urls


def _backfill(db: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk.cli", "backfill", *map(str, files),
                           "--db", db, "--broker", BROKER], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_backfill_sends_each_line_once_and_resumes(celery, tmp_path):
    archive = tmp_path / "archive.jsonl"
    lines = (FIX / "two_articles.jsonl").read_text(encoding="utf-8").splitlines()
    # A bad line in the middle: reported with its place, the others still go.
    archive.write_text("\n".join([lines[0], "{not json", lines[1]]) + "\n", encoding="utf-8")
    want = [json.loads(line)["url"] for line in lines]
    db = str(tmp_path / "store.db")

    first = _backfill(db, archive)
    assert first.returncode == 0, first.stderr
    assert "2 items sent to the workers, 1 failed to read" in first.stdout
    assert "invalid JSON" in first.stderr
    assert sorted(_queued_urls(celery)) == sorted(want)

    again = _backfill(db, archive)  # finished before: nothing is sent twice
    assert again.returncode == 0, again.stderr
    assert "0 items sent" in again.stdout
    assert _queued_urls(celery) == []

    # A run stopped after the first line resumes at the second.
    store = open_store(db)
    store.put_blob(f"backfill:{archive.resolve()}", b"1")
    store.close()
    resumed = _backfill(db, archive)
    assert resumed.returncode == 0, resumed.stderr
    assert "1 items sent" in resumed.stdout
    assert _queued_urls(celery) == [want[1]]
