"""The `embed` enrichment stage: one vector per article into the store, for semantic search
and story clustering alike. The vector index reads them from there (search/vectors.py)."""
from __future__ import annotations

from ..enrich.embed import EMBED_MODEL, embed_articles
from ..models import Article
from ..store.base import Store


def run_embed(store: Store, articles: list[Article]) -> None:
    if not articles:
        return
    vecs = embed_articles(articles)
    store.put_embeddings(EMBED_MODEL, [a.id for a in articles], vecs)
    if store.has_pgvector():
        store.pgvector_put([a.id for a in articles], vecs)


def search_stages() -> list:
    from ..pipeline import Stage

    return [Stage("embed", 1, run_embed)]
