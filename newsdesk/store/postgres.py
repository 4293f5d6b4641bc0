"""The server backend: PostgreSQL through psycopg 3, with tsvector full text.

Autocommit connections, shared by all threads through a small pool: a thread holds one for a
transaction (explicit, see SQLStore.transaction) or a single statement, then gives it back.
Connections are not kept per thread because a web server's worker threads come and go (anyio
retires a thread idle for 10 s; a TestClient makes one per request): a connection per thread
cost a new server backend (a 3 ms connect, then cold catalog caches) for each new thread, and
the connections of finished threads stayed open until close().
The shared SQL uses `?` placeholders; they become psycopg's `%s` here. Full text lives in the
`tsv` column of `articles`, weighted title A, summary B, body C, under the `newsdesk_english`
text search configuration (English stemming, accents folded by `unaccent` where the server has
it; migration 0002 sets it up), indexed by GIN without a pending list (migration 0005).
"""
from __future__ import annotations

import re
import select
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterator, Sequence

import psycopg
from psycopg.pq import TransactionStatus

from .articles import ArticleQueries
from .base import ANY_WORD_POOL, ArticleFilter, SearchHit
from .enrichment import EnrichmentQueries
from .feed_entries import FeedEntryQueries
from .readers import ReaderQueries
from .search import SearchQueries
from .stories import StoryQueries

CONFIG = "newsdesk_english"
# ts_rank_cd weights in {D, C, B, A} order: title (A) 10, summary (B) 3, body (C) 1, as the
# SQLite backend weights its bm25 columns.
RANK_WEIGHTS = "{0, 0.1, 0.3, 1.0}"
# Flag 1 divides by 1 + log(document length), the nearest ts_rank_cd has to bm25's length norm.
RANK_NORMALISATION = 1
HEADLINE_OPTIONS = ("StartSel=\x02, StopSel=\x03, MaxWords=24, MinWords=12, ShortWord=2, "
                    "MaxFragments=1")
ELLIPSIS = "…"
WORD = re.compile(r"\w+", re.UNICODE)

# String literals first, so a `?` inside one is left alone; every `%` is doubled, literal or not,
# because psycopg reads `%` as the start of a placeholder everywhere in the query text.
_QMARK_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|%")


@lru_cache(maxsize=2048)
def to_pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s`, literal `%` escaped as `%%`."""
    def swap(m: re.Match[str]) -> str:
        token = m.group()
        return "%s" if token == "?" else token.replace("%", "%%")
    return _QMARK_TOKENS.sub(swap, sql)


class Row(tuple):
    """A result row read by position or by column name, as sqlite3.Row is.

    The shared SQL reads rows both ways; psycopg's own dict_row and tuple_row give one each.
    """

    columns: dict[str, int]

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            key = self.columns[key]
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.columns)


def mixed_row(cursor: Any) -> Any:
    """psycopg row factory making `Row`s; the column index is built once per result."""
    columns = {c.name: i for i, c in reversed(list(enumerate(cursor.description or [])))}

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row.columns = columns
        return row
    return make


def _hung_up(conn: psycopg.Connection) -> bool:
    """Whether the server spoke to an idle connection: as this store never LISTENs, it does
    so to end it (a restart, `pg_terminate_backend`, `idle_session_timeout`: a FATAL notice,
    then the socket closes), or rarely to report a setting a configuration reload changed,
    when replacing the connection costs one reconnect. psycopg learns of an ended connection
    only from the next statement, which fails: after a restart, each of the pool's idle
    connections failed one request. A poll of the socket costs a system call, not a round
    trip."""
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True
    return bool(readable)


class PostgresStore(ArticleQueries, EnrichmentQueries, ReaderQueries, SearchQueries,
                    FeedEntryQueries, StoryQueries):
    dialect = "postgres"
    lock_row = " FOR UPDATE"
    thread_owned_connections = False  # pooled: close() closes every one

    # Idle connections kept for the next statement or transaction; while more threads are
    # inside one at once, more are opened, and closed when given back past this many.
    max_idle = 8

    def __init__(self, url: str):
        super().__init__(url)
        self._idle: list[psycopg.Connection] = []  # guarded by _conns_lock

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True, row_factory=mixed_row)

    # -- the pool -----------------------------------------------------------------------
    def _take(self) -> psycopg.Connection:
        with self._conns_lock:
            while self._idle:
                conn = self._idle.pop()  # the most recently used: its backend's caches are warm
                if not conn.closed and not _hung_up(conn):
                    return conn
                self._forget(conn)
                conn.close()
        return self._open()

    def _give_back(self, conn: psycopg.Connection) -> None:
        # Reused only as good as new: open and outside any transaction (a lost server or a
        # failed COMMIT leaves it otherwise), and still this store's (close() may have run).
        reusable = not conn.closed and conn.info.transaction_status == TransactionStatus.IDLE
        with self._conns_lock:
            if reusable and self._owns(conn) and len(self._idle) < self.max_idle:
                self._idle.append(conn)
                return
            self._forget(conn)
        conn.close()

    def _conn(self) -> psycopg.Connection:
        """The connection this thread's open transaction holds."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            raise RuntimeError("a PostgreSQL store holds a connection only in transaction()")
        return conn

    @contextmanager
    def _using(self) -> Iterator[psycopg.Connection]:
        held = getattr(self._local, "conn", None)
        if held is not None:  # inside a transaction
            yield held
            return
        conn = self._take()
        try:
            # The cursor stays readable once the connection is back in the pool: psycopg
            # reads the whole result before execute() returns (no server-side cursors here).
            yield conn
        finally:
            self._give_back(conn)

    def _hold(self) -> psycopg.Connection:
        conn = self._local.conn = self._take()
        return conn

    def _unhold(self, conn: psycopg.Connection) -> None:
        self._local.conn = None
        self._give_back(conn)

    def close(self) -> None:
        with self._conns_lock:
            self._idle.clear()
        super().close()

    def _sql(self, sql: str) -> str:
        return to_pyformat(sql)

    def _lock_migrations(self) -> None:
        # Held to the end of the migration's transaction: a second process waits, then sees
        # the migration recorded and skips it.
        self._execute("SELECT pg_advisory_xact_lock(hashtext('newsdesk.migrate'))")

    def _run_script(self, sql: str) -> None:
        # Without parameters psycopg sends the script whole (simple query protocol), so DO
        # blocks with their own semicolons stay intact.
        self._conn().execute(sql)

    def _index_text(self, article_id: int, title: str, summary: str, body: str) -> None:
        self._execute(
            "UPDATE articles SET tsv = setweight(to_tsvector(?::regconfig, ?), 'A') || "
            "setweight(to_tsvector(?::regconfig, ?), 'B') || "
            "setweight(to_tsvector(?::regconfig, ?), 'C') WHERE id = ?",
            (CONFIG, title, CONFIG, summary, CONFIG, body, article_id))

    def search_articles(self, text: str, flt: ArticleFilter,
                        any_word: bool = False) -> list[SearchHit]:
        """Articles that contain every word of `text` (or any, for similarity), best first.

        Ranked by cover density with the title counting ten times the body; the snippet is
        cut from the body with hits between \\x02 and \\x03, as SQLite's snippet() marks them.
        """
        where, params = self._where(flt)
        extra = where.replace(" WHERE ", " AND ", 1)
        pool = ""
        if any_word:  # similarity: rank the newest matches only (see ANY_WORD_POOL)
            # its own CTE, so it runs once (inside the ranking it would be a correlated
            # subquery, run per article); "id + 0", or the planner walks the primary key
            # backwards testing every article's tsvector until enough match
            pool = ("pool AS MATERIALIZED (SELECT m.id FROM articles m, query WHERE "
                    f"m.tsv @@ query.q ORDER BY m.id + 0 DESC LIMIT {ANY_WORD_POOL}), ")
            extra += " AND a.id IN (SELECT id FROM pool)"
        func, words = ("to_tsquery", any_words(text)) if any_word else ("plainto_tsquery", text)
        # Headlines are costly, so they are cut only for the page of hits, after the ranking.
        rows = self._all(
            f"WITH query AS (SELECT {func}(?::regconfig, ?) AS q), {pool}"
            "hits AS (SELECT a.id, a.body, ts_rank_cd(?::float4[], a.tsv, query.q, ?) AS score "
            f"FROM articles a, query WHERE a.tsv @@ query.q{extra} "
            "ORDER BY score DESC, a.id LIMIT ? OFFSET ?) "
            "SELECT h.id, h.score, d.text, ts_headline(?::regconfig, d.text, query.q, ?) AS snip "
            "FROM hits h CROSS JOIN query CROSS JOIN LATERAL (SELECT COALESCE(string_agg("
            "b.block->>'text', ? ORDER BY b.n), '') AS text FROM jsonb_array_elements("
            "h.body::jsonb) WITH ORDINALITY AS b(block, n)) d ORDER BY h.score DESC, h.id",
            (CONFIG, words, RANK_WEIGHTS, RANK_NORMALISATION, *params, flt.limit, flt.offset,
             CONFIG, HEADLINE_OPTIONS, "\n\n"))
        return [SearchHit(article_id=int(r["id"]), score=float(r["score"]),
                          snippet=with_ellipses(r["snip"], r["text"])) for r in rows]


def any_words(text: str) -> str:
    """Plain words as a to_tsquery OR-query that cannot be a syntax error (words only)."""
    return " | ".join(WORD.findall(text))


def with_ellipses(snippet: str, text: str) -> str:
    """Mark a snippet cut from inside the text with '…' at the cut ends, as SQLite does."""
    plain = snippet.replace("\x02", "").replace("\x03", "")
    if not plain:
        return snippet
    start = text.find(plain)
    if start < 0:  # ts_headline rewrote whitespace; say nothing rather than guess
        return snippet
    return ((ELLIPSIS if start > 0 else "") + snippet
            + (ELLIPSIS if start + len(plain) < len(text) else ""))
