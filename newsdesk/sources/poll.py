"""Polling feeds like a good citizen.

One pass (`poll_once`) takes the feeds that are due, fetches them on a thread pool under the
fetcher's per-host limits, and for each feed: conditional GET; on new entries, the full text
of those that only carry a teaser; the articles go through `pipeline.ingest_items` (the one
code path every input takes); then the feed's state is saved: validators, the next check
time from an interval that follows how often the feed publishes, or a backoff on errors.

A stop (SIGINT/SIGTERM, see `stop_on_signals`) lets a feed that is already storing finish and
abandons the others before they write anything, so nothing is half stored: a feed whose
state was not saved is simply due again next time, and its articles are deduplicated.
"""
from __future__ import annotations

import logging
import random
import re
import signal
import statistics
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Iterator
from urllib.parse import urlsplit

from ..errors import FetchError, InputError
from ..models import Feed, RawItem
from ..normalise import canonical_url, plain_text
from ..store.base import Store
from .fetch import Fetcher, fetch, robots_allowed
from .feeds import parse_feed

log = logging.getLogger("newsdesk.poll")
WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PollSettings:
    workers: int = 8
    batch: int = 500  # due feeds taken per pass
    min_interval_s: int = 15 * 60
    max_interval_s: int = 24 * 3600
    max_backoff_s: int = 7 * 24 * 3600
    full_text: bool = True
    # An entry this long is taken as the whole article without fetching its page.
    full_entry_words: int = 400
    # The page's text replaces the entry's when it is this many times longer.
    teaser_ratio: float = 2.0


@dataclass(slots=True)
class FeedOutcome:
    feed_id: int
    url: str
    status: str  # "new" | "unchanged" | "not-modified" | "error" | "retired" | "stopped"
    new: int = 0
    error: str = ""
    new_ids: tuple[int, ...] = ()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _clamp(value: float, low: float, high: float) -> int:
    return int(min(max(value, low), high))


def next_interval(feed: Feed, entry_times: list[datetime], new: int, s: PollSettings) -> int:
    """How long to wait before the next check, from how often the feed publishes.

    With new entries: half the median gap between the latest entries (check about twice per
    item), or half the current interval when the entries carry no dates. Without: the
    interval grows by half, so a quiet feed drifts toward `max_interval_s`.
    """
    if new:
        times = sorted({t for t in entry_times if t}, reverse=True)[:10]
        gaps = [(a - b).total_seconds() for a, b in zip(times, times[1:])]
        target = statistics.median(gaps) / 2 if gaps else feed.interval_s / 2
    else:
        target = feed.interval_s * 1.5
    return _clamp(target, s.min_interval_s, s.max_interval_s)


def backoff_s(error_count: int, s: PollSettings) -> int:
    """Exponential backoff from the minimum interval, capped, with jitter so feeds spread."""
    base = s.min_interval_s * 2 ** min(error_count - 1, 20)
    return _clamp(base * random.uniform(0.9, 1.1), s.min_interval_s, s.max_backoff_s)


def _jitter(seconds: int) -> timedelta:
    return timedelta(seconds=seconds * random.uniform(0.95, 1.05))


def date_is_wrong(value: datetime | None, now: datetime) -> bool:
    """A feed date that cannot be right: missing, in the future, or before feeds existed."""
    return value is None or value > now + timedelta(minutes=10) or value.year < 1995


def _words(text: str) -> int:
    return len(WORD.findall(text))


def with_full_text(f: Fetcher, item: RawItem, s: PollSettings, now: datetime) -> RawItem:
    """The entry with its page's text when the entry is only a teaser; its date corrected.

    The entry's own text is measured against the page's: the page wins only when it says
    much more, so a feed that carries whole articles never loses them to a page's chrome.
    Pages that robots.txt closes to us, or that fail, leave the entry as it came.
    """
    entry_words = _words(plain_text(item.html or item.summary))
    wrong_date = date_is_wrong(item.published_at, now)
    if not item.url.startswith(("http://", "https://")) or (
            entry_words >= s.full_entry_words and not wrong_date):
        return _dated(item, None, now)
    from ..extract import extract  # imported late: it loads a model the poller may not need

    try:
        if not robots_allowed(f, item.url):
            log.info("robots.txt disallows %s", item.url)
            return _dated(item, None, now)
        page = fetch(f, item.url, kind="page")
        html = page.content.decode(_charset(page.content_type) or "utf-8", "replace")
        got = extract(RawItem(origin=page.final_url, kind="html", html=html, url=item.url))
    except (FetchError, InputError) as exc:
        log.info("no full text for %s: %s", item.url, exc)
        return _dated(item, None, now)
    page_words = sum(_words(b.text) for b in got.blocks if b.kind == "paragraph")
    if page_words <= max(entry_words * s.teaser_ratio, entry_words + 40):
        return _dated(item, got.published_at, now)
    teaser = plain_text(item.html or item.summary)
    # A record with blocks: extract keeps them as they are (the page was extracted above).
    full = replace(item, kind="record", html="", blocks=got.blocks,
                   summary=item.summary or teaser, byline=item.byline or got.byline,
                   media=item.media or got.media, title=item.title or got.title)
    return _dated(full, got.published_at, now)


def _dated(item: RawItem, page_date: datetime | None, now: datetime) -> RawItem:
    """The page's own date wins over a feed date that is clearly wrong; else first seen."""
    if date_is_wrong(item.published_at, now):
        item.published_at = page_date if not date_is_wrong(page_date, now) else now
    return item


def _charset(content_type: str) -> str:
    m = re.search(r"charset=([\w.:-]+)", content_type, re.I)
    return m.group(1) if m else ""


def _failed(feed: Feed, exc: Exception, now: datetime, s: PollSettings) -> str:
    """Record a failed check on the feed; returns the outcome's status."""
    status = getattr(exc, "status", None)
    feed.last_checked_at = now
    feed.last_error_at = now
    if status == 410:
        feed.active = False
        feed.last_error = "HTTP 410 Gone: the feed was removed; it is retired"
        return "retired"
    feed.error_count += 1
    feed.last_error = str(exc)[:500] or type(exc).__name__
    retry_after = getattr(exc, "retry_after", None)
    if status in (429, 503) and retry_after is not None:
        wait = _clamp(retry_after, 60, s.max_backoff_s)
        feed.last_error += f" (Retry-After {int(retry_after)}s)"
    else:
        wait = backoff_s(feed.error_count, s)
    feed.next_check_at = now + timedelta(seconds=wait)
    return "error"


def _moved(store: Store, feed: Feed, new_url: str) -> None:
    """Follow a permanent redirect, unless another feed already has that URL."""
    if new_url and new_url != feed.url:
        if any(other.url == new_url for other in store.list_feeds()):
            log.warning("feed %s moved to %s, which is already a feed", feed.url, new_url)
        else:
            log.info("feed %s moved permanently to %s", feed.url, new_url)
            feed.url = new_url


def poll_feed(store: Store, f: Fetcher, feed: Feed, s: PollSettings,
              now: datetime | None = None) -> FeedOutcome:
    """Check one feed and store what is new; every failure stays on this feed."""
    now = now or utcnow()
    out = FeedOutcome(feed.id, feed.url, "not-modified")
    try:
        got = fetch(f, feed.url, kind="feed", etag=feed.etag, last_modified=feed.last_modified)
        items: list[RawItem] = []
        title = feed.title
        if not got.not_modified:
            parsed = parse_feed(got.content, feed.url)
            title = feed.title or parsed.title
            source = store.get_source(feed.source_id) if feed.source_id else None
            urls = {canonical_url(i.url) for i in parsed.items} - {""}
            seen = store.seen_entries(feed.id, urls)
            for item in parsed.items:
                url = canonical_url(item.url)
                if not url or url in seen or store.find_duplicate(url, "") is not None:
                    continue
                seen.add(url)
                item.feed_id = feed.id
                if source is not None:
                    item.source_name, item.source_site = source.name, source.site or item.source_site
                items.append(item)
            if s.full_text:
                items = [with_full_text(f, item, s, now) for item in items]
            else:
                items = [_dated(item, None, now) for item in items]
            out.status = "unchanged"
    except (FetchError, InputError) as exc:
        if f.stop.is_set():
            return FeedOutcome(feed.id, feed.url, "stopped")
        out.status, out.error = _failed(feed, exc, now, s), feed.last_error
        store.save_feed(feed)
        log.warning("feed failed feed_id=%s url=%s error=%s", feed.id, feed.url, out.error)
        return out
    if f.stop.is_set():
        return FeedOutcome(feed.id, feed.url, "stopped")
    # From here on the feed is stored to the end, even if a stop arrives meanwhile.
    from ..pipeline import ingest_items

    report = ingest_items(store, items, enrich=False) if items else None
    new_ids = tuple(report.new_ids) if report else ()
    if report:
        # Stored or a duplicate: done with for good. A failure (no text) is retried later.
        store.mark_entries_seen(feed.id, [canonical_url(i.url) for i, r in
                                          zip(items, report.results) if r.status != "failed"], now)
    _moved(store, feed, got.moved_to)
    feed.title = title
    feed.etag, feed.last_modified = got.etag, got.last_modified
    feed.error_count = 0
    feed.last_checked_at = now
    feed.interval_s = next_interval(feed, [i.published_at for i in items], len(new_ids), s)
    feed.next_check_at = now + _jitter(feed.interval_s)
    if new_ids:
        feed.last_new_at = now
        out.status, out.new, out.new_ids = "new", len(new_ids), new_ids
    store.save_feed(feed)
    return out


def _by_host_round_robin(feeds: list[Feed]) -> list[Feed]:
    """Interleave hosts, so workers are not all queued behind one host's delay."""
    by_host: dict[str, list[Feed]] = defaultdict(list)
    for feed in feeds:
        by_host[(urlsplit(feed.url).hostname or "").lower()].append(feed)
    queues = list(by_host.values())
    out: list[Feed] = []
    while queues:
        out.extend(q.pop(0) for q in queues)
        queues = [q for q in queues if q]
    return out


def _safe_poll(store: Store, f: Fetcher, feed: Feed, s: PollSettings,
               now: datetime | None) -> FeedOutcome:
    if f.stop.is_set():
        return FeedOutcome(feed.id, feed.url, "stopped")
    try:
        return poll_feed(store, f, feed, s, now)
    except Exception as exc:  # a bug or a store error on one feed must not stop the others
        log.exception("feed crashed feed_id=%s url=%s", feed.id, feed.url)
        return FeedOutcome(feed.id, feed.url, "error", error=f"{type(exc).__name__}: {exc}")


def poll_once(store: Store, f: Fetcher, s: PollSettings = PollSettings(),
              now: datetime | None = None) -> list[FeedOutcome]:
    """One pass over the feeds due at `now` (default: the clock at each feed's check)."""
    feeds = _by_host_round_robin(store.due_feeds(now or utcnow(), limit=s.batch))
    if not feeds:
        return []
    with ThreadPoolExecutor(max_workers=min(s.workers, len(feeds)),
                            thread_name_prefix="poll") as pool:
        return list(pool.map(lambda feed: _safe_poll(store, f, feed, s, now), feeds))


def poll_forever(store: Store, f: Fetcher, s: PollSettings = PollSettings(),
                 idle_s: float = 30.0, on_pass=None) -> None:
    """Pass after pass until `f.stop` is set; sleeps while nothing is due."""
    while not f.stop.is_set():
        outcomes = poll_once(store, f, s)
        if on_pass is not None:
            on_pass(outcomes)
        if len(outcomes) < s.batch:
            f.stop.wait(idle_s)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` (in the main thread), and are restored afterwards."""
    handler = lambda signum, frame: stop.set()  # noqa: E731
    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def feed_health(feed: Feed) -> str:
    """One word for the sources page: "retired", "failing", "waiting" (never checked), "healthy"."""
    if not feed.active:
        return "retired"
    if feed.error_count:
        return "failing"
    return "healthy" if feed.last_checked_at else "waiting"
