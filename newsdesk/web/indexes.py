"""The derived search indexes one web app keeps: the text ranking index (tantivy) and the
vector index (usearch), both rebuilt from the store whenever they are not in step with it.

An index that is in step opens in milliseconds and is synced in the request that needs it.
A rebuild reads the whole archive: 11.5 minutes for the text index at a million articles.
Done inside a request, as it once was, that reader waited for it, and so did every search
and article page behind it (they share the lock). So a store of more than IN_REQUEST
articles rebuilds in a thread, and until it is done searches and related articles use the
store's own indexes (FTS5 ranking; no meaning search), which answer correctly, only slower.
`building()` names the indexes under way, for the search page to say so. (A child process
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
        """The text ranking index, or None (PostgreSQL, or a rebuild under way)."""
        return self._get("text", self._text_parts)

    def vectors(self):
        """The vector index, synced with vectors written since by any process, or None
        (pgvector ranks in the store, or a rebuild under way)."""
        vi = self._get("vectors", self._vector_parts)
        if vi is not None:
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
    def _text_parts(self) -> tuple[bool, Callable[[], Any], Callable[[], Any], Callable[[], int]]:
        store = self.store
        return (store.dialect == "sqlite", lambda: textindex.load_text_index(store),
                lambda: textindex.rebuild(store, textindex.index_path(store)),
                store.count_articles)

    def _vector_parts(self) -> tuple[bool, Callable[[], Any], Callable[[], Any], Callable[[], int]]:
        store = self.store
        return (not store.has_pgvector(), lambda: vectors.load_index(store),
                lambda: vectors.rebuild(store),
                lambda: store.embedding_state(vectors.EMBED_MODEL)[0])

    def _get(self, name: str, parts: Callable[[], tuple]):
        slot = self._slots[name]
        if slot.opened:
            return slot.index
        with self._lock:
            if slot.opened or (slot.building is not None and slot.building.is_alive()):
                return slot.index
            if slot.failed_at is not None and time.monotonic() - slot.failed_at < RETRY_AFTER:
                return None
            wanted, load, build, size = parts()
            index = load() if wanted else None
            if index is None and wanted:
                if size() > self.in_request:
                    slot.building = threading.Thread(target=self._build, args=(slot, name, build),
                                                     daemon=True, name=f"newsdesk-{name}-index")
                    slot.building.start()
                    return None
                index = build()
            slot.index, slot.opened = index, True
            return index

    def _build(self, slot: _Slot, name: str, build: Callable[[], Any]) -> None:
        started = time.monotonic()
        log.info("rebuilding the %s index in the background", name)
        try:
            index = build()
        except Exception:  # the next request after RETRY_AFTER tries again
            log.exception("rebuilding the %s index failed", name)
            slot.failed_at = time.monotonic()
            return
        with self._lock:
            slot.index, slot.opened, slot.failed_at = index, True, None
        log.info("the %s index is rebuilt (%.0f s)", name, time.monotonic() - started)
