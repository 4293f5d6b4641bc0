"""Related articles for an article page: the same story from other outlets first, then
related stories (sharing the article's people, places and organisations), then articles of
similar text; each with its reason, and each wire text shown once whatever the outlets that
ran it.
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
NAMED = ("PERSON", "ORG", "PLACE", "GPE", "LOC", "EVENT", "NORP")
STORY_SCAN = 60  # articles of the own story looked at; the rail shows a handful
# Another outlet's article goes before one of the same outlet unless that one is closer by
# more than this cosine: a story gathered online can hold a stray from a look-alike event,
# and ranking other outlets strictly first put such strays above the article's own event
# (ECB+ odd topics, related P@5 0.817 strictly other outlets first).
OUTLET_MARGIN = 0.01


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


def _vector_hits(store: Store, article: Article, limit: int, vi) -> list[Article] | None:
    """Nearest articles by meaning through the vector index: bounded cost at any store size
    (an any-word full-text query ranks every article sharing a common word: seconds at 1M).
    None when the article has no vector yet."""
    import numpy as np

    from ..search import vectors

    raw = store.get_embeddings(vi.model, [article.id]).get(article.id)
    if raw is None:
        return None
    vec = np.frombuffer(raw, dtype=np.float16).astype(np.float32)
    ids = [i for i, _ in vectors.search(vi, vec, limit + 1) if i != article.id]
    found = {a.id: a for a in store.list_articles(ArticleFilter(ids=ids, limit=len(ids)))}
    return [found[i] for i in ids if i in found]


def _text_hits(store: Store, article: Article, limit: int, vi=None) -> list[Article]:
    if vi is not None:
        hits = _vector_hits(store, article, limit, vi)
        if hits is not None:
            return hits
    terms = query_terms(article, store.article_keywords(article.id))
    if not terms:
        return []
    hits = store.search_articles(" ".join(terms), ArticleFilter(limit=limit), any_word=True)
    ids = [h.article_id for h in hits if h.article_id != article.id]
    found = {a.id: a for a in store.list_articles(ArticleFilter(ids=ids, limit=len(ids)))}
    return [found[i] for i in ids if i in found]


def same_story(store: Store, article: Article) -> list[Article]:
    """The other articles of this article's story, the closest in text first (a story
    gathered online can hold a stray, and the closest are the surest), another outlet's
    first where they are about as close."""
    from ..stories import cluster

    if article.story_id is None:
        return []
    others = [a for a in store.list_articles(ArticleFilter(story_id=article.story_id,
                                                           limit=STORY_SCAN))
              if a.id != article.id]
    counts = {a.id: cluster.term_counts(a.title, a.text) for a in others + [article]}
    df, n = store.term_df({t for c in counts.values() for t in c})
    vecs = {i: cluster.vectorise(c, df, n) for i, c in counts.items()}
    others.sort(key=lambda a: (OUTLET_MARGIN * (a.source.id == article.source.id)
                               - cluster.cosine(vecs[article.id], vecs[a.id]), a.id))
    return others


def related_stories(store: Store, article: Article, limit: int) -> list[tuple[Article, str]]:
    """Lead articles of other stories that name the same entities, with the names shared."""
    mine = [e for e in store.article_entities(article.id) if e.type in NAMED][:8]
    names = {e.entity_id: e.name for e in mine}
    out = []
    for story_id, n_shared in store.entity_story_ids(list(names), limit * 3):
        if story_id == article.story_id or n_shared < 2:
            continue  # one shared name ("China") relates half the archive
        lead = store.list_articles(ArticleFilter(story_id=story_id, limit=1))
        if not lead:
            continue
        theirs = {e.entity_id for e in store.article_entities(lead[0].id)}
        shared = [names[i] for i in names if i in theirs][:3]
        if len(shared) >= 2:
            out.append((lead[0], "shares " + ", ".join(shared)))
    return out


def related_articles(store: Store, article: Article, limit: int = 5, vi=None) -> list[Related]:
    """`vi`, the search's vector index where the caller has one, finds "similar text"."""
    groups = store.wire_groups([article.id])
    seen_groups = {groups[article.id]} if article.id in groups else set()
    seen_ids = {article.id}
    out: list[Related] = []

    def take(candidates: list[tuple[Article, str]]) -> None:
        group_of = store.wire_groups([a.id for a, _ in candidates])
        for a, reason in candidates:
            group = group_of.get(a.id)
            if len(out) >= limit or a.id in seen_ids or (group is not None and group in seen_groups):
                continue  # each wire text once
            if a.content_hash == article.content_hash:
                continue
            seen_ids.add(a.id)
            if group is not None:
                seen_groups.add(group)
            out.append(Related(id=a.id, title=a.title, source=a.source.name, reason=reason))

    take([(a, "same story") for a in same_story(store, article)])
    if len(out) < limit:
        take(related_stories(store, article, limit))
    if len(out) < limit:
        take([(a, "similar text") for a in _text_hits(store, article, limit * 3, vi)])
    return out


def similar_text(store: Store, article: Article, limit: int = 5) -> list[Related]:
    return [Related(id=a.id, title=a.title, source=a.source.name, reason="similar text")
            for a in _text_hits(store, article, limit * 3)][:limit]
