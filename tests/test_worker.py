"""The distributed pipeline against the real RabbitMQ and Redis: kill -9 a worker in the middle
of a task, start another, and check that nothing is lost or stored twice. Each test names its
queues with a prefix of its own (the `celery_app` fixture), so runs sharing a broker do not
meet."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import delete_queues, stop_process_group, wait_for

from newsdesk.pipeline import default_stages, ingest_items
from newsdesk.sources.files import read_paths
from newsdesk.store.base import ArticleFilter, open_store
from newsdesk.worker import INGEST_QUEUE, enqueue_items, make_celery, queue_name

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "ingest"
SEED = ROOT / "data" / "corpus" / "000_seed.txt"
BROKERS = {
    "rabbitmq": os.environ.get("NEWSDESK_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//"),
    "redis": os.environ.get("NEWSDESK_TEST_REDIS", "redis://127.0.0.1:6379/7"),
}
pytestmark = pytest.mark.slow


def _items():
    return [i for i in read_paths([str(SEED), str(FIX / "two_articles.jsonl")])]


def _start_worker(db: str, broker: str, log: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, NEWSDESK_DB=db, NEWSDESK_BROKER=broker,
               NEWSDESK_VISIBILITY_TIMEOUT="3")
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "worker", "--concurrency",
                             "1", *args], cwd=ROOT, env=env, stdout=open(log, "ab"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def _finished(store, n_expected: int, last_stage: str) -> bool:
    ids = store.article_ids(0, 1000)
    return len(ids) >= n_expected and all(
        any(s.stage == last_stage for s in store.stage_states(i)) for i in ids)


@pytest.mark.parametrize("broker_name", sorted(BROKERS))
def test_kill_9_mid_task_loses_nothing_and_stores_nothing_twice(broker_name, celery_app,
                                                                 tmp_path):
    broker = BROKERS[broker_name]
    celery = celery_app(broker)

    # The reference: the same items through the in-process pipeline.
    ref = open_store(str(tmp_path / "ref.db"))
    ingest_items(ref, _items())
    want = {a.url: len(ref.article_quotes(a.id)) for a in
            ref.list_articles(ArticleFilter(limit=100))}
    ref.close()

    db = str(tmp_path / f"dist-{uuid.uuid4().hex[:6]}.db")
    open_store(db).close()
    log = tmp_path / "worker.log"
    first = _start_worker(db, broker, log)
    try:
        assert enqueue_items(celery, _items()) == 3
        # Kill as soon as the first worker has taken an enrichment task: loading the language
        # model alone takes it well over the moment of the kill, so the task is mid-way. (The
        # worker's banner lists "newsdesk.stage" among its tasks: waiting for that killed it
        # at start-up, sometimes between Redis handing it the first item and recording it
        # as unacknowledged, and the item was lost with it; the test hung.)
        wait_for(lambda: b"Task newsdesk.stage[" in log.read_bytes(), 240, "a stage task to start")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    second = _start_worker(db, broker, log)
    try:
        store = open_store(db)
        last = default_stages()[-1].name
        wait_for(lambda: _finished(store, 3, last), 480, "the second worker to finish")
        got = {a.url: len(store.article_quotes(a.id)) for a in store.list_articles(
            ArticleFilter(limit=100))}
        assert got == want  # every article once, each with its quotes once
        assert store.count_articles() == 3
        for aid in store.article_ids(0, 100):
            assert all(not s.error for s in store.stage_states(aid))
        store.close()
    finally:
        stop_process_group(second)


PG_ADMIN = os.environ.get("NEWSDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def test_database_dropping_the_workers_connections_loses_nothing(celery_app, tmp_path):
    """PostgreSQL restarting or failing over closes every connection under a running worker;
    the items it takes meanwhile are retried on new connections, not acknowledged and lost."""
    import psycopg

    celery = celery_app(BROKERS["rabbitmq"])
    name = f"newsdesk_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    log = tmp_path / "worker.log"
    env = dict(os.environ, NEWSDESK_DB=db, NEWSDESK_BROKER=BROKERS["rabbitmq"])
    # Only the ingest queue: storing is what this is about, and it needs no language model.
    worker = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "worker", "--concurrency",
                               "1", "--queues", "ingest"], cwd=ROOT, env=env,
                              stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        items = _items()
        store = open_store(db)
        enqueue_items(celery, items[:1])
        wait_for(lambda: store.count_articles() == 1, 120, "the first item to be stored")
        store.close()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            # the database refuses connections for a while (a failover), after ending them all
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            killed = admin.execute("SELECT COUNT(pg_terminate_backend(pid, 5000)) FROM "
                                   "pg_stat_activity WHERE datname = %s", (name,)).fetchone()[0]
            assert killed >= 1  # the worker's own connection was among them
            enqueue_items(celery, items[1:])
            # the worker meets it, and retries instead of acknowledging the items
            wait_for(lambda: b"store unavailable" in log.read_bytes(), 120,
                     "the worker to find the store unavailable")
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        store = open_store(db)
        wait_for(lambda: store.count_articles() == len(items), 120,
                 "the items sent while the database was away")
        store.close()
    finally:
        stop_process_group(worker)  # the stage tasks nobody consumed go with the queues
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("broker_name", sorted(BROKERS))
def test_a_worker_takes_only_the_tasks_of_its_own_queue_prefix(broker_name, celery_app,
                                                              tmp_path):
    """Two pipelines on one broker (two CI runs, a developer and CI) with different
    NEWSDESK_QUEUE_PREFIX values: each worker stores only what its own producers sent."""
    broker = BROKERS[broker_name]
    ours = celery_app(broker)
    other = make_celery(broker, ours.conf.newsdesk_queue_prefix + "other-")
    db = str(tmp_path / "ours.db")
    open_store(db).close()
    worker = _start_worker(db, broker, tmp_path / "worker.log", "--queues", "ingest")
    try:
        items = _items()
        enqueue_items(other, items[:1])
        enqueue_items(ours, items[1:])
        store = open_store(db)
        wait_for(lambda: store.count_articles() == len(items) - 1, 120, "our items")
        assert {a.url for a in store.list_articles(ArticleFilter(limit=10))} == {
            i.url for i in items[1:]}
        store.close()
        with other.connection_for_write() as conn:  # the other pipeline's item still waits
            waiting = conn.default_channel.queue_declare(queue_name(other, INGEST_QUEUE),
                                                         passive=True).message_count
        assert waiting == 1
    finally:
        stop_process_group(worker)
        delete_queues(other)
