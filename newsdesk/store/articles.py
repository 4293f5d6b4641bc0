"""Articles, sources and feeds: the SQL shared by every backend."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ..models import Article, Feed, Source
from .base import ArticleFilter
from .sql import SQLStore, body_to_json, media_to_json

ARTICLE_COLUMNS = """a.id, a.url, a.source_id, a.feed_id, a.title, a.kicker, a.section, a.section_given,
    a.outlet_section,    a.byline, a.published_at, a.language, a.summary, a.summary_generated, a.body, a.media,
    a.attribution, a.content_hash, a.fetched_at, a.story_id,
    s.name AS source_name, s.site AS source_site, s.country AS source_country,
    s.language AS source_language"""

FEED_COLUMNS = ("id", "source_id", "url", "title", "etag", "last_modified", "next_check_at",
                "interval_s", "error_count", "last_error", "last_error_at", "last_checked_at",
                "last_new_at", "active")
FEED_TIMES = {"next_check_at", "last_error_at", "last_checked_at", "last_new_at"}

# Fields a caller may change on a stored article (enrichment results, story assignment).
UPDATABLE = {"section", "section_given", "summary", "summary_generated", "story_id", "language",
             "published_at", "title", "byline"}


class ArticleQueries(SQLStore):
    # -- sources --------------------------------------------------------------------------
    def _source(self, r: Any) -> Source:
        return Source(id=r["id"], name=r["name"], site=r["site"], country=r["country"],
                      language=r["language"])

    def ensure_source(self, source: Source) -> Source:
        """Get the source by name, creating it, and filling fields it lacks."""
        with self.transaction():
            row = self._one("SELECT * FROM sources WHERE name = ?", (source.name,))
            if row is None:
                # DO NOTHING: a concurrent writer may have created it since the SELECT.
                self._execute("INSERT INTO sources (name, site, country, language) "
                              "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                              (source.name, source.site, source.country, source.language))
                row = self._one("SELECT * FROM sources WHERE name = ?", (source.name,))
            have = self._source(row)
            for name in ("site", "country", "language"):
                if not getattr(have, name) and getattr(source, name):
                    # Only an empty field is filled, so concurrent fillers cannot overwrite.
                    self._execute(f"UPDATE sources SET {name} = ? WHERE id = ? AND {name} = ''",
                                  (getattr(source, name), have.id))
                    setattr(have, name, getattr(source, name))
            return have

    def get_source(self, source_id: int) -> Source:
        row = self._one("SELECT * FROM sources WHERE id = ?", (source_id,))
        if row is None:
            raise self._missing("source", source_id)
        return self._source(row)

    def list_sources(self) -> list[tuple[Source, int]]:
        rows = self._all("SELECT s.*, (SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id)"
                         " AS n FROM sources s ORDER BY s.name")
        return [(self._source(r), int(r["n"])) for r in rows]

    # -- feeds ----------------------------------------------------------------------------
    def _feed(self, r: Any) -> Feed:
        values = {c: (self._dt(r[c]) if c in FEED_TIMES else r[c]) for c in FEED_COLUMNS}
        values["active"] = bool(values["active"])
        return Feed(**values)

    def add_feed(self, feed: Feed) -> Feed:
        with self.transaction():
            row = self._one("SELECT * FROM feeds WHERE url = ?", (feed.url,))
            if row is None:
                self._execute("INSERT INTO feeds (source_id, url, title, interval_s, "
                              "next_check_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
                              (feed.source_id, feed.url, feed.title, feed.interval_s,
                               self._ts(feed.next_check_at)))
                row = self._one("SELECT * FROM feeds WHERE url = ?", (feed.url,))
            return self._feed(row)

    def get_feed(self, feed_id: int) -> Feed:
        row = self._one("SELECT * FROM feeds WHERE id = ?", (feed_id,))
        if row is None:
            raise self._missing("feed", feed_id)
        return self._feed(row)

    def list_feeds(self, source_id: int | None = None) -> list[Feed]:
        if source_id is None:
            rows = self._all("SELECT * FROM feeds ORDER BY id")
        else:
            rows = self._all("SELECT * FROM feeds WHERE source_id = ? ORDER BY id", (source_id,))
        return [self._feed(r) for r in rows]

    def due_feeds(self, now: datetime, limit: int = 100) -> list[Feed]:
        rows = self._all("SELECT * FROM feeds WHERE active = 1 AND (next_check_at IS NULL OR "
                         "next_check_at <= ?) ORDER BY next_check_at IS NOT NULL, "
                         "next_check_at, id LIMIT ?", (self._ts(now), limit))
        return [self._feed(r) for r in rows]

    def save_feed(self, feed: Feed) -> None:
        cols = [c for c in FEED_COLUMNS if c != "id"]
        values = [self._ts(getattr(feed, c)) if c in FEED_TIMES else getattr(feed, c)
                  for c in cols]
        values[cols.index("active")] = int(feed.active)
        self._execute(f"UPDATE feeds SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
                      (*values, feed.id))

    # -- articles -------------------------------------------------------------------------
    def find_duplicate(self, url: str, content_hash: str) -> int | None:
        row = self._one("SELECT id FROM articles WHERE url = ? OR content_hash = ? LIMIT 1",
                        (url, content_hash))
        return None if row is None else int(row[0])

    def add_article(self, article: Article) -> int:
        with self.transaction():
            source = article.source if article.source.id else self.ensure_source(article.source)
            aid = self._insert(
                "INSERT INTO articles (url, source_id, feed_id, title, kicker, section, "
                "section_given, outlet_section, byline, published_at, language, summary, summary_generated, "
                "body, media, attribution, content_hash, fetched_at, story_id, listed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article.url, source.id, article.feed_id, article.title, article.kicker,
                 article.section,
                 int(article.section_given), article.given_section_name, article.byline, self._ts(article.published_at),
                 article.language, article.summary, int(article.summary_generated),
                 body_to_json(article.body), media_to_json(article.media), article.attribution,
                 article.content_hash, self._ts(article.fetched_at), article.story_id,
                 self._ts(article.published_at or article.fetched_at)))
            self._index_text(aid, article.indexed_title, article.summary, article.text)
        return aid

    def _index_text(self, article_id: int, title: str, summary: str, body: str) -> None:
        raise NotImplementedError  # pragma: no cover - per dialect

    def _text_fields_changed(self, article_id: int) -> None:
        """A field the text index filters on (section, date) changed; nothing by default."""

    def get_article(self, article_id: int) -> Article:
        row = self._one(f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sources s ON "
                        "s.id = a.source_id WHERE a.id = ?", (article_id,))
        if row is None:
            raise self._missing("article", article_id)
        return self._article(row)

    def _where(self, flt: ArticleFilter) -> tuple[str, list[Any]]:
        where, params = [], []
        if flt.section:
            where.append("a.section = ?"); params.append(flt.section)
        if flt.source_id:
            where.append("a.source_id = ?"); params.append(flt.source_id)
        if flt.story_id:
            where.append("a.story_id = ?"); params.append(flt.story_id)
        if flt.entity_id:
            where.append("a.id IN (SELECT article_id FROM article_entities WHERE entity_id = ?)")
            params.append(flt.entity_id)
        if flt.since:
            where.append("a.published_at >= ?"); params.append(self._ts(flt.since))
        if flt.until:
            where.append("a.published_at < ?"); params.append(self._ts(flt.until))
        if flt.ids is not None:
            where.append(f"a.id IN ({','.join('?' * len(flt.ids)) or 'NULL'})")
            params.extend(flt.ids)
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def list_articles(self, flt: ArticleFilter) -> list[Article]:
        where, params = self._where(flt)
        # NULLS LAST spelled out: the backends disagree on where NULL sorts by default.
        order = ("a.listed_at DESC NULLS LAST, a.id DESC" if flt.order == "published"
                 else "a.id")
        rows = self._all(f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sources s ON "
                         f"s.id = a.source_id{where} ORDER BY {order} LIMIT ? OFFSET ?",
                         (*params, flt.limit, flt.offset))
        return [self._article(r) for r in rows]

    def count_articles(self) -> int:
        return int(self._scalar("SELECT COUNT(*) FROM articles"))

    def article_ids(self, after_id: int = 0, limit: int = 1000) -> list[int]:
        return [int(r[0]) for r in self._all(
            "SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit))]

    def update_article_fields(self, article_id: int, **fields: object) -> None:
        bad = set(fields) - UPDATABLE
        if bad:
            raise ValueError(f"cannot update {sorted(bad)}")
        if not fields:
            return
        values = [int(v) if isinstance(v, bool) else
                  (self._ts(v) if isinstance(v, datetime) else v) for v in fields.values()]
        with self.transaction():
            self._execute(f"UPDATE articles SET {', '.join(k + ' = ?' for k in fields)} "
                          "WHERE id = ?", (*values, article_id))
            if "published_at" in fields:
                self._execute("UPDATE articles SET listed_at = COALESCE(published_at, "
                              "fetched_at) WHERE id = ?", (article_id,))
            if "summary" in fields or "title" in fields:
                a = self.get_article(article_id)
                self._index_text(article_id, a.indexed_title, a.summary, a.text)
            elif "section" in fields or "published_at" in fields:
                self._text_fields_changed(article_id)
