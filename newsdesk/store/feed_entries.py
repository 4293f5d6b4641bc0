"""Which entries of a feed were already handled: the SQL shared by every backend.

A feed entry whose article was a duplicate of another feed's (same text, another URL) is not
findable by its own URL; without this record its page would be fetched again every time the
feed changes. Rows older than `KEEP_DAYS` are dropped, as feeds rarely keep entries that long.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from .sql import SQLStore

KEEP_DAYS = 90


class FeedEntryQueries(SQLStore):
    def seen_entries(self, feed_id: int, urls: Iterable[str]) -> set[str]:
        return {r[0] for r in self._all_in("SELECT url FROM feed_entries WHERE feed_id = ? AND "
                                           "url IN (?*)", list(dict.fromkeys(urls)), (feed_id,))}

    def mark_entries_seen(self, feed_id: int, urls: Iterable[str], at: datetime) -> None:
        with self.transaction():
            for url in dict.fromkeys(urls):
                self._execute("INSERT INTO feed_entries (feed_id, url, seen_at) VALUES (?, ?, ?) "
                              "ON CONFLICT (feed_id, url) DO UPDATE SET seen_at = excluded.seen_at",
                              (feed_id, url, self._ts(at)))
            self._execute("DELETE FROM feed_entries WHERE feed_id = ? AND seen_at < ?",
                          (feed_id, self._ts(at - timedelta(days=KEEP_DAYS))))
