"""The read and write services that every face (web pages, JSON API, CLI) calls.

Each function takes the store (and the clock where time matters) and returns plain dicts in
the shape of SPEC.md's JSON API; the HTML templates render the same dicts, so a page and its
JSON twin never disagree.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from .enrich.summary import trace_summary
from .errors import InputError
from .models import Article, Feedback
from .normalise import drop_controls
from .rank.related import related_articles
from .rank.trending import (WINDOWS, most_read, trending_entities, trending_keywords,
                             trending_stories)
from .sources.poll import feed_health
from .store.base import ArticleFilter, Store

log = logging.getLogger(__name__)

FEEDBACK_KINDS = ("rating", "comment", "error")
MAX_FEEDBACK_TEXT = 4000


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def article_brief(a: Article) -> dict[str, Any]:
    return {"id": a.id, "url": a.url, "title": a.title, "kicker": a.kicker,
            "source": {"id": a.source.id, "name": a.source.name}, "section": a.section,
            "published_at": iso(a.published_at), "story_id": a.story_id,
            "summary": {"text": a.summary, "generated": a.summary_generated}}


def article_full(store: Store, article_id: int, *, with_related: bool = True,
                 vector_index=None, text_index=None) -> dict[str, Any]:
    a = store.get_article(article_id)
    entities = store.article_entities(a.id)
    data = article_brief(a)
    if a.summary_generated:  # which paragraph each sentence comes from
        data["summary"]["sentences"] = [{"text": s, "block": b} for s, b in trace_summary(a)]
    data.update({
        "byline": a.byline, "language": a.language,
        "body": [{"kind": b.kind, "text": b.text} for b in a.body],
        "media": [{"url": m.url, "caption": m.caption,
                   "credits": [{"name": c.name, "role": c.role} for c in m.credits]}
                  for m in a.media],
        "quotes": [{"text": q.text, "kind": q.kind, "cue": q.cue,
                    "speaker": {"name": q.speaker, "entity_id": q.speaker_entity_id},
                    "speaker_role": q.speaker_role, "said_to": q.said_to}
                   for q in store.article_quotes(a.id)],
        "entities": [{"id": e.entity_id, "name": e.name, "type": e.type, "role": e.role,
                      "mentions": e.mentions} for e in entities],
        "dates": [{"text": d.text, "value": d.value, "granularity": d.granularity,
                   "sentence": d.sentence, "role": d.role} for d in store.article_dates(a.id)],
        "keywords": store.article_keywords(a.id),
        "attribution": a.attribution,
        "section_given": a.section_given,
        "outlet_section": a.outlet_section,
        "related": [],
    })
    if with_related:
        from .stories.views import wire_copies

        data["related"] = [{"id": r.id, "title": r.title, "source": r.source,
                            "reason": r.reason, "kicker": r.kicker}
                           for r in related_articles(store, a, vi=vector_index, ti=text_index)]
        data["wire"] = wire_copies(store, a)
    return data


def list_articles(store: Store, *, section: str | None = None, source: int | None = None,
                  entity: int | None = None, story: int | None = None, q: str | None = None,
                  limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    limit = max(1, min(limit, 200))
    flt = ArticleFilter(section=section or None, source_id=source, entity_id=entity,
                        story_id=story, limit=limit, offset=offset)
    if q:
        ids = [h.article_id for h in store.search_articles(q, flt)]
        found = {a.id: a for a in store.list_articles(ArticleFilter(ids=ids, limit=len(ids)))}
        return [article_brief(found[i]) for i in ids if i in found]
    return [article_brief(a) for a in store.list_articles(flt)]


def home(store: Store, sections: list[str], per_section: int = 5) -> "OrderedDict[str, list]":
    """Latest articles by section, the site's own sections first, in their configured order."""
    out: OrderedDict[str, list] = OrderedDict()
    for name in sections + ["Uncategorised"]:
        items = [article_brief(a) for a in store.list_articles(
            ArticleFilter(section=name, limit=per_section))]
        if items:
            out[name] = items
    return out


def site_section(name: str | None, sections: list[str]) -> str | None:
    """The site's own spelling of a section asked for in another case ("world" -> World);
    any other name as given. Sections are stored as the site spells them, and a filter
    matches them exactly (on an index), as search's `section:` matches in any case."""
    if not name:
        return name
    return next((k for k in [*sections, "Uncategorised"] if k.casefold() == name.casefold()), name)


def list_stories(store: Store, *, section: str | None = None, limit: int = 50,
                 offset: int = 0) -> list[dict[str, Any]]:
    """Stories, most recently active first, optionally of one section."""
    from .stories.views import story_brief

    return [story_brief(s) for s in store.list_stories(section=section, limit=limit,
                                                       offset=offset)]


def home_stories(store: Store, sections: list[str], per_section: int = 3) -> dict[str, list]:
    """Top stories (widest coverage among the recent) of each section."""
    from .stories.views import top_stories

    return {name: top_stories(store, name, per_section) for name in sections + ["Uncategorised"]}


def read_instant(wall: datetime) -> datetime:
    """The instant a live answer counts reads up to, at wall-clock time `wall`: the end of
    the current minute. One answer a minute lets polling clients revalidate (ETag) instead
    of downloading the same list again, and the minute's end, not its start, counts every
    read so far. Reads are stored by the hour they fall in; as of 10:00 the reads of
    10:00:30 would wait a minute to count."""
    return wall.replace(second=0, microsecond=0) + timedelta(minutes=1)


def stories_instant(store: Store, window: str, read_at: datetime) -> datetime:
    """The instant the stories and names of a live answer that counts reads up to `read_at`
    trend as of: `read_at`, or, for an archive (nothing published in the window), its newest
    article. Reads do not make an archive live: as of now nothing was published, and what
    one reader opened would be all that trends (the demo's rail fell from ten stories to one
    at the first article read); its most-read list is live all the same."""
    newest = store.newest_published()
    if newest and newest < read_at - WINDOWS[window]:
        return newest + timedelta(minutes=1)
    return read_at


def trending(store: Store, now: datetime | None = None, limit: int = 5,
             window: str = "24h", keywords: bool = False,
             read_at: datetime | None = None) -> dict[str, Any]:
    """Stories and entities (and with `keywords`, key phrases) bursting above their baseline
    in the window as of `now`, and the most read in the window before `read_at` (default:
    `now`); `now` in the past replays an archive. The rail of every home and article page
    leaves keywords out: they cost a scan of the window's keywords."""
    if window not in WINDOWS:
        raise InputError(f"window must be one of {', '.join(WINDOWS)}")
    if now is None:
        read_at = read_at or read_instant(datetime.now(timezone.utc))
        now = stories_instant(store, window, read_at)
    read_at = read_at or now
    items = most_read(store, read_at, int(WINDOWS[window].total_seconds() // 3600), limit)
    topics = {"keywords": trending_keywords(store, now, window, limit)} if keywords else {}
    return {"as_of": iso(now), "read_as_of": iso(read_at), "window": window,
            "basis": "new articles, distinct outlets and page views against each one's own "
                     f"mean over the {window} windows before",
            "stories": trending_stories(store, now, window, limit),
            "entities": trending_entities(store, now, window, limit), **topics,
            "articles": [{"id": t.id, "title": t.title, "source": t.source, "views": t.views}
                         for t in items]}


# A live answer that took longer than this to compute is refreshed beside the readers when
# its minute is up: they get the previous minute's answer meanwhile (359 ms at a million
# articles, once a minute for each window, limit and keywords asked, per process).
SLOW_TRENDING = 0.05  # seconds
STALE_FOR = timedelta(minutes=2)  # an older answer is computed afresh, in the request


@dataclass(slots=True)
class _Answer:
    instant: datetime
    data: dict[str, Any]
    seconds: float


@dataclass(slots=True)
class TrendingCache:
    """The live trending answers of one process (the web app keeps one in app.state): one per
    window, limit and keywords, with the refreshes under way."""

    slow: float = SLOW_TRENDING
    answers: dict[tuple, _Answer] = field(default_factory=dict)
    refreshing: dict[tuple, threading.Thread] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, timeout: float | None = None) -> None:
        """Until the refreshes under way are done (for tests)."""
        for thread in list(self.refreshing.values()):
            thread.join(timeout)


def live_trending(store: Store, cache: TrendingCache, window: str = "24h", limit: int = 5,
                  keywords: bool = False, wall: datetime | None = None) -> dict[str, Any]:
    """`trending` as of now, computed once per instant it runs as of (a minute) for each
    window, limit and keywords asked, and kept in `cache`. The rail of every home and article
    page is this call with its defaults: uncached it was most of an article page's time (73
    of 93 ms on a 200,000-article store, about a second at a million). Polling clients already
    got one answer a minute (as_of moves by the minute, and its ETag with it). An answer that
    was slow to compute is refreshed in a thread when its minute is up, and until then the
    readers get the previous minute's (its own as_of, so the ETag stays true)."""
    if window not in WINDOWS:
        raise InputError(f"window must be one of {', '.join(WINDOWS)}")
    # one answer a minute, keyed by the minute's end (the reads it counts); the stories'
    # instant is that too on a live site, an archive's newest article otherwise
    wall = wall or datetime.now(timezone.utc)
    now = read_instant(wall)
    key = (window, limit, keywords)
    hit = cache.answers.get(key)
    if hit is not None and hit.instant == now:
        return hit.data
    if hit is not None and hit.seconds >= cache.slow and timedelta(0) < now - hit.instant <= STALE_FOR:
        with cache.lock:
            running = cache.refreshing.get(key)
            if running is None or not running.is_alive():
                cache.refreshing[key] = threading.Thread(
                    target=_refresh_quietly, args=(store, cache, key, now), daemon=True,
                    name="newsdesk-trending")
                cache.refreshing[key].start()
        return hit.data
    return _refresh(store, cache, key, now)


def _refresh_quietly(store: Store, cache: TrendingCache, key: tuple, now: datetime) -> None:
    """_refresh in a thread: a failure is logged, and once the answer is older than
    STALE_FOR the next reader's request computes it (and reports what fails)."""
    try:
        _refresh(store, cache, key, now)
    except Exception:
        log.exception("refreshing trending %s failed", key)


def _refresh(store: Store, cache: TrendingCache, key: tuple, now: datetime) -> dict[str, Any]:
    window, limit, keywords = key
    started = time.perf_counter()
    data = trending(store, stories_instant(store, window, now), limit, window, keywords,
                    read_at=now)
    # one assignment: threads at most compute it twice, and a later instant is never replaced
    # by an earlier one
    hit = cache.answers.get(key)
    if hit is None or hit.instant <= now:
        cache.answers[key] = _Answer(now, data, time.perf_counter() - started)
    return data


def sources(store: Store) -> list[dict[str, Any]]:
    out = []
    for src, n in store.list_sources():
        feeds = [{"id": f.id, "url": f.url, "title": f.title, "active": f.active,
                  "health": feed_health(f), "interval_s": f.interval_s,
                  "error_count": f.error_count, "last_error": f.last_error,
                  "last_error_at": iso(f.last_error_at), "last_new_at": iso(f.last_new_at),
                  "last_checked_at": iso(f.last_checked_at),
                  "next_check_at": iso(f.next_check_at)} for f in store.list_feeds(src.id)]
        out.append({"id": src.id, "name": src.name, "site": src.site, "country": src.country,
                    "language": src.language, "articles": n, "feeds": feeds})
    return out


def record_view(store: Store, article_id: int, now: datetime | None = None) -> None:
    store.record_view(article_id, now or datetime.now(timezone.utc))


def add_feedback(store: Store, article_id: int, kind: str, rating: int | None, text: str,
                 client: str, per_hour: int, now: datetime | None = None) -> int:
    """Store one piece of reader feedback; raises InputError (bad input) or RateLimited."""
    now = now or datetime.now(timezone.utc)
    store.get_article(article_id)  # NotFound for a missing article
    if kind not in FEEDBACK_KINDS:
        raise InputError(f"kind must be one of {', '.join(FEEDBACK_KINDS)}")
    # a control character a form or client sent is nothing a reader wrote (and a NUL is
    # no text PostgreSQL can hold)
    text = drop_controls(text or "").strip()
    if len(text) > MAX_FEEDBACK_TEXT:
        raise InputError(f"text is over {MAX_FEEDBACK_TEXT} characters")
    if kind == "rating":
        if rating is None or not 1 <= int(rating) <= 5:
            raise InputError("a rating is a whole number from 1 to 5")
    elif not text:
        raise InputError(f"{'an error report' if kind == 'error' else 'a comment'} needs some text")
    if store.count_feedback_since(client, now - timedelta(hours=1)) >= per_hour:
        raise RateLimited(f"at most {per_hour} feedback posts an hour; try again later")
    return store.add_feedback(Feedback(article_id=article_id, kind=kind,
                                       rating=int(rating) if rating is not None else None,
                                       text=text, client=client, created_at=now))


class RateLimited(InputError):
    pass


def feedback_rows(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    return [{"id": f.id, "article_id": f.article_id, "kind": f.kind, "rating": f.rating,
             "text": f.text, "status": f.status, "created_at": iso(f.created_at)}
            for f in store.list_feedback(status)]


def distinct_spellings(name: str, aliases: list[str]) -> list[str]:
    """The aliases a reader can tell apart: one of those that differ only in case or dots
    (`Apple Inc` / `Apple Inc.`: the longest), none that is the name itself so written. The
    store keeps them all: re-enrichment tells an entity's successor by them."""
    def plain(text: str) -> str:
        return " ".join(text.replace(".", "").casefold().split())

    best: dict[str, str] = {}
    for alias in aliases:
        key = plain(alias)
        if key != plain(name) and len(alias) > len(best.get(key, "")):
            best[key] = alias
    return sorted(best.values())


# Words that place a role in the sentence's time or text, not the entity's: on the entity's
# page `the Apple Chief Executive Officer` and `current Apple CEO` are `Apple ...`.
_ROLE_LEAD = re.compile(r"^(?:(?:the|a|an|current|now|then)\s+)+", re.IGNORECASE)


def distinct_roles(roles: list[str]) -> list[str]:
    """The roles a reader can tell apart, in the order first seen: less the sentence's own
    `the`/`current`, one of those that differ only in case, and no one-word role that a
    longer one holds (`CEO` beside `Apple CEO`; `former Apple CEO` stays beside `Apple CEO`).
    The store keeps them all."""
    plain = [_ROLE_LEAD.sub("", r).strip() for r in roles]
    words = {w for p in plain if " " in p for w in p.casefold().split()}
    out: dict[str, str] = {}
    for role in plain:
        if role and role.casefold() not in out and (" " in role or role.casefold() not in words):
            out[role.casefold()] = role
    return list(out.values())


def entity_view(store: Store, entity_id: int) -> dict[str, Any]:
    """Who or what it is, the roles seen, mentions over time, quotes by them, companions."""
    e = store.get_entity(entity_id)
    articles = store.list_articles(ArticleFilter(entity_id=entity_id, limit=50))
    return {
        "id": e.id, "name": e.name, "type": e.type, "aliases": distinct_spellings(e.name, e.aliases),
        "roles": distinct_roles(e.roles),
        "mentions_by_day": [{"day": d, "mentions": n}
                            for d, n in store.entity_mentions_by_day(entity_id)],
        "quotes": [_stored_quote(sq) for sq in store.search_quotes(entity_id=entity_id,
                                                                   limit=50)],
        "related_entities": [{"id": o.id, "name": o.name, "type": o.type, "articles": n}
                             for o, n in store.cooccurring_entities(entity_id, 12)],
        "articles": [article_brief(a) for a in articles],
    }


def _stored_quote(sq) -> dict[str, Any]:
    q = sq.quote
    return {"text": q.text, "kind": q.kind, "cue": q.cue,
            "speaker": {"name": q.speaker, "entity_id": q.speaker_entity_id},
            "speaker_role": q.speaker_role, "said_to": q.said_to,
            "article": {"id": sq.article_id, "title": sq.article_title,
                        "source": sq.source_name, "published_at": iso(sq.published_at)}}


def quote_search(store: Store, speaker: str, text: str, limit: int = 50,
                 offset: int = 0) -> tuple[list[dict[str, Any]], int | None]:
    """What has X said about Y: direct quotes whose speaker matches and whose text has Y;
    asked nothing, the latest quotes. With the offset of the next page, None at the end."""
    if not speaker.strip() and not text.strip():
        found = store.latest_quotes(limit + 1, offset=offset)
    else:
        found = store.search_quotes(speaker=speaker.strip(), text=text.strip(),
                                    limit=limit + 1, offset=offset, direct=True)
    more = offset + limit if len(found) > limit else None
    return [_stored_quote(sq) for sq in found[:limit]], more


def mentions_chart(by_day: list[dict[str, Any]], width: int = 600,
                   height: int = 120) -> dict[str, Any]:
    """Mentions per month as bars for an inline SVG (the page needs no JavaScript)."""
    months: dict[str, int] = {}
    for row in by_day:
        months[row["day"][:7]] = months.get(row["day"][:7], 0) + row["mentions"]
    if not months:
        return {"bars": [], "width": width, "height": height}
    keys = sorted(months)
    # Fill empty months between the first and the last so gaps show as gaps.
    y0, m0 = map(int, keys[0].split("-"))
    y1, m1 = map(int, keys[-1].split("-"))
    span = [f"{y:04d}-{m:02d}" for y, m in
            ((y0 + (m0 - 1 + i) // 12, (m0 - 1 + i) % 12 + 1)
             for i in range((y1 - y0) * 12 + m1 - m0 + 1))]
    top = max(months.values())
    bar_w = max(2.0, width / len(span))
    bars = [{"month": k, "mentions": months.get(k, 0), "x": round(i * bar_w, 1),
             "w": round(max(1.0, bar_w - 1), 1),
             "h": round((height - 20) * months.get(k, 0) / top, 1)}
            for i, k in enumerate(span)]
    return {"bars": bars, "width": round(len(span) * bar_w), "height": height,
            "first": span[0], "last": span[-1], "max": top}
