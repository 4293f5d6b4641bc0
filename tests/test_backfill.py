"""`newsdesk backfill` against the real Redis and RabbitMQ: every line of an archive is sent
once, a second run resumes where the first stopped, a bad line is reported, not sent, and
`--wait` returns only when a real worker has stored and enriched (or failed) every item sent."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import stop_process_group, wait_for

from newsdesk.pipeline import default_stages
from newsdesk.store.base import open_store
from newsdesk.worker import INGEST_QUEUE, queue_name

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "ingest"
BROKER = os.environ.get("NEWSDESK_TEST_REDIS_BACKFILL", "redis://127.0.0.1:6379/9")
AMQP = os.environ.get("NEWSDESK_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")
LINES = (FIX / "two_articles.jsonl").read_text(encoding="utf-8").splitlines()


def _queued_urls(app) -> list[str]:
    """Take every ingest message off the queue; the URL of each item sent."""
    urls = []
    with app.connection_for_write() as conn:
        queue = conn.SimpleQueue(queue_name(app, INGEST_QUEUE))
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


def _backfill(db: str, *files: Path, broker: str = BROKER,
              wait: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk.cli", "backfill", *map(str, files),
                           "--db", db, "--broker", broker, *(["--wait"] if wait else [])],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_backfill_sends_each_line_once_and_resumes(celery_app, tmp_path):
    celery = celery_app(BROKER)
    archive = tmp_path / "archive.jsonl"
    # A bad line in the middle: reported with its place, the others still go.
    archive.write_text("\n".join([LINES[0], "{not json", LINES[1]]) + "\n", encoding="utf-8")
    want = [json.loads(line)["url"] for line in LINES]
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


def test_backfill_reads_an_archive_as_a_stream_and_reports_a_line_of_bad_bytes(celery_app,
                                                                              tmp_path):
    """A line that is not UTF-8 is that line's error: the whole archive used to be read into
    memory at once, and one bad byte stopped the run with a UnicodeDecodeError."""
    celery = celery_app(BROKER)
    archive = tmp_path / "archive.jsonl"
    archive.write_bytes(LINES[0].encode() + b'\n{"title": "Caf\xe9"}\n' + LINES[1].encode())
    db = str(tmp_path / "store.db")
    run = _backfill(db, archive)
    assert run.returncode == 0, run.stderr
    assert "2 items sent to the workers, 1 failed to read" in run.stdout
    assert f"{archive.resolve()}:2" in run.stderr and "not valid UTF-8" in run.stderr
    assert sorted(_queued_urls(celery)) == sorted(json.loads(line)["url"] for line in LINES)
    again = _backfill(db, archive)  # the last line had no newline: it was still counted done
    assert "0 items sent" in again.stdout


def _all_enriched(db: str, n: int) -> None:
    """The store holds n articles, each through every stage at its current version."""
    store = open_store(db)
    try:
        ids = store.article_ids(0, 100)
        assert len(ids) == n
        want = {(s.name, s.version) for s in default_stages()}
        for aid in ids:
            states = store.stage_states(aid)
            assert want <= {(s.stage, s.version) for s in states}, aid
            assert not any(s.error for s in states)
    finally:
        store.close()


@pytest.mark.parametrize("broker", [AMQP, BROKER], ids=["rabbitmq", "redis"])
def test_backfill_wait_returns_when_the_workers_are_done_not_when_the_queues_look_empty(
        broker, celery_app, store_url, tmp_path):
    celery_app(broker)  # the queues' prefix, checked and deleted after
    one = tmp_path / "one.jsonl"
    one.write_text(LINES[0] + "\n", encoding="utf-8")
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "worker", "--concurrency", "1"], cwd=ROOT,
        env=dict(os.environ, NEWSDESK_DB=store_url, NEWSDESK_BROKER=broker),
        stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        backfill = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", "backfill", str(one), "--db", store_url,
             "--broker", broker, "--wait"], cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        # Freeze the worker once it holds the item's first stage task: every queue is empty
        # (the one task is delivered, not yet acknowledged), and the article not enriched.
        wait_for(lambda: b"Task newsdesk.stage[" in log.read_bytes(), 240, "a stage task")
        os.killpg(worker.pid, signal.SIGSTOP)
        try:
            time.sleep(4)  # the old --wait looked at the queues every second
            assert backfill.poll() is None, backfill.communicate()
        finally:
            os.killpg(worker.pid, signal.SIGCONT)
        out, err = backfill.communicate(timeout=300)
        assert backfill.returncode == 0, err
        assert "the workers finished all 1: 1 through every stage, 0 failed" in out, out
        _all_enriched(store_url, 1)

        # A new article, a copy of the first (a duplicate, still through every stage) and a
        # record with a title and no text, which only the worker finds it cannot use.
        rest = tmp_path / "rest.jsonl"
        rest.write_text("\n".join([LINES[1], LINES[0], json.dumps({"title": "No text"})]) +
                        "\n", encoding="utf-8")
        done = _backfill(store_url, rest, broker=broker, wait=True)
        assert done.returncode == 0, done.stderr
        assert "3 items sent to the workers, 0 failed to read" in done.stdout
        assert "the workers finished all 3: 2 through every stage, 1 failed" in done.stdout
        _all_enriched(store_url, 2)
    finally:
        stop_process_group(worker)
