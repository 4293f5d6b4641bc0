"""Trending stories, entities and keywords: activity that bursts above its own baseline.

Activity in a window is new articles (each wire text counted once), distinct outlets, and
reader views (one point per VIEWS_PER_POINT views). The baseline is the mean activity of the
BASELINE_WINDOWS windows before it; the burst is a Poisson z-score, (now - mean) / sqrt(mean
+ 1), so a story that always has ten articles a day does not trend on its eleventh while a
quiet one that suddenly draws five outlets does. `now` may be any past instant: an archive
is replayed by counting only what was published before it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..store.base import ArticleFilter, Store

WINDOWS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}
BASELINE_WINDOWS = 7
VIEWS_PER_POINT = 10


@dataclass(slots=True)
class TrendingArticle:
    id: int
    title: str
    source: str
    views: int


def burst(now: float, before: float) -> float:
    mean = before / BASELINE_WINDOWS
    return (now - mean) / math.sqrt(mean + 1)


def _activity(rows: list[tuple], views: dict[Any, int]) -> dict[Any, float]:
    out = {k: float(n + outlets) for k, n, outlets, *_ in rows}
    for k, v in views.items():
        out[k] = out.get(k, 0.0) + v / VIEWS_PER_POINT
    return out


def _bursting(activity, views, now: datetime, window: str, min_articles: int = 0
              ) -> tuple[list[tuple[float, Any]], dict[Any, tuple]]:
    """(burst score, key) of the items above their own baseline, best first, and each item's
    (articles, outlets, ...) in the window. `activity(start, end)` gives (key, articles,
    outlets, ...) rows; `views(start, end)` the reader views by key."""
    span = WINDOWS[window]
    start, base_start = now - span, now - span * (1 + BASELINE_WINDOWS)
    current = activity(start, now)
    cur = _activity(current, views(start, now))
    base = _activity(activity(base_start, start), views(base_start, start))
    counts = {k: tuple(rest) for k, *rest in current}
    ranked = sorted(((burst(a, base.get(k, 0.0)), k) for k, a in cur.items()
                     if counts.get(k, (0,))[0] >= min_articles
                     and a > base.get(k, 0.0) / BASELINE_WINDOWS), reverse=True)
    return ranked, counts


def _no_views(start: datetime, end: datetime) -> dict[int, int]:
    return {}


def trending_stories(store: Store, now: datetime, window: str = "24h",
                     limit: int = 10) -> list[dict]:
    ranked, counts = _bursting(store.story_activity, store.story_views, now, window)
    ranked = ranked[:limit]
    out = []
    for score, sid in ranked:
        story = store.get_story(sid)
        n, outlets = counts.get(sid, (0, 0))[:2]
        out.append({"id": sid, "title": story.title, "summary": story.summary,
                    "section": story.section, "articles": n, "outlets": outlets,
                    "score": round(score, 2)})
    return out


def trending_entities(store: Store, now: datetime, window: str = "24h",
                      limit: int = 10) -> list[dict]:
    ranked, counts = _bursting(store.entity_activity, _no_views, now, window, min_articles=2)
    ranked = ranked[:limit * 2]
    out, names = [], set()
    for score, eid in ranked:
        entity = store.get_entity(eid)
        if entity.name in names or len(out) >= limit:
            continue  # one name typed two ways by the entity stage is shown once
        names.add(entity.name)
        out.append({"id": eid, "name": entity.name, "type": entity.type,
                    "articles": counts[eid][0], "outlets": counts[eid][1],
                    "score": round(score, 2)})
    return out


def trending_keywords(store: Store, now: datetime, window: str = "24h",
                      limit: int = 10) -> list[dict]:
    """Key phrases (the who stage's keywords, in lower case) bursting in at least two
    articles: the topics ("tariffs", "bankruptcy") beside the names trending_entities gives."""
    ranked, counts = _bursting(store.keyword_activity, _no_views, now, window, min_articles=2)
    # a name ("trump", "epstein", "donald") is the trending entities' to show, even where
    # an article's keyword has it without the who stage having linked it there
    candidates = ranked[:limit * 4]
    names = store.names_among((k for _, k in candidates), now - WINDOWS[window], now)
    out: list[dict] = []
    for score, k in candidates:
        # "tariffs" beside "tariff" says one thing twice: the stronger burst stands for both
        if k in names or {k + "s", k.removesuffix("s")} & {o["keyword"].lower() for o in out}:
            continue
        out.append({"keyword": counts[k][2], "articles": counts[k][0],
                    "outlets": counts[k][1], "score": round(score, 2)})
    return out[:limit]


def most_read(store: Store, now: datetime, hours: int = 24, limit: int = 5) -> list[TrendingArticle]:
    counts = store.most_viewed(now - timedelta(hours=hours), now + timedelta(hours=1), limit)
    if not counts:
        return []
    found = {a.id: a for a in store.list_articles(
        ArticleFilter(ids=[i for i, _ in counts], limit=len(counts)))}
    return [TrendingArticle(id=i, title=found[i].title, source=found[i].source.name, views=n)
            for i, n in counts if i in found]
