"""The vector index for semantic search: usearch HNSW in a file beside the store.

The store's `article_embeddings` table is the truth; the index is derived from it and can
always be rebuilt. Keys are article ids. The index file records how far it has read (the
table's `seq`) in the store's blob `search.vectors.<model>` together with its count and size;
on open, a missing file or one that disagrees with that record is rebuilt, and on every
search the index first reads the rows written since (cheap: one indexed MAX(seq)).

Why usearch: this Python's sqlite3 cannot load extensions (so no sqlite-vec/vss), and HNSW
answers in well under a millisecond at a million vectors where exact search takes tens. On
PostgreSQL, pgvector is used when the server has it (migration 0003 adds the column);
without it the same usearch index is built from the BYTEA vectors, in a cache file.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..enrich.embed import EMBED_DIMS, EMBED_MODEL

log = logging.getLogger(__name__)

# HNSW settings: 16 links per node and a wide search beam keep recall@10 near 0.99 at 1M.
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 96
BATCH = 20_000
# Below this many vectors a brute-force scan costs about a millisecond and is exact; HNSW's
# graph, built by several threads, may differ run to run and miss a neighbour on small sets.
EXACT_BELOW = 20_000


@dataclass(slots=True)
class VectorIndex:
    model: str
    path: Path | None  # None: in memory only
    index: object  # usearch.index.Index
    seq: int = 0  # highest article_embeddings.seq it holds


def index_path(store) -> Path | None:
    """The file beside a SQLite store; for PostgreSQL, one per URL in NEWSDESK_INDEX_DIR
    (default ~/.cache/newsdesk)."""
    if store.dialect == "sqlite":
        return None if store.url == ":memory:" else Path(store.url + ".vectors.usearch")
    base = Path(os.environ.get("NEWSDESK_INDEX_DIR", Path.home() / ".cache" / "newsdesk"))
    return base / (hashlib.sha256(store.url.encode()).hexdigest()[:16] + ".vectors.usearch")


def _meta_name(model: str) -> str:
    return f"search.vectors.{model}"


def new_index(model: str = EMBED_MODEL):
    from usearch.index import Index

    return Index(ndim=EMBED_DIMS[model], metric="cos", dtype="f16",
                 connectivity=CONNECTIVITY, expansion_add=EXPANSION_ADD,
                 expansion_search=EXPANSION_SEARCH)


def open_index(store, model: str = EMBED_MODEL, path: Path | None | str = "auto") -> VectorIndex:
    """The index for this store, loaded from its file when that is in step, else rebuilt."""
    vi = load_index(store, model, path)
    return vi if vi is not None else rebuild(store, model, path)


def load_index(store, model: str = EMBED_MODEL,
               path: Path | None | str = "auto") -> VectorIndex | None:
    """The index in its file when that is in step with the store (then synced), else None:
    a rebuild (`rebuild`) adds every stored vector, minutes at a million."""
    path = index_path(store) if path == "auto" else (Path(path) if path else None)
    meta = json.loads((store.get_blob(_meta_name(model)) or b"{}").decode())
    if path is None or not path.exists() or meta.get("size") != path.stat().st_size:
        return None
    index = new_index(model)
    try:
        index.load(str(path))
    except (RuntimeError, ValueError, OSError) as exc:
        # a file of the right size that cannot be read (a bad disk block, a copy cut short
        # and padded): it is derived data, so it is made again rather than failing every
        # search and article page for good
        log.warning("vector index %s cannot be read (%s): rebuilding it", path, exc)
        return None
    count, last = store.embedding_state(model)
    if len(index) != meta.get("count") or meta.get("seq", 0) > last:
        return None
    vi = VectorIndex(model, path, index, int(meta["seq"]))
    if sync(store, vi):
        save(store, vi)
    return vi


def rebuild(store, model: str = EMBED_MODEL, path: Path | None | str = "auto") -> VectorIndex:
    """A fresh index from every stored vector, saved beside the store."""
    path = index_path(store) if path == "auto" else (Path(path) if path else None)
    vi = VectorIndex(model, path, new_index(model), 0)
    sync(store, vi)
    if path is not None:
        save(store, vi)
    return vi


def sync(store, vi: VectorIndex) -> int:
    """Add the vectors written since the index last read; returns how many."""
    if store.last_embedding_seq() <= vi.seq:
        return 0
    added = 0
    while True:
        rows = store.embeddings_after(vi.model, vi.seq, BATCH)
        if not rows:
            return added
        keys = np.array([r[1] for r in rows], dtype=np.uint64)
        vecs = np.stack([np.frombuffer(r[2], dtype=np.float16) for r in rows])
        # A re-embedded article replaces its old vector (usearch keys are unique by default).
        present = keys[vi.index.contains(keys)] if len(vi.index) else keys[:0]
        if len(present):
            vi.index.remove(present)
        vi.index.add(keys, vecs)
        vi.seq = rows[-1][0]
        added += len(rows)


def save(store, vi: VectorIndex) -> None:
    """Write the file atomically, then record what it holds in the store."""
    assert vi.path is not None
    vi.path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=vi.path.parent, suffix=".tmp")
    os.close(fd)
    vi.index.save(tmp)
    os.replace(tmp, vi.path)
    meta = {"seq": vi.seq, "count": len(vi.index), "size": vi.path.stat().st_size,
            "model": vi.model}
    store.put_blob(_meta_name(vi.model), json.dumps(meta).encode())


def search(vi: VectorIndex, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
    """(article id, cosine similarity) of the k nearest, best first."""
    if len(vi.index) == 0 or k <= 0:
        return []
    m = vi.index.search(np.asarray(vector, dtype=np.float32), min(k, len(vi.index)),
                        exact=len(vi.index) <= EXACT_BELOW)
    return [(int(key), 1.0 - float(d)) for key, d in zip(m.keys, m.distances)]


def exact_search(vi: VectorIndex, vector: np.ndarray, ids: list[int],
                 k: int) -> list[tuple[int, float]]:
    """Exact cosine over a given set of articles (a narrow filter, where HNSW would have to
    look far for enough survivors); the vectors come from the index's memory."""
    keys = np.array(ids, dtype=np.uint64)
    if not len(keys) or not len(vi.index):
        return []
    keys = keys[vi.index.contains(keys)]
    if not len(keys):
        return []
    mat = np.asarray(vi.index.get(keys), dtype=np.float32).reshape(len(keys), -1)
    sims = mat @ np.asarray(vector, dtype=np.float32)
    top = np.argsort(-sims)[:k]
    return [(int(keys[i]), float(sims[i])) for i in top]
