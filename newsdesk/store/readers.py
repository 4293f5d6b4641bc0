"""Stories, reader feedback, page views and named blobs: the SQL shared by every backend."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..models import Feedback, Story
from .sql import SQLStore, dumps, utc

STORY_FIELDS = ("title", "summary", "section", "first_seen", "last_seen", "article_count",
                "source_count", "keywords")


class ReaderQueries(SQLStore):
    # -- stories --------------------------------------------------------------------------
    def _story(self, r: Any) -> Story:
        return Story(id=r["id"], title=r["title"], summary=r["summary"], section=r["section"],
                     first_seen=self._dt(r["first_seen"]), last_seen=self._dt(r["last_seen"]),
                     article_count=r["article_count"], source_count=r["source_count"],
                     keywords=json.loads(r["keywords"]))

    def save_story(self, story: Story) -> int:
        values = [story.title, story.summary, story.section, self._ts(story.first_seen),
                  self._ts(story.last_seen), story.article_count, story.source_count,
                  dumps(story.keywords)]
        if story.id is None:
            story.id = self._insert(f"INSERT INTO stories ({', '.join(STORY_FIELDS)}) VALUES "
                                    f"({', '.join('?' * len(STORY_FIELDS))})", values)
        else:
            self._execute(f"UPDATE stories SET {', '.join(f + ' = ?' for f in STORY_FIELDS)} "
                          "WHERE id = ?", (*values, story.id))
        return story.id

    def get_story(self, story_id: int) -> Story:
        row = self._one("SELECT * FROM stories WHERE id = ?", (story_id,))
        if row is None:
            raise self._missing("story", story_id)
        return self._story(row)

    def list_stories(self, section: str | None = None, limit: int = 20,
                     since: datetime | None = None, offset: int = 0) -> list[Story]:
        """Stories with articles, most recently active first (an index serves each order:
        migration 0017 on PostgreSQL), from `offset` on."""
        where, params = ["article_count > 0"], []
        if section:
            where.append("section = ?"); params.append(section)
        if since:
            where.append("last_seen >= ?"); params.append(self._ts(since))
        rows = self._all(f"SELECT * FROM stories WHERE {' AND '.join(where)} ORDER BY "
                         "last_seen DESC NULLS LAST, source_count DESC, id DESC LIMIT ? OFFSET ?",
                         (*params, limit, offset))
        return [self._story(r) for r in rows]

    # -- feedback -------------------------------------------------------------------------
    def _feedback(self, r: Any) -> Feedback:
        return Feedback(id=r["id"], article_id=r["article_id"], kind=r["kind"],
                        rating=r["rating"], text=r["text"], client=r["client"],
                        status=r["status"], created_at=self._dt(r["created_at"]))

    def add_feedback(self, feedback: Feedback) -> int:
        return self._insert("INSERT INTO feedback (article_id, kind, rating, text, client, "
                            "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (feedback.article_id, feedback.kind, feedback.rating, feedback.text,
                             feedback.client, feedback.status, self._ts(feedback.created_at)))

    def list_feedback(self, status: str | None = None, limit: int = 500) -> list[Feedback]:
        if status:
            rows = self._all("SELECT * FROM feedback WHERE status = ? ORDER BY id DESC LIMIT ?",
                             (status, limit))
        else:
            rows = self._all("SELECT * FROM feedback ORDER BY id DESC LIMIT ?", (limit,))
        return [self._feedback(r) for r in rows]

    def set_feedback_status(self, feedback_id: int, status: str) -> None:
        self._execute("UPDATE feedback SET status = ? WHERE id = ?", (status, feedback_id))

    def count_feedback_since(self, client: str, since: datetime) -> int:
        return int(self._scalar("SELECT COUNT(*) FROM feedback WHERE client = ? AND "
                                "created_at >= ?", (client, self._ts(since))))

    # -- views ----------------------------------------------------------------------------
    def record_view(self, article_id: int, at: datetime) -> None:
        # One row per article and hour keeps the table small and trending windows cheap.
        hour = utc(at).replace(minute=0, second=0)
        self._execute("INSERT INTO views (article_id, hour, count) VALUES (?, ?, 1) "
                      "ON CONFLICT (article_id, hour) DO UPDATE SET count = views.count + 1",
                      (article_id, self._ts(hour)))

    def most_viewed(self, since: datetime, until: datetime, limit: int = 10) -> list[tuple[int, int]]:
        rows = self._all("SELECT article_id, SUM(count) AS n FROM views WHERE hour >= ? AND "
                         "hour < ? GROUP BY article_id ORDER BY n DESC, article_id LIMIT ?",
                         (self._ts(since), self._ts(until), limit))
        return [(int(r[0]), int(r[1])) for r in rows]

    # -- blobs ----------------------------------------------------------------------------
    def put_blob(self, name: str, data: bytes) -> None:
        self._execute("INSERT INTO blobs (name, data) VALUES (?, ?) ON CONFLICT (name) "
                      "DO UPDATE SET data = excluded.data", (name, data))

    def get_blob(self, name: str) -> bytes | None:
        value = self._scalar("SELECT data FROM blobs WHERE name = ?", (name,))
        return None if value is None else bytes(value)
