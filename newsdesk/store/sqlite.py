"""The embedded default: one SQLite file in WAL mode, with FTS5 for full text."""
from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from .articles import ArticleQueries
from .base import ANY_WORD_POOL, ArticleFilter, SearchHit
from .enrichment import EnrichmentQueries
from .feed_entries import FeedEntryQueries
from .readers import ReaderQueries
from .search import SearchQueries
from .stories import StoryQueries

WORD = re.compile(r"\w+", re.UNICODE)


def fts_words(text: str, any_word: bool = False) -> str:
    """Plain words as an FTS5 query that cannot be a syntax error (each term quoted)."""
    return (" OR " if any_word else " ").join('"' + w + '"' for w in WORD.findall(text))


def _set_wal(conn: sqlite3.Connection, tries: int = 50) -> None:
    """WAL mode, waiting out another connection that is switching the same new file: SQLite
    answers "database is locked" there at once, without calling the busy handler, so two
    processes (web and worker) opening a fresh store together would otherwise fail."""
    for attempt in range(tries):
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if attempt == tries - 1 or "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(0.05 + 0.01 * attempt)


class SQLiteStore(ArticleQueries, EnrichmentQueries, ReaderQueries, SearchQueries,
                  FeedEntryQueries, StoryQueries):
    dialect = "sqlite"

    def __init__(self, path: str):
        super().__init__(str(path))
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode: transactions are explicit (see SQLStore.transaction).
        conn = sqlite3.connect(self.url, isolation_level=None, timeout=30,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        _set_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA cache_size = -65536")
        return conn

    def _begin(self) -> None:
        # IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade.
        self._conn().execute("BEGIN IMMEDIATE")

    def _index_text(self, article_id: int, title: str, summary: str, body: str) -> None:
        self._execute("DELETE FROM article_fts WHERE rowid = ?", (article_id,))
        self._execute("INSERT INTO article_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                      (article_id, title, summary, body))
        self._execute("INSERT INTO text_index_log (article_id) VALUES (?)", (article_id,))

    def _text_fields_changed(self, article_id: int) -> None:
        self._execute("INSERT INTO text_index_log (article_id) VALUES (?)", (article_id,))

    # -- what the text ranking index (newsdesk/search/textindex.py) reads ----------------
    def text_log_last(self) -> int:
        return int(self._scalar("SELECT MAX(seq) FROM text_index_log") or 0)

    def text_log_after(self, seq: int, limit: int) -> tuple[int, list[int]]:
        """(last seq read, distinct article ids) of up to `limit` log rows after `seq`."""
        rows = self._all("SELECT seq, article_id FROM text_index_log WHERE seq > ? ORDER BY seq "
                         "LIMIT ?", (seq, limit))
        if not rows:
            return seq, []
        return int(rows[-1][0]), list(dict.fromkeys(int(r[1]) for r in rows))

    def text_index_rows(self, *, after: int = 0, limit: int = 5_000,
                        ids: list[int] | None = None) -> list[tuple]:
        """(id, title, summary, body, section, source id, published) of articles by id."""
        cols = ("SELECT a.id, f.title, f.summary, f.body, a.section, a.source_id, "
                "a.published_at FROM articles a JOIN article_fts f ON f.rowid = a.id ")
        if ids is not None:
            if not ids:
                return []
            return [tuple(r) for r in self._all(
                cols + f"WHERE a.id IN ({','.join('?' * len(ids))})", ids)]
        return [tuple(r) for r in self._all(cols + "WHERE a.id > ? ORDER BY a.id LIMIT ?",
                                            (after, limit))]

    def search_articles(self, text: str, flt: ArticleFilter,
                        any_word: bool = False) -> list[SearchHit]:
        """Articles that contain every word of `text` (or any, for similarity), best first.

        bm25 weights: a word in the title counts ten times one in the body.
        """
        match = fts_words(text, any_word)
        if not match:  # no words at all (empty, punctuation): nothing matches
            return []
        where, params = self._where(flt)
        extra = where.replace(" WHERE ", " AND ", 1)
        if any_word:  # similarity: bm25 for the newest matches only, as on PostgreSQL
            # As a lower bound on rowid, the pool's oldest: FTS5 reads `rowid IN (pool)` as
            # one whole MATCH per pool row (2,000 of them: 2.9 s at 200,000 articles, 4 ms so).
            extra += (" AND f.rowid >= (SELECT MIN(rowid) FROM (SELECT rowid FROM article_fts "
                      f"WHERE article_fts MATCH ? ORDER BY rowid DESC LIMIT {ANY_WORD_POOL}))")
            params = [*params, match]
        rows = self._all(
            "SELECT f.rowid AS id, bm25(article_fts, 10.0, 3.0, 1.0) AS score, "
            "snippet(article_fts, 2, '\x02', '\x03', '…', 24) AS snip FROM article_fts f "
            f"JOIN articles a ON a.id = f.rowid WHERE article_fts MATCH ?{extra} "
            "ORDER BY score LIMIT ? OFFSET ?", (match, *params, flt.limit, flt.offset))
        return [SearchHit(article_id=r["id"], score=-float(r["score"]), snippet=r["snip"])
                for r in rows]
