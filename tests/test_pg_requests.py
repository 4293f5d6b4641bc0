"""PostgreSQL connections under the web app: shared across threads, not opened per thread.

A web server runs each request's store work on a worker thread that may be new (anyio retires
threads idle for 10 s and starts new ones for concurrent requests; a TestClient starts one per
request). Connections kept per thread cost each new thread a new server backend and left the
old one open. These tests count the server's backends (pg_stat_activity, by application name)
and the statements sent, through the real app on a real server.
"""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timezone

import psycopg
import pytest
from fastapi.testclient import TestClient

from conftest import BACKENDS, PG_ADMIN, _fresh_pg_schema
from newsdesk.config import Settings
from newsdesk.models import Article, Block, Source, Story
from newsdesk.store.base import open_store
from newsdesk.web.app import create_app

pytestmark = pytest.mark.skipif("postgres" not in BACKENDS, reason="PostgreSQL connections")
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"}


def backends(name: str) -> int:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        return admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                             (name,)).fetchone()[0]


@pytest.fixture
def pg(pg_server_url):
    """(store, application name): a migrated store in a fresh schema, its backends named."""
    name = f"nd_pgreq_{uuid.uuid4().hex[:8]}"
    store = open_store(_fresh_pg_schema(pg_server_url) + f"&application_name={name}")
    yield store, name
    store.close()


def add_story(store) -> tuple[int, int]:
    """(article id, story id): a story of three articles from two outlets."""
    when = datetime(2025, 11, 3, 8, tzinfo=timezone.utc)
    sid = store.save_story(Story(title="Summit in Nara", first_seen=when, last_seen=when))
    ids = []
    for n in range(3):
        aid = store.add_article(Article(
            url=f"https://outlet{n % 2}.example/summit-{n}", title=f"Summit in Nara, part {n}",
            source=Source(name=f"Outlet {n % 2}"), content_hash=f"summit-{n}",
            body=[Block("paragraph", f"Leaders met in Nara, report {n}.")], published_at=when))
        store.update_article_fields(aid, story_id=sid)
        ids.append(aid)
    return ids[-1], sid


def test_requests_on_new_threads_share_connections(pg):
    store, name = pg
    article, story = add_story(store)
    opened = backends(name)
    # Not entered as a context: each request runs on a new event loop and worker thread.
    client = TestClient(create_app(Settings(db=store.url), store))
    for _ in range(12):
        for path in (f"/api/articles/{article}", f"/articles/{article}", f"/stories/{story}",
                     f"/api/stories/{story}"):
            assert client.get(path, headers=BROWSER).status_code == 200
    # One connection serves them all (per thread: 48 new backends, all left open).
    assert backends(name) <= opened + 1
    store.close()
    assert backends(name) == 0


def test_threads_one_after_another_reuse_one_connection(pg):
    store, name = pg
    store.count_articles()
    for _ in range(10):
        worker = threading.Thread(target=lambda: (store.count_articles(), store.list_sources()))
        worker.start()
        worker.join()
    assert backends(name) == 1


def test_an_open_transaction_keeps_its_connection_to_itself(pg):
    """Another thread's statement never runs on a connection inside a transaction: it does
    not see the uncommitted article, and does not end the transaction."""
    store, name = pg
    inside, done = threading.Event(), threading.Event()
    seen: list[int] = []

    def writer():
        with store.transaction():
            store.add_article(Article(url="https://x.example/a", title="A", content_hash="a",
                                      source=Source(name="X"), body=[Block("paragraph", "a")]))
            inside.set()
            done.wait(10)

    t = threading.Thread(target=writer)
    t.start()
    assert inside.wait(10)
    seen.append(store.count_articles())
    done.set()
    t.join()
    seen.append(store.count_articles())
    assert seen == [0, 1]
    assert backends(name) == 2  # the writer's and the reader's, both kept for reuse


def test_a_failed_transaction_leaves_a_usable_pool(pg):
    store, name = pg
    with pytest.raises(psycopg.errors.UndefinedTable):
        with store.transaction():
            store._execute("SELECT * FROM no_such_table")
    with pytest.raises(psycopg.errors.UndefinedTable):
        store._execute("SELECT * FROM no_such_table")  # an error outside a transaction
    assert store.count_articles() == 0
    with store.transaction():
        store._execute("SELECT 1")
    assert backends(name) == 1


def test_a_page_without_store_work_sends_no_statements(pg):
    store, _ = pg
    sent: list[str] = []
    execute = store._execute  # counted, not replaced: every mixin's SQL goes through it
    store._execute = lambda sql, params=(): (sent.append(sql), execute(sql, params))[1]
    app = create_app(Settings(db=store.url), store)
    with TestClient(app) as client:
        assert app.state.warm.wait(60)  # start-up opens the search indexes: not a page's work
        sent.clear()
        assert client.get("/about").status_code == 404
        assert client.get("/static/site.css").status_code == 200
    assert sent == []


def test_a_lost_pooled_connection_is_replaced_and_forgotten(pg):
    """An idle pooled connection the server dropped (a restart, an idle timeout) is passed
    over for a new one, and the store remembers only the connections it still has: the
    connection list and a separate owner map used to forget it in one place only."""
    store, name = pg
    store.count_articles()
    assert len(store._idle) == 1
    lost = store._idle[0]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                      "WHERE application_name = %s", (name,))
    for _ in range(3):
        store.count_articles()
    assert lost.closed and store._idle and lost not in store._idle
    assert list(store._conns) == [id(c) for c in store._idle]
    assert backends(name) == 1
