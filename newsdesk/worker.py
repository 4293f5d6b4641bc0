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

log = logging.getLogger("newsdesk.worker")
INGEST_QUEUE = "ingest"


def make_celery(broker: str) -> Celery:
    app = Celery("newsdesk", broker=broker)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=INGEST_QUEUE,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        # Redis redelivers unacknowledged tasks only after this many seconds.
        broker_transport_options={"visibility_timeout": int(
            os.environ.get("NEWSDESK_VISIBILITY_TIMEOUT", "600"))},
        task_ignore_result=True,
    )
    app.task(name="newsdesk.ingest", bind=True, max_retries=MAX_RETRIES)(retrying(ingest_task))
    app.task(name="newsdesk.stage", bind=True, max_retries=MAX_RETRIES)(retrying(stage_task))
    return app


# A task that fails is acknowledged and its message gone, so an unreachable or busy database
# (a PostgreSQL restart or fail-over, SQLite's writer lock held past its timeout) is retried
# with a fresh connection, waiting 1, 2, 4 ... 60 s: about nine minutes in all.
MAX_RETRIES = 12


def _transient() -> tuple[type[BaseException], ...]:
    import sqlite3

    import psycopg

    return (psycopg.OperationalError, sqlite3.OperationalError)


def retrying(fn):
    @functools.wraps(fn)
    def run(task, *args):
        try:
            return fn(task, *args)
        except _transient() as exc:
            log.warning("store unavailable (%s); retry %d of %d", exc, task.request.retries + 1,
                        MAX_RETRIES)
            _store().close()  # its connections may be dead; the next use opens new ones
            raise task.retry(exc=exc, countdown=min(2 ** task.request.retries, 60))
    return run


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
def ingest_task(task, item: dict[str, Any]) -> dict[str, Any]:
    """Store one item (idempotent: a redelivered item is a duplicate), then queue enrichment."""
    from .errors import InputError
    from .pipeline import prepare, store_article

    store = _store()
    raw = item_from_json(item)
    try:
        result = store_article(store, prepare(raw))
    except InputError as exc:
        log.warning("ingest failed origin=%s error=%s", raw.origin, exc)
        return {"origin": raw.origin, "status": "failed", "error": str(exc)}
    stages = _stages()
    if stages:
        # A duplicate may be a redelivery whose stages never ran: send it on too; each stage
        # skips what it has already done.
        task.app.send_task("newsdesk.stage", args=[[result.article_id], stages[0].name],
                           queue=stages[0].name)
    return {"origin": raw.origin, "status": result.status, "article_id": result.article_id}


def stage_task(task, article_ids: list[int], stage_name: str) -> dict[str, Any]:
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
        task.app.send_task("newsdesk.stage", args=[article_ids, names[nxt]], queue=names[nxt])
    return {"stage": stage_name, "ran": len(todo), "skipped": len(done),
            "failed": failures.get(stage_name, 0)}


# -- producers --------------------------------------------------------------------------------
def enqueue_items(app: Celery, items: Iterable[RawItem]) -> int:
    n = 0
    for item in items:
        app.send_task("newsdesk.ingest", args=[item_to_json(item)], queue=INGEST_QUEUE)
        n += 1
    return n


def all_queues() -> list[str]:
    return [INGEST_QUEUE] + [s.name for s in _stages()]
