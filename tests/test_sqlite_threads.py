"""SQLite connections go with the thread that opened them.

The embedded store keeps one connection per thread (cheap, in-process), and a web server's
worker threads come and go (anyio retires a thread idle for 10 s; a TestClient starts one per
request). A connection that outlived its thread stayed open until close(): after each burst
of readers, more file handles and a page cache each, on a server meant to run for months.
"""
from __future__ import annotations

import gc
import sqlite3
import threading

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.store.base import open_store
from newsdesk.web.app import create_app


def _use_in_thread(store) -> sqlite3.Connection:
    seen = []

    def work():
        store.count_articles()
        seen.append(store._local.conn)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    del t
    gc.collect()
    return seen[0]


def test_a_finished_thread_s_connection_is_closed(tmp_path):
    store = open_store(str(tmp_path / "t.db"))
    store.count_articles()  # this thread's own connection stays
    before = len(store._conns)
    conns = [_use_in_thread(store) for _ in range(5)]
    assert len(store._conns) == before
    for conn in conns:
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")
    store.count_articles()
    store.close()


def test_requests_on_new_threads_leave_no_connections_behind(tmp_path):
    db = str(tmp_path / "site.db")
    store = open_store(db)
    app = create_app(Settings(db=db, admin_token="a", secret="s"), store)
    client = TestClient(app)  # not entered: each request runs on a new thread
    for _ in range(30):
        assert client.get("/api/articles").status_code == 200
    gc.collect()
    assert len(store._conns) <= 3  # was one per request: 30 and more
    store.close()


def test_close_leaves_a_connection_another_thread_is_using(tmp_path):
    """close() while another thread writes: that thread's connection is closed when the
    thread ends, not under its statement. Closing it there crashed the process (the web
    app's warm-up thread saving its text index state while a test closed the store: a
    segmentation fault in CI's run of the suite)."""
    errors = []
    for round_ in range(20):
        store = open_store(str(tmp_path / f"c{round_}.db"))

        def work():
            try:
                for _ in range(500):
                    store.put_blob("state", b"x" * 1000)
                    store.get_blob("state")
            except sqlite3.Error as exc:  # pragma: no cover - what the old close() risked
                errors.append(exc)

        writer = threading.Thread(target=work)
        writer.start()
        store.close()  # while the writer is at it
        writer.join()
        conn = store._local.__dict__.get("conn")
        assert conn is None  # this thread's is gone
    gc.collect()
    assert not errors
