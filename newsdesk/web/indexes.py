"""The derived search indexes one web app keeps: the text ranking index (tantivy) and the
vector index (usearch), both rebuilt from the store whenever they are not in step with it.

An index that is in step opens in milliseconds and is synced in the request that needs it.
A rebuild reads the whole archive: 11.5 minutes for the text index at a million articles.
Done inside a request, as it once was, that reader waited for it, and so did every search
and article page behind it (they share the lock). So a store of more than IN_REQUEST
articles rebuilds in a thread, and until it is done searches and related articles use the
store's own indexes (FTS5 ranking; no meaning search), which answer correctly, only slower.
`building()` names the indexes under way, for the search page to say so. The same goes for
a text index in step with an older state of the store, with more than IN_REQUEST articles
to apply (written while the site was down or nobody searched: 4.3 s for 20,000). (A child process
instead of the thread measured the same on 200,000 articles: search 203 ms and article page
85 ms p50 during the rebuild either way, bench/cold_start.py; so the simpler thread.)
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from ..search import textindex, vectors

log = logging.getLogger(__name__)

# Articles (or vectors) a rebuild may read inside a request: under a second to a few for the
# text index (measured 0.13 ms an article at 200,000 articles, 0.7 ms at a million).
IN_REQUEST = 5_000
RETRY_AFTER = 300.0  # seconds before a failed rebuild is tried again


@dataclass(slots=True)
class _Parts:
    """How one index is opened: loaded from disk, caught up, or rebuilt from the store."""
    wanted: bool  # False: the store ranks this itself (PostgreSQL text, pgvector)
    load: Callable[[], Any]  # the saved index if in step (text: not yet caught up); else None
    backlog: Callable[[Any], int]  # writes it has not applied
    catch_up: Callable[[Any], Any]  # apply them; returns the index
    rebuild: Callable[[], Any]
    size: Callable[[], int]  # what a rebuild would read


def _synced_text(store, ti):
    textindex.sync(store, ti)
    return ti


@dataclass(slots=True)
class _Slot:
    index: Any = None
    opened: bool = False  # index is the answer (None: this store has no such index)
    building: threading.Thread | None = None
    failed_at: float | None = None


class DerivedIndexes:
    """The app's two derived indexes (app.state.indexes). A class because it owns a lock and
    a build thread per index; the functions it calls are textindex's and vectors'."""

    def __init__(self, store, in_request: int = IN_REQUEST):
        self.store = store
        self.in_request = in_request
        # One lock for opening and syncing: usearch must not grow while another thread adds,
        # and tantivy has one writer. Never held while a large index is rebuilt.
        self._lock = threading.Lock()
        self._slots = {"text": _Slot(), "vectors": _Slot()}

    def text(self):
        """The text ranking index, or None (PostgreSQL, or a rebuild or catch-up under way).
        The few articles written since are applied by the search itself (textindex.ranked)."""
        ti = self._get("text", self._text)
        if ti is not None and textindex.backlog(self.store, ti) > self.in_request:
            # written while nobody searched (a backfill, a restart): apply them in a thread,
            # on the same folder (tantivy has one writer; searches meanwhile read the store's)
            store = self.store
            return self._catch_up("text", ti, lambda: _synced_text(store, ti))
        return ti

    def vectors(self):
        """The vector index, synced with vectors written since by any process, or None
        (pgvector ranks in the store, or a rebuild or catch-up under way)."""
        vi = self._get("vectors", self._vectors)
        if vi is not None:
            # (a large backlog is caught up here too: usearch must not grow while a search
            # reads it, and the store's vector sequence spans every model, so what is left
            # for this one is not one query away)
            with self._lock:
                vectors.sync(self.store, vi)
        return vi

    def building(self) -> list[str]:
        """The indexes being rebuilt now."""
        return [name for name, slot in self._slots.items()
                if slot.building is not None and slot.building.is_alive()]

    def start(self) -> None:
        """Open both, starting any rebuild they need (the app's warm-up calls this)."""
        self.text()
        self.vectors()

    def wait(self, timeout: float | None = None) -> None:
        """Until the rebuilds under way are done (for tests and benchmarks)."""
        for slot in self._slots.values():
            if slot.building is not None:
                slot.building.join(timeout)

    # -- one slot ---------------------------------------------------------------------------
    def _text(self) -> _Parts:
        store = self.store
        return _Parts(
            wanted=store.dialect == "sqlite",
            load=lambda: textindex.load_text_index(store, catch_up=False),
            backlog=lambda ti: textindex.backlog(store, ti),
            catch_up=lambda ti: _synced_text(store, ti),
            rebuild=lambda: textindex.rebuild(store, textindex.index_path(store)),
            size=store.count_articles)

    def _vectors(self) -> _Parts:
        store = self.store
        return _Parts(
            wanted=not store.has_pgvector(),
            load=lambda: vectors.load_index(store),  # caught up as it loads
            backlog=lambda vi: 0,
            catch_up=lambda vi: vi,
            rebuild=lambda: vectors.rebuild(store),
            size=lambda: store.embedding_state(vectors.EMBED_MODEL)[0])

    def _get(self, name: str, parts: Callable[[], _Parts]):
        slot = self._slots[name]
        if slot.opened:
            return slot.index
        with self._lock:
            if slot.opened or (slot.building is not None and slot.building.is_alive()):
                return slot.index
            if slot.failed_at is not None and time.monotonic() - slot.failed_at < RETRY_AFTER:
                return None
            p = parts()
            index = p.load() if p.wanted else None
            if index is not None:  # in step but for what was written since it was saved
                if p.backlog(index) > self.in_request:
                    self._start(slot, name, lambda: p.catch_up(index))
                    return None
                index = p.catch_up(index)
            elif p.wanted:
                if p.size() > self.in_request:
                    self._start(slot, name, p.rebuild)
                    return None
                index = p.rebuild()
            slot.index, slot.opened = index, True
            return index

    def _catch_up(self, name: str, index, work: Callable[[], Any]) -> None:
        """Take an open index out of use until `work` (in a thread) gives it back caught up."""
        slot = self._slots[name]
        with self._lock:
            if slot.opened and slot.index is index:
                slot.opened, slot.index = False, None
                self._start(slot, name, work)
        return None

    def _start(self, slot: _Slot, name: str, work: Callable[[], Any]) -> None:
        slot.building = threading.Thread(target=self._build, args=(slot, name, work),
                                         daemon=True, name=f"newsdesk-{name}-index")
        slot.building.start()

    def _build(self, slot: _Slot, name: str, build: Callable[[], Any]) -> None:
        started = time.monotonic()
        log.info("rebuilding (or catching up) the %s index in the background", name)
        try:
            index = build()
        except Exception:  # the next request after RETRY_AFTER tries again
            log.exception("rebuilding (or catching up) the %s index failed", name)
            slot.failed_at = time.monotonic()
            return
        with self._lock:
            slot.index, slot.opened, slot.failed_at = index, True, None
        log.info("the %s index is ready (%.0f s)", name, time.monotonic() - started)
