"""What the pages and the API show of stories and wire copies, as plain dicts."""
from __future__ import annotations

from typing import Any

from ..models import Article
from ..store.base import ArticleFilter, Store
from .dedup import changes

STORY_ARTICLES = 200


def _iso(dt) -> str | None:
    return dt.isoformat() if dt else None


def wire_copies(store: Store, article: Article) -> dict[str, Any] | None:
    """The other outlets that ran this article's wire text, the first copy, and what this
    copy changed against the first."""
    group = store.wire_group_of(article.id)
    if group is None:
        return None
    members = dict(store.wire_members(group))
    found = store.list_articles(ArticleFilter(ids=list(members), limit=len(members)))
    found.sort(key=lambda a: (a.published_at is None, a.published_at or 0, a.id))
    first = found[0]
    copies = []
    for a in found:
        copies.append({"id": a.id, "title": a.title, "source": a.source.name,
                       "published_at": _iso(a.published_at), "first": a.id == first.id,
                       "similarity": members.get(a.id, 1.0),
                       "changes": [] if a.id == first.id else changes(first.paragraphs,
                                                                      a.paragraphs)})
    return {"group_id": group, "first_id": first.id, "copies": copies}


def story_brief(store: Store, story_id: int) -> dict[str, Any]:
    s = store.get_story(story_id)
    return {"id": s.id, "title": s.title, "summary": s.summary, "section": s.section,
            "first_seen": _iso(s.first_seen), "last_seen": _iso(s.last_seen),
            "articles": s.article_count, "outlets": s.source_count, "keywords": s.keywords}


def story_full(store: Store, story_id: int) -> dict[str, Any]:
    """A story's whole coverage: header, outlets, articles (wire copies collapsed), timeline."""
    target = store.merged_into(story_id)
    if target is not None:
        return story_full(store, target)
    data = story_brief(store, story_id)
    articles = store.list_articles(ArticleFilter(story_id=story_id, limit=STORY_ARTICLES))
    articles.sort(key=lambda a: (a.published_at is None, a.published_at or 0, a.id))
    groups = store.wire_groups([a.id for a in articles])
    shown, by_group = [], {}
    for a in articles:
        g = groups.get(a.id)
        if g is not None and g in by_group:
            by_group[g]["also"].append({"id": a.id, "source": a.source.name})
            continue
        item = {"id": a.id, "title": a.title, "source": a.source.name,
                "published_at": _iso(a.published_at), "summary": a.summary, "also": []}
        if g is not None:
            by_group[g] = item
        shown.append(item)
    outlets: dict[str, int] = {}
    for a in articles:
        outlets[a.source.name] = outlets.get(a.source.name, 0) + 1
    timeline, seen = [], set()
    for a in articles:
        for d in store.article_dates(a.id):
            key = (d.value, d.sentence)
            if key not in seen:
                seen.add(key)
                timeline.append({"date": d.value, "granularity": d.granularity,
                                 "text": d.sentence, "article_id": a.id,
                                 "source": a.source.name})
    timeline.sort(key=lambda t: t["date"])
    data.update({"items": shown, "outlets": [{"name": k, "articles": v}
                                             for k, v in sorted(outlets.items())],
                 "timeline": timeline[:100],
                 "published": [{"date": _iso(a.published_at), "article_id": a.id,
                                "source": a.source.name} for a in articles if a.published_at]})
    return data


def top_stories(store: Store, section: str, limit: int = 3) -> list[dict[str, Any]]:
    """A section's stories with the widest coverage among its most recent ones."""
    recent = store.list_stories(section=section, limit=limit * 5)
    recent.sort(key=lambda s: (-s.source_count, -s.article_count))
    return [{"id": s.id, "title": s.title, "summary": s.summary, "articles": s.article_count,
             "outlets": s.source_count} for s in recent[:limit] if s.article_count > 1]

