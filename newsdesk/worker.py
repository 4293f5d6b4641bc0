"""The distributed pipeline: the same stages as `pipeline.py`, run as Celery tasks.

One queue per step, so that the NLP-heavy stages can run on bigger machines:

    ingest  -> extract, normalise, dedup, store one item        (task `newsdesk.ingest`)
    <stage> -> one enrichment stage over a batch of article ids (task `newsdesk.stage`),
               queue named after the stage ("who", "summary", "section", "story", ...)

After a stage finishes, the task sends the same ids on to the next stage's queue. Tasks are
acknowledged late and rejected when their worker dies (`acks_late`,
`task_reject_on_worker_lost`), so a worker killed with -9 in the middle of a task leaves its
message to be delivered again; every task is idempotent (an item already stored is a
duplicate; a stage already run at its version is skipped), so a redelivery stores nothing
twice. The broker (RabbitMQ or Redis) is NEWSDESK_BROKER; the store is NEWSDESK_DB.

Every queue name (and Celery's control exchange, and Redis's bookkeeping keys) starts with
NEWSDESK_QUEUE_PREFIX, empty by default, so that two pipelines or two test runs can share one
broker without taking each other's tasks.

A producer that wants to know when its items are through (`newsdesk backfill --wait`) sends
them with `notes`: a queue of its own and a token per item. The task that ends an item's run
(the last stage, or ingest when the item cannot be read, or a task that gives up) publishes
{"n": token, "status": ...} there, after its results are committed. Counting the distinct
tokens is exact whatever the broker, unlike queue depths, which leave out the tasks in flight.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
import os
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterable

from celery import Celery

from .models import Block, Credit, Media, RawItem
from .store.base import store_unreachable

log = logging.getLogger("newsdesk.worker")
INGEST_QUEUE = "ingest"


def make_celery(broker: str, queue_prefix: str | None = None) -> Celery:
    """The app; `queue_prefix` defaults to NEWSDESK_QUEUE_PREFIX (empty: the plain names)."""
    if queue_prefix is None:
        queue_prefix = os.environ.get("NEWSDESK_QUEUE_PREFIX", "")
    # Redis redelivers unacknowledged tasks only after this many seconds. Each worker looks
    # for overdue ones every 10 s; kombu 5.7 scans on only every tenth look by default
    # (unacked_restore_throttle), so a killed worker's task waited up to 100 s more (the
    # kill -9 test took 104 s instead of 6). The scan is one index range: do it every time.
    transport: dict[str, Any] = {"visibility_timeout": int(
        os.environ.get("NEWSDESK_VISIBILITY_TIMEOUT", "600")), "unacked_restore_throttle": 1}
    if queue_prefix:
        # Redis keeps every queue's unacknowledged tasks in one hash per database: without
        # these, a worker of another prefix would requeue ours after its own timeout.
        transport.update(unacked_key=queue_prefix + "unacked",
                         unacked_index_key=queue_prefix + "unacked_index",
                         unacked_mutex_key=queue_prefix + "unacked_mutex")
    app = Celery("newsdesk", broker=broker)
    app.conf.update(
        newsdesk_queue_prefix=queue_prefix,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=queue_prefix + INGEST_QUEUE,
        # Remote control (`celery inspect`) and events reach only this prefix's workers.
        control_exchange=queue_prefix + "celery",
        event_exchange=queue_prefix + "celeryev",
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options=transport,
        task_ignore_result=True,
    )
    app.task(name="newsdesk.ingest", bind=True, max_retries=MAX_RETRIES)(retrying(ingest_task))
    app.task(name="newsdesk.stage", bind=True, max_retries=MAX_RETRIES)(retrying(stage_task))
    return app


# A task that fails is acknowledged and its message gone, so an unreachable or busy database
# (a PostgreSQL restart or fail-over, SQLite's writer lock held past its timeout) is retried
# with a fresh connection, waiting 1, 2, 4 ... 60 s: about nine minutes in all.
MAX_RETRIES = 12


def retrying(fn):
    @functools.wraps(fn)
    def run(task, *args, notes=None):
        try:
            return fn(task, *args, notes=notes)
        except Exception as exc:
            if not store_unreachable(exc):  # a fault of the item or of ours: no retry helps
                notify(task.app, notes, "error")
                raise
            if task.request.retries < MAX_RETRIES:
                log.warning("store unavailable (%s); retry %d of %d", exc,
                            task.request.retries + 1, MAX_RETRIES)
                _store().close()  # its connections may be dead; the next use opens new ones
                raise task.retry(exc=exc, countdown=min(2 ** task.request.retries, 60))
            notify(task.app, notes, "error")  # given up: whoever waits must not wait forever
            raise
    return run


# A producer killed while it waited leaves its notes queue; the broker drops it this long
# after its last use (RabbitMQ's x-expires; on Redis, a time to live on the list).
NOTES_EXPIRE_MS = 3_600_000


def notes_queue(name: str):
    """The queue of a waiting producer's notes, declared alike by the producer and the workers
    (RabbitMQ refuses a second declaration with other arguments)."""
    from kombu import Queue

    return Queue(name, queue_arguments={"x-expires": NOTES_EXPIRE_MS})


def notify(app: Celery, notes: list | None, status: str) -> None:
    """Tell the producers waiting on these items that their run has ended (see above)."""
    if not notes:
        return
    with app.producer_or_acquire() as producer:
        for queue, token in notes:
            # The default exchange routes straight to the queue.
            producer.publish({"n": token, "status": status}, exchange="", routing_key=queue,
                             declare=[notes_queue(queue)], serializer="json", retry=True)


@lru_cache(maxsize=1)
def _store():
    """One store per worker process, opened on first use (after the fork)."""
    from .store.base import open_store

    return open_store(os.environ.get("NEWSDESK_DB", "newsdesk.db"))


@lru_cache(maxsize=1)
def _stages():
    from .pipeline import default_stages

    return default_stages()


# -- items as JSON ------------------------------------------------------------------------
def item_to_json(item: RawItem) -> dict[str, Any]:
    data = dataclasses.asdict(item)
    data["published_at"] = item.published_at.isoformat() if item.published_at else None
    return data


def item_from_json(data: dict[str, Any]) -> RawItem:
    data = dict(data)
    if data.get("published_at"):
        data["published_at"] = datetime.fromisoformat(data["published_at"])
    data["blocks"] = [Block(**b) for b in data.get("blocks") or []]
    data["media"] = [Media(url=m.get("url", ""), caption=m.get("caption", ""),
                           credits=[Credit(**c) for c in m.get("credits") or []])
                     for m in data.get("media") or []]
    return RawItem(**data)


# -- tasks ----------------------------------------------------------------------------------
def ingest_task(task, item: dict[str, Any], notes: list | None = None) -> dict[str, Any]:
    """Store one item (idempotent: a redelivered item is a duplicate), then queue enrichment."""
    from .errors import InputError
    from .pipeline import prepare, store_article

    store = _store()
    raw = item_from_json(item)
    try:
        result = store_article(store, prepare(raw))
    except InputError as exc:
        log.warning("ingest failed origin=%s error=%s", raw.origin, exc)
        notify(task.app, notes, "failed")
        return {"origin": raw.origin, "status": "failed", "error": str(exc)}
    stages = _stages()
    if stages:
        # A duplicate may be a redelivery whose stages never ran: send it on too; each stage
        # skips what it has already done.
        task.app.send_task("newsdesk.stage", args=[[result.article_id], stages[0].name],
                           kwargs={"notes": notes}, queue=queue_name(task.app, stages[0].name))
    else:
        notify(task.app, notes, "done")
    return {"origin": raw.origin, "status": result.status, "article_id": result.article_id}


def stage_task(task, article_ids: list[int], stage_name: str,
               notes: list | None = None) -> dict[str, Any]:
    """Run one stage over articles that have not had its current version; then the next."""
    from .pipeline import enrich_articles

    store = _store()
    stages = _stages()
    names = [s.name for s in stages]
    stage = stages[names.index(stage_name)]
    done = {i for i in article_ids
            if any(s.stage == stage.name and s.version == stage.version
                   for s in store.stage_states(i))}
    todo = [i for i in article_ids if i not in done]
    failures = enrich_articles(store, todo, [stage]) if todo else {}
    nxt = names.index(stage_name) + 1
    if nxt < len(stages):
        task.app.send_task("newsdesk.stage", args=[article_ids, names[nxt]],
                           kwargs={"notes": notes}, queue=queue_name(task.app, names[nxt]))
    else:
        notify(task.app, notes, "done")  # after the last stage's commit
    return {"stage": stage_name, "ran": len(todo), "skipped": len(done),
            "failed": failures.get(stage_name, 0)}


# -- producers --------------------------------------------------------------------------------
def enqueue_items(app: Celery, items: Iterable[RawItem], notes_to: str = "",
                  first_token: int = 0) -> int:
    """Send items to the ingest queue; with `notes_to`, item k is announced there as token
    first_token + k when its run ends."""
    n = 0
    for item in items:
        kwargs = {"notes": [[notes_to, first_token + n]]} if notes_to else {}
        app.send_task("newsdesk.ingest", args=[item_to_json(item)], kwargs=kwargs,
                      queue=queue_name(app, INGEST_QUEUE))
        n += 1
    return n


def queue_name(app: Celery | None, name: str) -> str:
    """The broker's name for a pipeline queue ("ingest", a stage): with the app's prefix."""
    prefix = app.conf.get("newsdesk_queue_prefix", "") if app is not None else ""
    return prefix + name


def all_queues(app: Celery | None = None) -> list[str]:
    """Every pipeline queue, as the broker names them for `app` (no prefix without one)."""
    return [queue_name(app, q) for q in [INGEST_QUEUE] + [s.name for s in _stages()]]
