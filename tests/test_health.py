"""A store that is down or busy: /api/health says so, and every page and API answer is a
503 with Retry-After instead of a 500 with a traceback (real SQLite files, a real server)."""
from __future__ import annotations

import shutil
import sqlite3
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from fastapi.testclient import TestClient

from conftest import BACKENDS, PG_ADMIN, _fresh_pg_schema
from newsdesk.config import Settings
from newsdesk.store.base import open_store
from newsdesk.web.app import create_app
from newsdesk.web.params import store_unreachable


def client_for(store, db: str) -> TestClient:
    # not entered: each request runs on a thread of its own, as a server's workers come and go
    return TestClient(create_app(Settings(db=db, admin_token="a", secret="s"), store),
                      raise_server_exceptions=False)


def test_health_is_ok_while_the_store_answers(store):
    client = client_for(store, store.url)
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "store": store.dialect, "detail": None}
    assert r.headers["cache-control"] == "no-store"


def test_a_sqlite_file_gone_from_under_the_server_is_a_503(tmp_path):
    folder = tmp_path / "volume"
    folder.mkdir()
    db = str(folder / "site.db")
    store = open_store(db)
    client = client_for(store, db)
    assert client.get("/api/articles").status_code == 200
    shutil.rmtree(folder)  # an unmounted volume: a new thread's connection cannot open it
    health = client.get("/api/health")
    assert health.status_code == 503 and health.json()["status"] == "unavailable"
    api = client.get("/api/articles")
    assert api.status_code == 503 and api.headers["retry-after"] == "5"
    assert "try again" in api.json()["detail"]
    page = client.get("/")
    assert page.status_code == 503 and "text/html" in page.headers["content-type"]
    assert "try again" in page.text and "Traceback" not in page.text
    store.close()


def test_only_errors_of_a_busy_or_missing_store_count_as_unreachable(tmp_path):
    db = str(tmp_path / "x.db")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(db, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("SELECT * FROM t")
    assert store_unreachable(busy.value)
    holder.execute("ROLLBACK")
    with pytest.raises(sqlite3.OperationalError) as ours:
        other.execute("SELECT * FROM no_such_table")
    assert not store_unreachable(ours.value)  # a fault of newsdesk's: a 500, logged
    holder.close()
    other.close()


@pytest.mark.skipif("postgres" not in BACKENDS, reason="a PostgreSQL server")
def test_a_postgres_server_down_is_a_503_and_its_return_heals(pg_server_url):
    name = f"nd_health_{uuid.uuid4().hex[:8]}"
    url = _fresh_pg_schema(pg_server_url) + f"&application_name={name}"
    store = open_store(url)
    client = client_for(store, url)
    assert client.get("/api/health").status_code == 200
    # the server goes away: its backends end, and no new connection is accepted (a port
    # nothing listens on stands for the server being down)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                      "WHERE application_name = %s", (name,))
    parts = urlsplit(url)
    store.url = urlunsplit(parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:9"))
    try:
        assert client.get("/api/health").status_code == 503
        api = client.get("/api/articles")
        assert api.status_code == 503 and api.headers["retry-after"] == "5"
        page = client.get("/sources")
        assert page.status_code == 503 and "try again" in page.text
    finally:
        store.url = url  # the server is back: the next request reconnects
    assert client.get("/api/health").json()["status"] == "ok"
    assert client.get("/api/articles").status_code == 200
    store.close()


def test_the_command_line_says_in_one_line_that_the_store_cannot_be_reached():
    import subprocess
    import sys
    from pathlib import Path

    # no server listens on port 9: a PostgreSQL that is not running
    out = subprocess.run([sys.executable, "-m", "newsdesk.cli", "--db",
                          "postgresql://postgres@127.0.0.1:9/newsdesk", "stories"],
                         capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 2, out.stderr
    assert "cannot reach the store" in out.stderr and "Traceback" not in out.stderr
