"""Shared fixtures: real stores (a SQLite file, a throwaway PostgreSQL database), never mocks.

`store` runs a test once per backend. PostgreSQL is at NEWSDESK_TEST_PG (default
postgresql://postgres@127.0.0.1:5432/postgres); each test session creates its own database and
drops it at the end. Set NEWSDESK_TEST_BACKENDS=sqlite to run on SQLite alone.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsdesk.store.base import open_store

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(os.environ.get("NEWSDESK_SHARED", Path(__file__).resolve().parents[2] / "shared"))
PG_ADMIN = os.environ.get("NEWSDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = os.environ.get("NEWSDESK_TEST_BACKENDS", "sqlite,postgres").split(",")


def _pg_admin_exec(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def pg_server_url():
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    name = f"newsdesk_test_{uuid.uuid4().hex[:10]}"
    _pg_admin_exec(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    _pg_admin_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_pg_schema(server_url: str) -> str:
    """A new schema inside the session database, so each test starts empty."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{server_url}?options=-csearch_path%3D{schema}"


def module_store_url(request, tmp_path_factory) -> str:
    """For a module-scoped fixture parametrised by BACKENDS: a new SQLite file or a new
    PostgreSQL schema that the module's tests share."""
    if request.param == "sqlite":
        return str(tmp_path_factory.mktemp("store") / "newsdesk.db")
    return _fresh_pg_schema(request.getfixturevalue("pg_server_url"))


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "newsdesk.db")
    return _fresh_pg_schema(request.getfixturevalue("pg_server_url"))


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path):
    s = open_store(str(tmp_path / "newsdesk.db"))
    yield s
    s.close()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip(f"evaluation data not found at {path}")
    return path


@pytest.fixture
def celery_app(monkeypatch):
    """`make(broker_url)`: a Celery app whose queue names carry a prefix of this test's own
    (NEWSDESK_QUEUE_PREFIX, which the worker and CLI processes the test starts inherit), so
    that two test runs on one broker never take each other's tasks. The queues are deleted
    after the test."""
    from newsdesk.worker import make_celery

    monkeypatch.setenv("NEWSDESK_QUEUE_PREFIX", f"test-{uuid.uuid4().hex[:10]}-")
    made = []

    def make(broker: str):
        app = make_celery(broker)
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1)
        except Exception as exc:
            pytest.fail(f"the broker is not reachable at {broker}: {exc}")
        made.append(app)
        return app

    yield make
    for app in made:
        delete_queues(app)


def delete_queues(app) -> None:
    """Delete what a test's pipeline left on `app`'s broker: on RabbitMQ its queues and
    exchanges; on Redis every key under its prefix (kombu's Redis transport deletes only the
    queues that the deleting channel itself declared)."""
    from newsdesk.worker import all_queues

    prefix = app.conf.newsdesk_queue_prefix
    assert prefix, "only a test's own queues are deleted"
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        if conn.transport.driver_type == "redis":
            for key in channel.client.scan_iter(f"*{prefix}*"):
                channel.client.delete(key)
            return
        for name in all_queues(app):
            channel.queue_delete(name)
            channel.exchange_delete(name)
        for name in (f"{prefix}celery.pidbox", f"reply.{prefix}celery.pidbox",
                     f"{prefix}celeryev"):
            channel.exchange_delete(name)


def wait_for(predicate, timeout: float, what: str):
    """Poll `predicate` until it is truthy (its value is returned) or fail after `timeout` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def stop_process_group(proc: subprocess.Popen, grace: float = 20) -> None:
    """SIGTERM a process started with start_new_session=True and its children; SIGKILL after
    `grace` seconds."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def statements_of(store):
    """The SQL statements (with their parameters) the store runs inside the block: counted,
    not replaced."""
    statements: list[tuple[str, tuple]] = []
    execute = store._execute

    def counting(sql, params=()):
        statements.append((sql, tuple(params)))
        return execute(sql, params)

    store._execute = counting
    try:
        yield statements
    finally:
        del store._execute


CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium as root, headless, kept off the network it would otherwise try at start
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def served(app):
    """The web app under uvicorn on a free loopback port, in a thread; yields its base URL."""
    import socket
    import threading

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def chromium():
    """Debian's Chromium driven by Playwright (never a browser Playwright downloads)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh --test)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
