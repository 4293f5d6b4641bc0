"""The one place that runs the stages in order over articles.

    RawItem --extract--> RawItem with blocks --normalise--> Article --dedup/store--> id
        --enrich stages (who, summary, section, story, ...)--> results in the store

`newsdesk ingest`, `newsdesk poll`, `newsdesk enrich` and the Celery workers all call these
functions, so one code path is tested and distributed alike. Each enrich stage declares a
name and a version; `stage_runs` in the store records which version ran on which article (and
its error), so re-running only does what changed, and a failure stays with its article.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable, Sequence

from .errors import InputError, is_transient
from .extract import extract
from .models import Article, Failed, IngestResult, RawItem
from .normalise import to_article
from .store.base import ArticleFilter, Store

log = logging.getLogger("newsdesk.pipeline")


@dataclass(slots=True)
class Stage:
    """An enrichment stage: runs over a batch of stored articles and stores what it finds.

    `run(store, articles)` must be idempotent and write each article's results in one
    transaction; a raised exception fails the batch, which is then retried one article at a
    time so that the error is recorded on the article that caused it.
    """

    name: str
    version: int
    run: Callable[[Store, list[Article]], None]
    requires: tuple[str, ...] = ()


@dataclass(slots=True)
class IngestReport:
    results: list[IngestResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def new_ids(self) -> list[int]:
        return [r.article_id for r in self.results if r.status == "new" and r.article_id]

    def summary_line(self) -> str:
        return (f"{self.count('new')} new, {self.count('duplicate')} duplicate, "
                f"{self.count('failed')} failed")


def default_stages() -> list[Stage]:
    """The enrichment stages in the order they run (each after those it requires)."""
    from .enrich.stages import enrich_stages
    from .search.stage import search_stages
    from .stories.stage import story_stages

    stages = enrich_stages() + search_stages() + story_stages()
    seen: set[str] = set()
    for stage in stages:  # the order is checked once, at start, as spaCy does
        missing = [r for r in stage.requires if r not in seen]
        if missing:
            raise RuntimeError(f"stage {stage.name} needs {missing} to run before it")
        seen.add(stage.name)
    return stages


def prepare(item: RawItem, now: datetime | None = None) -> Article:
    """Extract and normalise one item; raises InputError with the reason when it cannot."""
    return to_article(extract(item), now)


def store_article(store: Store, article: Article) -> IngestResult:
    """Store one article unless it is already there (same canonical URL or same text)."""
    origin = article.url
    dup = store.find_duplicate(article.url, article.content_hash)
    if dup is not None:
        return IngestResult(origin, "duplicate", dup)
    try:
        aid = store.add_article(article)
    except Exception:
        # Another process may have stored the same article between our check and insert.
        dup = store.find_duplicate(article.url, article.content_hash)
        if dup is None:
            raise
        return IngestResult(origin, "duplicate", dup)
    log.info("article stored article_id=%s url=%s", aid, article.url)
    return IngestResult(origin, "new", aid)


def ingest_items(store: Store, items: Iterable[RawItem | Failed], *, enrich: bool = True,
                 stages: Sequence[Stage] | None = None, batch_size: int = 32,
                 on_result: Callable[[IngestResult], None] | None = None) -> IngestReport:
    """Store each item in its own transaction, then enrich the new ones batch by batch."""
    report = IngestReport()
    pending: list[int] = []
    if enrich and stages is None:
        stages = default_stages()
    for item in items:
        if isinstance(item, Failed):
            result = IngestResult(item.origin, "failed", error=item.reason)
        else:
            try:
                result = store_article(store, prepare(item))
                result.origin = item.origin
            except InputError as exc:
                result = IngestResult(item.origin, "failed", error=str(exc) or type(exc).__name__)
        report.results.append(result)
        if on_result:
            on_result(result)
        if result.status == "failed":
            # info, not warning: the report carries every failure and `ingest` prints them
            log.info("ingest failed origin=%s error=%s", result.origin, result.error)
        if enrich and result.status == "new":
            pending.append(result.article_id)
            if len(pending) >= batch_size:
                enrich_articles(store, pending, stages)
                pending = []
    if enrich and pending:
        enrich_articles(store, pending, stages)
    return report


TRANSIENT_TRIES = 4  # a busy database is tried again after 0.2, 0.4 and 0.8 s


def _run_once(store: Store, stage: Stage, articles: list[Article]) -> None:
    """stage.run, tried again while the database says it is busy or locked."""
    for attempt in range(TRANSIENT_TRIES):
        try:
            stage.run(store, articles)
            return
        except Exception as exc:
            if not is_transient(exc) or attempt == TRANSIENT_TRIES - 1:
                raise
            time.sleep(0.2 * 2 ** attempt)


def _run_stage(store: Store, stage: Stage, articles: list[Article]) -> dict[int, Exception]:
    """Run a stage over a batch; on failure isolate the article(s) at fault."""
    errors: dict[int, Exception] = {}
    try:
        _run_once(store, stage, articles)
        return errors
    except Exception:
        if len(articles) == 1:
            raise
    for article in articles:
        try:
            _run_once(store, stage, [article])
        except Exception as exc:  # the error belongs to this article; the others go on
            errors[article.id] = exc
            log.warning("stage failed stage=%s article_id=%s error=%s: %s", stage.name,
                        article.id, type(exc).__name__, exc,
                        exc_info=log.isEnabledFor(logging.DEBUG))
    return errors


def enrich_articles(store: Store, ids: Sequence[int], stages: Sequence[Stage] | None = None,
                    *, only_outdated: bool = False) -> dict[str, int]:
    """Run the stages over these articles; returns failures per stage."""
    stages = list(stages) if stages is not None else default_stages()
    failures: dict[str, int] = {}
    for stage in stages:
        todo = list(ids)
        if only_outdated:
            want = set(store.articles_needing(stage.name, stage.version, limit=10**9))
            todo = [i for i in todo if i in want]
        if not todo:
            continue
        articles = store.list_articles(ArticleFilter(ids=todo, order="id", limit=len(todo)))
        try:
            errors = _run_stage(store, stage, articles)
        except Exception as exc:
            errors = {articles[0].id: exc}
            log.warning("stage failed stage=%s article_id=%s error=%s: %s", stage.name,
                        articles[0].id, type(exc).__name__, exc)
        for article in articles:
            exc = errors.get(article.id)
            if exc is not None and is_transient(exc):
                continue  # still busy after retries: left outdated, so the next run takes it
            store.record_stage(article.id, stage.name, stage.version,
                               f"{type(exc).__name__}: {exc}" if exc is not None else "")
        failures[stage.name] = len(errors)
    return failures


def outdated_ids(store: Store, stages: Sequence[Stage]) -> list[int]:
    """Articles on which some stage has not run at its current version."""
    ids: set[int] = set()
    for stage in stages:
        ids.update(store.articles_needing(stage.name, stage.version, limit=10**9))
    return sorted(ids)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
