"""Related articles by meaning through the vector index (bounded cost at any store size)."""
from pathlib import Path

from newsdesk.pipeline import ingest_items
from newsdesk.rank.related import _vector_hits, related_articles
from newsdesk.search import vectors
from newsdesk.sources.files import read_paths

FIX = Path(__file__).parent / "fixtures" / "ingest"


def test_similar_text_comes_from_the_vector_index(store):
    report = ingest_items(store, read_paths([str(FIX / "two_articles.jsonl"),
                                             str(FIX / "economist.xml")]))
    vi = vectors.open_index(store)
    vectors.sync(store, vi)
    apple = next(a for a in report.new_ids
                 if store.get_article(a).title == "Apple unveils new Intel-based Mac")
    article = store.get_article(apple)
    nearest = _vector_hits(store, article, 5, vi)
    # the other Apple article is the nearest by meaning among the Economist's teasers
    assert nearest[0].title == "Apple releases Macbook"
    assert apple not in [a.id for a in nearest]
    rail = related_articles(store, article, vi=vi)
    assert rail and all(r.id != apple for r in rail)
