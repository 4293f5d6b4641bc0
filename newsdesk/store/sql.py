"""What the SQL backends share: connections per thread, transactions, migrations, row mapping.

SQL is written once with `?` placeholders; a backend translates them if its driver wants
another style. Timestamps go in and out as timezone-aware UTC datetimes; SQLite keeps them as
ISO-8601 text (which sorts correctly because every value is UTC in one format).
"""
from __future__ import annotations

import json
import threading
import weakref
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator, Sequence

from ..errors import NotFound
from ..models import Article, Block, Credit, Media, Source
from .migrations import MIGRATIONS

IN_CHUNK = 500  # values per IN (...) list: well under SQLite's and psycopg's parameter limits


def keyword_as_written(column: str = "keyword") -> str:
    """SQL for a key phrase grouped by LOWER(column), as articles write it: in lower case
    when one writes it so (a common word a Title Case headline made "Tariffs"), else as
    written (a name: "Prince Andrew"). The keyword facet and trending topics show it."""
    return (f"COALESCE(MAX(CASE WHEN {column} = LOWER({column}) THEN {column} END), "
            f"MIN({column}))")


def utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).replace(microsecond=0)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def body_to_json(blocks: list[Block]) -> str:
    return dumps([{"kind": b.kind, "text": b.text} for b in blocks])


def body_from_json(raw: str) -> list[Block]:
    return [Block(kind=b["kind"], text=b["text"]) for b in json.loads(raw or "[]")]


def media_to_json(media: list[Media]) -> str:
    return dumps([{"url": m.url, "caption": m.caption,
                   "credits": [{"name": c.name, "role": c.role} for c in m.credits]}
                  for m in media])


def media_from_json(raw: str) -> list[Media]:
    return [Media(url=m.get("url", ""), caption=m.get("caption", ""),
                  credits=[Credit(name=c["name"], role=c["role"]) for c in m.get("credits", [])])
            for m in json.loads(raw or "[]")]


def _retire(store_ref: "weakref.ref[SQLStore]", conn: Any) -> None:
    """Close the connection of a thread that has ended (and let its store forget it)."""
    store = store_ref()
    if store is not None:
        store._forget(conn)
    try:
        conn.close()
    except Exception:  # closed already, by close()
        pass


class SQLStore:
    """Shared machinery; subclasses give `_connect`, the dialect and the full-text parts."""

    dialect = ""
    # Appended to a SELECT that reads a row to merge into it; SQLite's BEGIN IMMEDIATE already
    # serialises writers, PostgreSQL needs FOR UPDATE so concurrent merges are not lost.
    lock_row = ""
    # Each connection serves the thread that opened it (SQLite); PostgreSQL's are pooled.
    thread_owned_connections = True

    def __init__(self, url: str):
        self.url = url
        self._local = threading.local()
        self._conns_lock = threading.RLock()  # the pool takes it and then forgets inside
        # Every open connection, by id, with the thread it serves held weakly (a thread must
        # be free to go, and its connection with it: `_retire`). One map, so a connection is
        # never forgotten in one place and remembered in another.
        self._conns: dict[int, tuple[Any, weakref.ref[threading.Thread]]] = {}

    # -- connections and transactions -------------------------------------------------
    # SQLite: each thread keeps its own connection (opening one is cheap and in-process),
    # closed when the thread ends (`_retire`). PostgreSQL overrides `_using`, `_hold` and `_unhold` to share a pool across threads
    # (see postgres.py), because a web server's worker threads come and go.
    def _connect(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _open(self) -> Any:
        """A new connection, remembered so that close() closes it."""
        conn = self._connect()
        with self._conns_lock:
            self._conns[id(conn)] = (conn, weakref.ref(threading.current_thread()))
        return conn

    def _owns(self, conn: Any) -> bool:
        """Whether this store opened the connection and has not closed it (under _conns_lock)."""
        held = self._conns.get(id(conn))
        return held is not None and held[0] is conn

    def _forget(self, conn: Any) -> None:
        """Stop remembering a connection."""
        with self._conns_lock:
            if self._owns(conn):
                del self._conns[id(conn)]

    def _conn(self) -> Any:
        """This thread's connection."""
        conn = getattr(self._local, "conn", None)
        # A server connection lost between transactions (a restart, an idle timeout) is
        # replaced; one lost inside a transaction fails that transaction, as it must.
        if conn is not None and getattr(conn, "closed", False) and not self._local.depth:
            self._forget(conn)
            conn = None
        if conn is None:
            conn = self._local.conn = self._open()
            self._local.depth = 0
            # A web server's worker threads come and go: the connection goes with its thread,
            # or every burst of readers after a quiet spell would leave one more open (file
            # handles, and a page cache of its own) until close().
            weakref.finalize(threading.current_thread(), _retire, weakref.ref(self), conn)
        return conn

    @contextmanager
    def _using(self) -> Iterator[Any]:
        """The connection for one statement."""
        yield self._conn()

    def _hold(self) -> Any:
        """The connection an outermost transaction runs on, until `_unhold`."""
        return self._conn()

    def _unhold(self, conn: Any) -> None:
        """The outermost transaction on `conn` has ended."""

    def _sql(self, sql: str) -> str:
        return sql

    def _execute(self, sql: str, params: tuple | list = ()) -> Any:
        with self._using() as conn:
            return conn.execute(self._sql(sql), tuple(params))

    def _all(self, sql: str, params: tuple | list = ()) -> list[Any]:
        return self._execute(sql, params).fetchall()

    def _all_in(self, sql: str, values: Sequence, params: tuple = ()) -> list[Any]:
        """Rows of `sql` for every one of `values`, its `IN (?*)` standing for their
        placeholders (after `params`): one query per IN_CHUNK values, so a long list stays a
        few queries with parameter lists both drivers take."""
        rows: list[Any] = []
        for start in range(0, len(values), IN_CHUNK):
            chunk = list(values[start:start + IN_CHUNK])
            marks = "(" + ",".join("?" * len(chunk)) + ")"
            rows += self._all(sql.replace("(?*)", marks), (*params, *chunk))
        return rows

    def _one(self, sql: str, params: tuple | list = ()) -> Any:
        return self._execute(sql, params).fetchone()

    def _scalar(self, sql: str, params: tuple | list = ()) -> Any:
        row = self._one(sql, params)
        return None if row is None else row[0]

    def _insert(self, sql: str, params: tuple | list = ()) -> int:
        return int(self._one(sql + " RETURNING id", params)[0])

    def _begin(self) -> None:
        self._conn().execute("BEGIN")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all; nested calls join the outer one."""
        if getattr(self._local, "depth", 0):
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        conn = self._hold()
        try:
            self._begin()
            self._local.depth = 1
            try:
                yield
            except BaseException:
                self._local.depth = 0
                if not getattr(conn, "closed", False):  # a lost connection has nothing to undo
                    conn.execute("ROLLBACK")
                raise
            self._local.depth = 0
            conn.execute("COMMIT")
        finally:
            self._unhold(conn)

    def ping(self) -> None:
        """One trivial statement; raises when the store cannot be reached (a health check)."""
        self._scalar("SELECT 1")

    def close(self) -> None:
        """Close this thread's connection and those of threads that have ended. Another live
        thread's is left to that thread, closed when it ends (`_retire`): closing a SQLite
        connection under a statement another thread is running crashed the process (a web
        app's warm-up thread writing its index state while a test closed the store)."""
        me = threading.current_thread()
        with self._conns_lock:
            for key, (conn, ref) in list(self._conns.items()):
                owner = ref()
                if (self.thread_owned_connections and owner is not None and owner is not me
                        and owner.is_alive()):
                    continue
                del self._conns[key]
                try:
                    conn.close()
                except Exception:  # a connection of a finished thread may be gone already
                    pass
        self._local = threading.local()

    # -- values -------------------------------------------------------------------------
    def _ts(self, dt: datetime | None) -> Any:
        return utc(dt)

    def _dt(self, value: Any) -> datetime | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return utc(value)
        return utc(datetime.fromisoformat(value))

    # -- migrations -----------------------------------------------------------------------
    def _run_script(self, sql: str) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                self._execute(statement)

    def _lock_migrations(self) -> None:
        """Make concurrent migrators wait their turn (SQLite's BEGIN IMMEDIATE already does)."""

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded; returns the names applied now."""
        with self.transaction():
            self._lock_migrations()
            self._execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                          "applied_at TEXT NOT NULL)")
            applied = {r[0] for r in self._all("SELECT name FROM migrations")}
        done = []
        for name, scripts in MIGRATIONS:
            if name in applied:
                continue
            with self.transaction():
                self._lock_migrations()
                # Another process may have applied it while we waited for the lock.
                if self._one("SELECT 1 FROM migrations WHERE name = ?", (name,)):
                    continue
                self._run_script(scripts[self.dialect])
                self._execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                              (name, datetime.now(timezone.utc).isoformat()))
            done.append(name)
        return done

    # -- rows -----------------------------------------------------------------------------
    def _article(self, r: Any) -> Article:
        return Article(
            id=r["id"], url=r["url"], title=r["title"], kicker=r["kicker"],
            source=Source(id=r["source_id"], name=r["source_name"], site=r["source_site"],
                          country=r["source_country"], language=r["source_language"]),
            body=body_from_json(r["body"]), section=r["section"],
            section_given=bool(r["section_given"]), outlet_section=r["outlet_section"],
            byline=r["byline"],
            published_at=self._dt(r["published_at"]), language=r["language"],
            summary=r["summary"], summary_generated=bool(r["summary_generated"]),
            media=media_from_json(r["media"]), attribution=r["attribution"],
            content_hash=r["content_hash"], fetched_at=self._dt(r["fetched_at"]),
            story_id=r["story_id"], feed_id=r["feed_id"])

    def _missing(self, what: str, ident: object) -> NotFound:
        return NotFound(f"no {what} with id {ident}")
