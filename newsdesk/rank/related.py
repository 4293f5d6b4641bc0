"""Related articles for an article page.

Until story clustering lands, related means full-text similarity within the store: the
article's title and keywords as an any-word query, ranked by BM25 (SQLite) or ts_rank
(PostgreSQL), the article itself and its exact copies left out. Each result says why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Article
from ..store.base import ArticleFilter, Store

# Words too common in news to say that two articles are related.
STOP = set("""a an the and or of to in on at for by with from as is are was were be been has
have had it its this that these those he she they we you i his her their our not no but if
than then so said says say will would could should may might can after before over under
about into up down out new more most one two three also who what when where which why how
all any some such mr mrs ms dr""".split())


@dataclass(slots=True)
class Related:
    id: int
    title: str
    source: str
    reason: str


def query_terms(article: Article, keywords: list[str], limit: int = 12) -> list[str]:
    words = re.findall(r"[^\W\d_][\w'-]+", f"{article.title} {' '.join(keywords)}")
    terms = []
    for w in words:
        lw = w.lower().strip("'-")
        if lw not in STOP and len(lw) > 2 and lw not in terms:
            terms.append(lw)
    return terms[:limit]


def similar_text(store: Store, article: Article, limit: int = 5) -> list[Related]:
    terms = query_terms(article, store.article_keywords(article.id))
    if not terms:
        return []
    hits = store.search_articles(" ".join(terms), ArticleFilter(limit=limit * 3), any_word=True)
    ids = [h.article_id for h in hits if h.article_id != article.id]
    if not ids:
        return []
    found = {a.id: a for a in store.list_articles(ArticleFilter(ids=ids, limit=len(ids)))}
    out: list[Related] = []
    seen_titles = {article.title.casefold()}
    for aid in ids:
        other = found.get(aid)
        if other is None or other.content_hash == article.content_hash:
            continue
        if other.title.casefold() in seen_titles:  # the same piece under another URL
            continue
        seen_titles.add(other.title.casefold())
        shared = [t for t in terms if t in f"{other.title} {other.text}".lower()][:3]
        out.append(Related(id=aid, title=other.title, source=other.source.name,
                           reason="similar text" + (f": {', '.join(shared)}" if shared else "")))
        if len(out) >= limit:
            break
    return out


def related_articles(store: Store, article: Article, limit: int = 5) -> list[Related]:
    return similar_text(store, article, limit)
