"""The storage interface: what every backend (SQLite, PostgreSQL) offers its callers.

Callers (pipeline, web, CLI, workers) only ever see this Protocol; `open_store(url)` picks the
backend from the URL. The method list is grouped by aggregate, as the SQL is
(`store/articles.py`, `store/feeds.py`, ...).
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Protocol

from ..models import (Article, DateMention, Entity, Feed, Feedback, Quote, Source, Story)


@dataclass(slots=True)
class ArticleFilter:
    section: str | None = None
    source_id: int | None = None
    entity_id: int | None = None
    story_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: list[int] | None = None
    order: str = "published"  # "published" (newest first) | "id"
    limit: int = 50
    offset: int = 0


@dataclass(slots=True)
class ArticleEntity:
    """An entity as it appears in one article."""

    entity_id: int
    name: str
    type: str
    role: str
    mentions: int


@dataclass(slots=True)
class StoredQuote:
    quote: Quote
    article_id: int
    article_title: str = ""
    published_at: datetime | None = None
    source_name: str = ""


@dataclass(slots=True)
class SearchHit:
    article_id: int
    score: float
    snippet: str = ""


@dataclass(slots=True)
class EntityLink:
    entity_id: int
    mentions: int
    role: str = ""


@dataclass(slots=True)
class StageState:
    stage: str
    version: int
    error: str = ""


@dataclass(slots=True)
class FacetCounts:
    by_source: list[tuple[str, int]] = field(default_factory=list)
    by_section: list[tuple[str, int]] = field(default_factory=list)
    by_day: list[tuple[str, int]] = field(default_factory=list)


class Store(Protocol):
    url: str

    # lifecycle
    def migrate(self) -> list[str]: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def close(self) -> None: ...

    # sources and feeds
    def ensure_source(self, source: Source) -> Source: ...
    def get_source(self, source_id: int) -> Source: ...
    def list_sources(self) -> list[tuple[Source, int]]: ...
    def add_feed(self, feed: Feed) -> Feed: ...
    def get_feed(self, feed_id: int) -> Feed: ...
    def list_feeds(self, source_id: int | None = None) -> list[Feed]: ...
    def due_feeds(self, now: datetime, limit: int = 100) -> list[Feed]: ...
    def save_feed(self, feed: Feed) -> None: ...
    def seen_entries(self, feed_id: int, urls: Iterable[str]) -> set[str]: ...
    def mark_entries_seen(self, feed_id: int, urls: Iterable[str], at: datetime) -> None: ...

    # articles
    def find_duplicate(self, url: str, content_hash: str) -> int | None: ...
    def add_article(self, article: Article) -> int: ...
    def get_article(self, article_id: int) -> Article: ...
    def list_articles(self, flt: ArticleFilter) -> list[Article]: ...
    def count_articles(self) -> int: ...
    def article_ids(self, after_id: int = 0, limit: int = 1000) -> list[int]: ...
    def update_article_fields(self, article_id: int, **fields: object) -> None: ...
    def search_articles(self, text: str, flt: ArticleFilter,
                        any_word: bool = False) -> list[SearchHit]: ...

    # enrichment
    def upsert_entity(self, entity: Entity, key: str) -> int: ...
    def get_entity(self, entity_id: int) -> Entity: ...
    def entities_by_key(self, key: str, type: str | None = None) -> list[Entity]: ...
    def replace_article_enrichment(self, article_id: int, entities: list[EntityLink],
                                   quotes: list[Quote], dates: list[DateMention],
                                   keywords: list[str]) -> None: ...
    def article_entities(self, article_id: int) -> list[ArticleEntity]: ...
    def article_quotes(self, article_id: int) -> list[Quote]: ...
    def article_dates(self, article_id: int) -> list[DateMention]: ...
    def article_keywords(self, article_id: int) -> list[str]: ...
    def entity_mentions_by_day(self, entity_id: int) -> list[tuple[str, int]]: ...
    def cooccurring_entities(self, entity_id: int, limit: int = 10) -> list[tuple[Entity, int]]: ...
    def search_quotes(self, speaker: str = "", text: str = "", entity_id: int | None = None,
                      limit: int = 50) -> list[StoredQuote]: ...
    def stage_states(self, article_id: int) -> list[StageState]: ...
    def record_stage(self, article_id: int, stage: str, version: int, error: str = "") -> None: ...
    def articles_needing(self, stage: str, version: int, limit: int = 1000) -> list[int]: ...

    # stories
    def save_story(self, story: Story) -> int: ...
    def get_story(self, story_id: int) -> Story: ...
    def list_stories(self, section: str | None = None, limit: int = 20,
                     since: datetime | None = None) -> list[Story]: ...

    # readers
    def add_feedback(self, feedback: Feedback) -> int: ...
    def list_feedback(self, status: str | None = None, limit: int = 500) -> list[Feedback]: ...
    def set_feedback_status(self, feedback_id: int, status: str) -> None: ...
    def count_feedback_since(self, client: str, since: datetime) -> int: ...
    def record_view(self, article_id: int, at: datetime) -> None: ...
    def most_viewed(self, since: datetime, until: datetime, limit: int = 10) -> list[tuple[int, int]]: ...

    # named blobs (trained models, indexes' metadata)
    def put_blob(self, name: str, data: bytes) -> None: ...
    def get_blob(self, name: str) -> bytes | None: ...


def open_store(url: str | None) -> Store:
    """Open the store named by a file path (SQLite) or a postgresql:// URL, migrated."""
    url = url or "newsdesk.db"
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore
        store: Store = PostgresStore(url)
    else:
        from .sqlite import SQLiteStore
        store = SQLiteStore(url.removeprefix("sqlite:///"))
    store.migrate()
    return store


def iter_all_ids(store: Store, batch: int = 1000) -> Iterable[int]:
    after = 0
    while True:
        ids = store.article_ids(after, batch)
        if not ids:
            return
        yield from ids
        after = ids[-1]
