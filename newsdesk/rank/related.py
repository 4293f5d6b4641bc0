"""Related articles for an article page: the same story from other outlets first, then
related stories (sharing the article's people, places and organisations) and articles of
similar text, ranked together by closeness of text and how specific the shared names are;
each with its reason, and each wire text shown once whatever the outlets that ran it.
"""
from __future__ import annotations

import math
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
# After the same story, candidates rank by closeness of text plus ENTITY_BONUS times the
# summed specificity of the (at most BONUS_NAMES most specific) names they share. The
# names of specificity SPECIFIC or more (named by at most about the square root of the
# articles) are the reason when theirs sum to REASON_BONUS (two such names at least).
ENTITY_BONUS = 0.03
RARE_TERMS = 5  # words of the any-word query where no text ranking index serves it
BONUS_NAMES = 3
SPECIFIC = 0.5
REASON_BONUS = 1.2
# A candidate after the same story is shown only when it shares specific names (its reason)
# or this much distinctive wording with the article: the TF-IDF cosine (names included) of
# the article to its story's centroid, as the stories stage keeps it. Else a small or
# one-sided archive fills the rail with whatever is least far ("Apple CEO Steve Jobs on
# medical leave" beside Prince Andrew's trade-envoy role). The static embedding's cosines
# cannot say this (unrelated ECB+ topics score a median 0.83). bench/stories.py, ECB+: on
# rails of 100 articles (--limit 100) the share from another topic falls from 0.53 to 0.18
# with precision@5 held (0.08: 0.26 off-topic; 0.12: 0.13, but precision@5 falls); whole
# set: precision@5 0.9557 -> 0.9554, off-topic 0.0028 -> 0; teasers (--lead 1) off-topic
# 0.046 -> 0.032. (The cosine of the two articles' leads did as well at 0.08 and cost two
# to three times as much an article page: each candidate's text counted.)
WORDING_FLOOR = 0.10
SPARE = 2  # candidates read beyond the rail's slots: the rail skips repeats of a wire text


@dataclass(slots=True)
class Related:
    id: int
    title: str
    source: str
    reason: str
    kicker: str = ""  # "Opinion": a column beside the reports is labelled as one


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
    from ..search import vectors

    raw = store.get_embeddings(vi.model, [article.id]).get(article.id)
    if raw is None:
        return None
    ids = [i for i, _ in vectors.search(vi, _vector(raw), limit + 1) if i != article.id]
    found = {a.id: a for a in store.list_articles(ArticleFilter(ids=ids, limit=len(ids)))}
    return [found[i] for i in ids if i in found]


def _text_hits(store: Store, article: Article, limit: int, vi=None, ti=None) -> list[Article]:
    """The article's neighbours by meaning (`vi`), else by its title's and keywords' words:
    through `ti`, the embedded default's text ranking index, where the caller has one
    (tantivy ranks the top few in milliseconds; FTS5 scores every article sharing any of
    the words, about a second an article page on a 1M-article store), else the store's
    own full-text search."""
    if vi is not None:
        hits = _vector_hits(store, article, limit, vi)
        if hits is not None:
            return hits
    terms = query_terms(article, store.article_keywords(article.id))
    if not terms:
        return []
    if ti is not None:
        from ..search import textindex

        ranked, _ = textindex.ranked(store, ti, textindex.any_word(terms), limit=limit + 1)
        ids = [i for i, _score in ranked if i != article.id][:limit]
    else:
        # The rarest few words only (document counts from the stories stage): an any-word
        # query ranks every article that shares one of its words, and a common word ("market")
        # matches a large share of an archive (PostgreSQL: about a second a page at 200,000
        # articles). ECB+ related P@5 0.9552 with the 5 rarest against 0.9554 with all.
        from ..stories import cluster

        terms = [t for t in terms if t not in cluster.STOP] or terms  # uncounted, not rare
        df, _n = store.term_df("w:" + t for t in terms)
        terms = sorted(terms, key=lambda t: df.get("w:" + t, 0))[:RARE_TERMS]
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


def specificity(df: int, n: int) -> float:
    """How specific a name is, from 0 (named by every article) toward 1 (by one): the log of
    the inverse share of the `n` articles that name it (`df`), so Japan or China in a world
    news archive weigh little and a minister or a small town much."""
    df = max(df, 2)  # a shared name is named by two articles at least (story_df may lag)
    n = max(n, df)
    return math.log((n + 1) / (df + 1)) / math.log(n + 1)


@dataclass(slots=True)
class Candidate:
    """An article for the rail after the same-story tier, with its closeness of text to the
    page's article and the names both name, each with its specificity, most specific first."""
    article: Article
    closeness: float
    shared: list[tuple[str, float]]
    wording: float = 1.0  # TF-IDF cosine of the article to this one's story centroid

    @property
    def bonus(self) -> float:
        return sum(spec for _, spec in self.shared[:BONUS_NAMES])

    @property
    def score(self) -> float:
        return self.closeness + ENTITY_BONUS * self.bonus

    @property
    def specific_names(self) -> list[str]:
        """The shared names that are a reason to show it; none unless they sum to
        REASON_BONUS."""
        specific = [(name, spec) for name, spec in self.shared[:BONUS_NAMES] if spec >= SPECIFIC]
        return [name for name, _ in specific] if sum(s for _, s in specific) >= REASON_BONUS else []

    @property
    def reason(self) -> str:
        names = self.specific_names
        return "shares " + ", ".join(names) if names else "similar text"

    @property
    def related(self) -> bool:
        """Worth showing: it shares specific names, or distinctive wording."""
        return bool(self.specific_names) or self.wording >= WORDING_FLOOR


def _vector(raw: bytes):
    """A stored article vector (float16 bytes, store.get_embeddings) as float32."""
    import numpy as np

    return np.frombuffer(raw, dtype=np.float16).astype(np.float32)


def _unit_vector(raw: bytes):
    import numpy as np

    vec = _vector(raw)
    return vec / (float(np.linalg.norm(vec)) or 1.0)


def _embedding_closeness(store: Store, article: Article, others: list[Article],
                         vi) -> dict[int, float] | None:
    """Cosine of the stored article vectors, one query; None unless every article has one
    (TF-IDF and embedding cosines are on different scales, so one rail uses one of them)."""
    from ..enrich.embed import EMBED_MODEL

    raw = store.get_embeddings(vi.model if vi is not None else EMBED_MODEL,
                               [article.id] + [a.id for a in others])
    if any(i not in raw for i in [article.id] + [a.id for a in others]):
        return None
    mine = _unit_vector(raw[article.id])
    return {a.id: float(mine @ _unit_vector(raw[a.id])) for a in others}


def ranked_candidates(store: Store, article: Article, limit: int,
                      vi=None, ti=None) -> list[tuple[Article, str]]:
    """The rail after the same-story tier: the newest article of each story naming this
    article's people, places and organisations, and its text neighbours (`vi`, or full
    text), ranked together by closeness of text plus a bonus for the names they share,
    weighted by how specific each name is; those sharing neither specific names nor
    distinctive wording (WORDING_FLOOR) are left out, and only the first `limit` (and
    SPARE) of the rest come back. A bounded number of candidates, and a fixed number of
    queries (and one a batch of `limit` candidates, for their stories' centroids)."""
    from ..stories import cluster

    mine = {e.entity_id: e.name for e in store.article_entities(article.id) if e.type in NAMED}
    ids = [aid for story_id, _n, aid in store.entity_story_ids(list(mine)[:8], limit * 3)
           if story_id != article.story_id]
    found = {a.id: a for a in _text_hits(store, article, limit * 3, vi, ti)}
    missing = [i for i in ids if i not in found]
    if missing:
        found.update((a.id, a) for a in store.list_articles(ArticleFilter(ids=missing,
                                                                          limit=len(missing))))
    others = [found[i] for i in dict.fromkeys(ids + list(found)) if i in found and i != article.id]
    if not others:
        return []
    entities = store.entities_of_articles([a.id for a in others])
    shared = {a.id: [mine[e.entity_id] for e in entities[a.id] if e.entity_id in mine]
              for a in others}
    name_terms = {"n:" + name.casefold() for names in shared.values() for name in names}

    closeness = _embedding_closeness(store, article, others, vi)
    # without vectors, the closeness is the TF-IDF cosine of the texts (stories.cluster's)
    texts = [article] + (others if closeness is None else [])
    counts = {a.id: cluster.term_counts(a.title, a.text) for a in texts}
    df, n = store.term_df(name_terms | {t for c in counts.values() for t in c})
    vecs = {i: cluster.vectorise(c, df, n) for i, c in counts.items()}
    if closeness is None:
        closeness = {a.id: cluster.cosine(vecs[article.id], vecs[a.id]) for a in others}

    ranked = []
    for a in others:
        specs = sorted(((name, specificity(df.get("n:" + name.casefold(), 0), n))
                        for name in shared[a.id]), key=lambda ns: -ns[1])
        ranked.append(Candidate(a, closeness[a.id], specs))
    ranked.sort(key=lambda c: (-c.score, c.article.id))
    # The wording a candidate shares is the article's cosine to the centroid the stories
    # stage keeps for the candidate's story: one query a batch of `limit`, read down the
    # ranking until the rail is full, and no candidate's text counted here.
    shown: list[Candidate] = []
    for start in range(0, len(ranked), limit):
        batch = ranked[start:start + limit]
        centroids = store.story_vectors(sorted({c.article.story_id for c in batch
                                                if c.article.story_id is not None
                                                and not c.specific_names}))
        for c in batch:
            centroid = centroids.get(c.article.story_id)
            c.wording = cluster.cosine(vecs[article.id], centroid[0]) if centroid else 0.0
        shown += [c for c in batch if c.related]
        if len(shown) >= limit + SPARE:
            break
    return [(c.article, c.reason) for c in shown]


def related_articles(store: Store, article: Article, limit: int = 5, vi=None,
                     ti=None) -> list[Related]:
    """`vi`, the search's vector index where the caller has one, finds "similar text";
    else `ti`, its text ranking index (SQLite), or the store's full-text search."""
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
            out.append(Related(id=a.id, title=a.title, source=a.source.name, reason=reason,
                               kicker=a.kicker))

    take([(a, "same story") for a in same_story(store, article)])
    if len(out) < limit:
        take(ranked_candidates(store, article, limit, vi, ti))
    return out
