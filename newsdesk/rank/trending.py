"""Trending for the rails and /trending.

Until the trending-stories issue lands, trending is the most-read articles of the last 24
hours, from the page views the store records: simple, but real data, never a fixed list.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..store.base import ArticleFilter, Store


@dataclass(slots=True)
class TrendingArticle:
    id: int
    title: str
    source: str
    views: int


def most_read(store: Store, now: datetime, hours: int = 24, limit: int = 5) -> list[TrendingArticle]:
    counts = store.most_viewed(now - timedelta(hours=hours), now + timedelta(hours=1), limit)
    if not counts:
        return []
    found = {a.id: a for a in store.list_articles(
        ArticleFilter(ids=[i for i, _ in counts], limit=len(counts)))}
    return [TrendingArticle(id=i, title=found[i].title, source=found[i].source.name, views=n)
            for i, n in counts if i in found]
