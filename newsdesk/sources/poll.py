"""Polling feeds like a good citizen.

One pass (`poll_once`) takes the feeds that are due and, for each feed: conditional GET; on
new entries, the full text of those that only carry a teaser; articles for what is new; then
the feed's state: validators, the next check time from an interval that follows how often
the feed publishes, or a backoff on errors.

The work of a pass is split three ways, because one Python process cannot do it all at once:
- feed threads (`PollSettings.workers`) do the network, under the fetcher's per-host limits;
- a pool of worker processes (`PollSettings.processes`, 2 on a 2-core machine) does the CPU
  half: parsing feeds, extracting pages and preparing articles (`pipeline.prepare`). Profiled
  in threads, page extraction was ~80% of a changed feed's CPU and the GIL serialised it;
- the thread that called `poll_once` does every store read and write (`pipeline.store_article`,
  the feed's state), so a pass opens no connection of its own (one per feed thread used to
  pile up pass after pass) and SQLite's writers do not queue on each other's locks.
With a Celery app (`celery=`), new entries are sent to the `newsdesk.ingest` queue instead of
stored here; the feed's own state is still saved by the poller.

A stop (SIGINT/SIGTERM, see `stop_on_signals`) lets a feed that is already storing finish and
abandons the others before they write anything, so nothing is half stored: a feed whose
state was not saved is simply due again next time, and its articles are deduplicated.
"""
from __future__ import annotations

import logging
import multiprocessing
import queue
import random
import re
import signal
import statistics
import threading
from collections import defaultdict
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from ..errors import FetchError, InputError
from ..models import Article, Feed, IngestResult, RawItem
from ..normalise import canonical_url, plain_text
from ..store.base import Store
from .feeds import parse_feed
from .fetch import Fetched, Fetcher, fetch, robots_allowed

log = logging.getLogger("newsdesk.poll")
WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PollSettings:
    workers: int = 64  # feed threads (network; they wait on hosts' delays, not on CPU)
    processes: int = 2  # worker processes for parsing and extraction; 0: in the feed threads
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
    # "new" | "queued" | "unchanged" | "not-modified" | "error" | "retired" | "stopped"
    status: str
    new: int = 0  # articles stored, or entries sent to the workers
    error: str = ""
    new_ids: tuple[int, ...] = ()  # stored here (none when they went to the workers)


@dataclass(frozen=True, slots=True)
class _Pass:
    """What the feed threads of one pass share."""

    f: Fetcher
    s: PollSettings
    now: datetime | None
    cpu: Executor | None  # None: CPU work in the feed thread itself
    calls: queue.Queue  # store work for the calling thread: (function, args, Future) or None
    celery: Any = None


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


# -- an entry's page: fetched in a feed thread, read in a worker process ----------------------
def page_for(f: Fetcher, item: RawItem, s: PollSettings, now: datetime) -> Fetched | None:
    """The page behind an entry that is only a teaser (or has a wrong date), else None.

    Pages that robots.txt closes to us, or that fail, give None: the entry stays as it came.
    """
    if not item.url.startswith(("http://", "https://")):
        return None
    if (_words(plain_text(item.html or item.summary)) >= s.full_entry_words
            and not date_is_wrong(item.published_at, now)):
        return None
    try:
        if not robots_allowed(f, item.url):
            log.info("robots.txt disallows %s", item.url)
            return None
        return fetch(f, item.url, kind="page")
    except FetchError as exc:
        log.info("no full text for %s: %s", item.url, exc)
        return None


def with_page(item: RawItem, page: Fetched | None, s: PollSettings, now: datetime) -> RawItem:
    """The entry with its page's text when the entry is only a teaser; its date corrected.

    The entry's own text is measured against the page's: the page wins only when it says
    much more, so a feed that carries whole articles never loses them to a page's chrome.
    """
    if page is None:
        return _dated(item, None, now)
    from ..extract import extract  # imported late: the feed threads never need it

    teaser = plain_text(item.html or item.summary)
    entry_words = _words(teaser)
    try:
        html = page.content.decode(_charset(page.content_type) or "utf-8", "replace")
        got = extract(RawItem(origin=page.final_url, kind="html", html=html, url=item.url))
    except (LookupError, InputError) as exc:  # LookupError: a charset Python does not know
        log.info("no full text for %s: %s", item.url, exc)
        return _dated(item, None, now)
    page_words = sum(_words(b.text) for b in got.blocks if b.kind == "paragraph")
    if page_words <= max(entry_words * s.teaser_ratio, entry_words + 40):
        return _dated(item, got.published_at, now)
    # A record with blocks: extract keeps them as they are (the page was extracted above).
    full = replace(item, kind="record", html="", blocks=got.blocks,
                   summary=item.summary or teaser, byline=item.byline or got.byline,
                   media=item.media or got.media, title=item.title or got.title)
    return _dated(full, got.published_at, now)


def finish_entry(item: RawItem, page: Fetched | None, s: PollSettings,
                 now: datetime) -> tuple[RawItem, Article | None, str]:
    """The CPU half of a new entry (in a worker process): (item, its article or None, error)."""
    from ..pipeline import prepare

    item = with_page(item, page, s, now)
    try:
        return item, prepare(item), ""
    except InputError as exc:
        return item, None, str(exc) or type(exc).__name__


def _dated(item: RawItem, page_date: datetime | None, now: datetime) -> RawItem:
    """The page's own date wins over a feed date that is clearly wrong; else first seen."""
    if date_is_wrong(item.published_at, now):
        item.published_at = page_date if not date_is_wrong(page_date, now) else now
    return item


def _charset(content_type: str) -> str:
    m = re.search(r"charset=([\w.:-]+)", content_type, re.I)
    return m.group(1) if m else ""


# -- the store's half: run on the thread that called poll_once -----------------------------
def _new_entries(store: Store, feed: Feed, items: list[RawItem]) -> list[RawItem]:
    """Entries neither seen on this feed before nor already stored from elsewhere."""
    source = store.get_source(feed.source_id) if feed.source_id else None
    seen = store.seen_entries(feed.id, {canonical_url(i.url) for i in items} - {""})
    new = []
    for item in items:
        url = canonical_url(item.url)
        if not url or url in seen or store.find_duplicate(url, "") is not None:
            continue
        seen.add(url)
        item.feed_id = feed.id
        if source is not None:
            item.source_name, item.source_site = source.name, source.site or item.source_site
        new.append(item)
    return new


def _store_entries(store: Store, feed: Feed, done: list[tuple[RawItem, Article | None, str]],
                   now: datetime, celery: Any) -> tuple[int, tuple[int, ...]]:
    """Store (or send to the workers) what became an article; returns (count, new ids)."""
    ok = [(item, article) for item, article, _ in done if article is not None]
    for item, _, error in done:
        if error:
            log.warning("ingest failed origin=%s error=%s", item.origin, error)
    if celery is not None:
        from ..worker import enqueue_items

        count, new_ids = enqueue_items(celery, [item for item, _ in ok]), ()
    else:
        from ..pipeline import store_article

        results: list[IngestResult] = [store_article(store, article) for _, article in ok]
        new_ids = tuple(r.article_id for r in results if r.status == "new" and r.article_id)
        count = len(new_ids)
    # Stored, a duplicate or sent on: done with for good. A failure (no text) is retried later.
    store.mark_entries_seen(feed.id, [canonical_url(item.url) for item, _ in ok], now)
    return count, new_ids


def _moved(store: Store, feed: Feed, new_url: str) -> None:
    """Follow a permanent redirect, unless another feed already has that URL."""
    if new_url and new_url != feed.url:
        if any(other.url == new_url for other in store.list_feeds()):
            log.warning("feed %s moved to %s, which is already a feed", feed.url, new_url)
        else:
            log.info("feed %s moved permanently to %s", feed.url, new_url)
            feed.url = new_url


def _checked(store: Store, feed: Feed, got: Fetched, title: str,
             done: list[tuple[RawItem, Article | None, str]], now: datetime, s: PollSettings,
             celery: Any) -> FeedOutcome:
    """A successful check: its articles and the feed's new state, stored together."""
    count, new_ids = _store_entries(store, feed, done, now, celery) if done else (0, ())
    _moved(store, feed, got.moved_to)
    feed.title = title
    feed.etag, feed.last_modified = got.etag, got.last_modified
    feed.error_count = 0
    feed.last_checked_at = now
    feed.interval_s = next_interval(feed, [i.published_at for i, _, _ in done], count, s)
    feed.next_check_at = now + _jitter(feed.interval_s)
    out = FeedOutcome(feed.id, feed.url, "not-modified" if got.not_modified else "unchanged")
    if count:
        feed.last_new_at = now
        out.status = "queued" if celery is not None else "new"
        out.new, out.new_ids = count, new_ids
    store.save_feed(feed)
    return out


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


# -- one feed, in a feed thread ---------------------------------------------------------------
def _db(p: _Pass, fn: Callable, *args: Any) -> Any:
    """Run `fn(store, *args)` on the thread that serves the store, and wait for its result."""
    done: Future = Future()
    p.calls.put((fn, args, done))
    return done.result()


def _cpu(p: _Pass, fn: Callable, *args: Any) -> Future:
    if p.cpu is not None:
        return p.cpu.submit(fn, *args)
    done: Future = Future()
    done.set_result(fn(*args))
    return done


def poll_feed(p: _Pass, feed: Feed) -> FeedOutcome:
    """Check one feed and store what is new; every failure stays on this feed."""
    f, s = p.f, p.s
    now = p.now or utcnow()
    try:
        got = fetch(f, feed.url, kind="feed", etag=feed.etag, last_modified=feed.last_modified)
        done: list[tuple[RawItem, Article | None, str]] = []
        title = feed.title
        if not got.not_modified:
            parsed = _cpu(p, parse_feed, got.content, feed.url).result()
            title = feed.title or parsed.title
            items = _db(p, _new_entries, feed, parsed.items) if parsed.items else []
            pages = [page_for(f, item, s, now) if s.full_text else None for item in items]
            work = [_cpu(p, finish_entry, item, page, s, now) for item, page in zip(items, pages)]
            done = [w.result() for w in work]
    except (FetchError, InputError) as exc:
        if f.stop.is_set():
            return FeedOutcome(feed.id, feed.url, "stopped")
        status = _failed(feed, exc, now, s)
        _db(p, lambda store: store.save_feed(feed))
        log.warning("feed failed feed_id=%s url=%s error=%s", feed.id, feed.url, feed.last_error)
        return FeedOutcome(feed.id, feed.url, status, error=feed.last_error)
    if f.stop.is_set():
        return FeedOutcome(feed.id, feed.url, "stopped")
    # From here on the feed is stored to the end, even if a stop arrives meanwhile.
    return _db(p, _checked, feed, got, title, done, now, s, p.celery)


def _safe_poll(p: _Pass, feed: Feed) -> FeedOutcome:
    try:
        if p.f.stop.is_set():
            return FeedOutcome(feed.id, feed.url, "stopped")
        return poll_feed(p, feed)
    except Exception as exc:  # a bug, a store error or a dead worker process: this feed only
        log.exception("feed crashed feed_id=%s url=%s", feed.id, feed.url)
        return FeedOutcome(feed.id, feed.url, "error", error=f"{type(exc).__name__}: {exc}")
    finally:
        p.calls.put(None)  # this feed needs the store no more


# -- a pass -----------------------------------------------------------------------------------
def _serve_store(store: Store, calls: queue.Queue, feeds: int, stop: threading.Event) -> None:
    """Run the feed threads' store work on this thread until every feed is done."""
    finished, current = 0, None
    try:
        while finished < feeds:
            current = calls.get()
            if current is None:
                finished += 1
                continue
            fn, args, done = current
            try:
                done.set_result(fn(store, *args))
            except Exception as exc:
                done.set_exception(exc)
    except BaseException:
        # Interrupted (Ctrl-C in an interactive caller): every feed still running is stopped
        # and its store work refused, so that the threads end without writing.
        stop.set()
        refused = FetchError("stopped")
        if current is not None and not current[2].done():
            current[2].set_exception(refused)
        while finished < feeds:
            call = calls.get()
            if call is None:
                finished += 1
            else:
                call[2].set_exception(refused)
        raise


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the poller's to handle


def cpu_pool(processes: int) -> ProcessPoolExecutor:
    """Worker processes for parsing and extraction, forked from a server that has imported
    them already (a fresh interpreter per worker would spend ~2 s importing trafilatura, and
    forking the threaded poller itself is unsafe)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__, "newsdesk.pipeline", "trafilatura"])
    return ProcessPoolExecutor(processes, mp_context=ctx, initializer=_quiet_worker)


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


def poll_once(store: Store, f: Fetcher, s: PollSettings = PollSettings(),
              now: datetime | None = None, *, celery: Any = None) -> list[FeedOutcome]:
    """One pass over the feeds due at `now` (default: the clock at each feed's check).

    With `celery` (an app from `worker.make_celery`), new entries go to the workers' ingest
    queue instead of the store.
    """
    feeds = _by_host_round_robin(store.due_feeds(now or utcnow(), limit=s.batch))
    if not feeds:
        return []
    calls: queue.Queue = queue.Queue()
    with (cpu_pool(s.processes) if s.processes else nullcontext()) as cpu, \
            ThreadPoolExecutor(max_workers=min(s.workers, len(feeds)),
                               thread_name_prefix="poll") as threads:
        p = _Pass(f, s, now, cpu, calls, celery)
        running = [threads.submit(_safe_poll, p, feed) for feed in feeds]
        _serve_store(store, calls, len(feeds), f.stop)
        return [r.result() for r in running]


def poll_forever(store: Store, f: Fetcher, s: PollSettings = PollSettings(),
                 idle_s: float = 30.0, on_pass=None, *, celery: Any = None) -> None:
    """Pass after pass until `f.stop` is set; sleeps while nothing is due."""
    while not f.stop.is_set():
        outcomes = poll_once(store, f, s, celery=celery)
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
