"""One search, three ways: full text, meaning, or both fused (the default).

Hybrid ranking is reciprocal rank fusion (Cormack et al. 2009): each list gives an article
1 / (K + rank); no score scales to calibrate between bm25 and cosine. Filters (fields and
negated words) hold in every mode: semantic neighbours are checked against them in SQL.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from ..enrich.embed import embed_texts
from ..enrich.names import entity_key
from ..store.search import COUNT_CAP
from . import textindex, vectors
from .query import (And, Leaf, Not, Or, conjuncts, is_text, parse, parse_date, positive_words,
                    split, to_fts, to_sql, to_tsquery, with_short_forms)

MODES = ("hybrid", "text", "semantic")
SORTS = ("relevance", "date")
RRF_K = 20  # tuned on the odd-topic half of ECB+ (bench/search.py): 20 beat 60
SEMANTIC_WEIGHT = 0.5  # the semantic list's weight, text's being 1; tuned as RRF_K (0.5 beat 0.7, 1)
POOL = 100  # candidates each ranker gives the fusion
MAX_POOL = 1000
FACET_POOL = 200  # facets count the best this many matches (all of them cost too much at 1M)
RELAX_BELOW = 5  # fewer all-words hits than this: rank by any word instead
SNIPPET_SCAN = 6_000  # characters of a body searched for a snippet
OVERSAMPLE_MAX = 6_400  # most neighbours asked for before an exact search
EXACT_LIMIT = 5_000  # a filter passing fewer articles than this is searched exactly
EPOCH = datetime(1, 1, 1, tzinfo=timezone.utc)  # undated articles sort last by date
FILTER_FIELDS = ("section", "source", "entity", "keyword", "speaker", "after", "before")


def rrf(rankings: list[list[int]], k: int = RRF_K,
        weights: list[float] | None = None) -> list[tuple[int, float]]:
    """Fuse ranked id lists; best first, ties by first appearance."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, aid in enumerate(ranking, 1):
            scores[aid] = scores.get(aid, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def build_query(q: str, filters: dict[str, str] | None = None):
    """The parsed query with the URL's filters ANDed on (they are never parsed as syntax)."""
    extra = tuple(Leaf(value=str(v), field=f) for f, v in (filters or {}).items()
                  if f in FILTER_FIELDS and v not in (None, ""))
    for e in extra:
        if e.field in ("after", "before"):
            parse_date(e.value)
    if not q.strip():
        if not extra:
            return None
        return extra[0] if len(extra) == 1 else And(extra)
    node = parse(q)
    return And(tuple(conjuncts(node)) + extra) if extra else node


def semantic_parts(node, dialect: str) -> tuple[str, str, list]:
    """(text to embed, filter predicates, params): the positive words carry the meaning,
    everything else (fields, negated words) filters."""
    items = conjuncts(node)
    meaning = [n for n in items if is_text(n) and not isinstance(n, Not)]
    rest = [n for n in items if n not in meaning]
    words = " ".join(w for n in meaning for w in positive_words(n))
    if not rest:
        return words, "", []
    sql, params = to_sql(rest[0] if len(rest) == 1 else And(tuple(rest)), dialect)
    return words, sql, params


def semantic_ranking(store, vi, text: str, preds: str, params: list,
                     k: int) -> list[tuple[int, float]]:
    if not text:
        return []
    vec = embed_texts([text], vi.model)[0] if vi is not None else embed_texts([text])[0]
    use_pgvector = vi is None and store.has_pgvector()
    if vi is None and not use_pgvector:
        return []
    # With filters, ask for more neighbours until enough pass: the first round's pass rate
    # says how many to ask for next (HNSW answers thousands in tens of ms). A filter that
    # passes too few for that (a narrow date range, a small outlet at a million articles) is
    # searched exactly among the articles it passes, when they are fewer than EXACT_LIMIT.
    want = k * 4 if preds else k
    while True:
        hits = store.pgvector_search(vec, want) if use_pgvector else vectors.search(vi, vec, want)
        if not preds:
            return hits[:k]
        ok = store.search_filter([h[0] for h in hits], preds, params)
        kept = [h for h in hits if h[0] in ok]
        if len(kept) >= k or len(hits) < want or want >= OVERSAMPLE_MAX:
            break
        need = int(want * k / max(1, len(kept)) * 1.3)
        if need > OVERSAMPLE_MAX and vi is not None:
            allowed = store.search_filter_all(preds, params, EXACT_LIMIT + 1)
            if len(allowed) <= EXACT_LIMIT:
                return vectors.exact_search(vi, vec, allowed, k)
        want = min(OVERSAMPLE_MAX, max(want * 2, need))
    return kept[:k]


def search(store, vi, q: str, *, mode: str = "hybrid", sort: str = "relevance",
           filters: dict[str, str] | None = None, limit: int = 20, offset: int = 0,
           facets: bool = True, semantic_weight: float | None = None,
           rrf_k: int = RRF_K, ti=None) -> dict[str, Any]:
    """Articles for a query: ids with scores and snippets, the total, facets.

    `vi` is the vector index (vectors.open_index), or None for text only (or pgvector).
    `ti` is the embedded default's text ranking index (textindex.open_text_index), or None
    to rank in the store's own full-text index (FTS5 or PostgreSQL's tsvector).
    Raises QueryError, with a position, for a query that does not parse.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    node = build_query(q, filters)
    out: dict[str, Any] = {"query": q, "mode": mode, "sort": sort, "hits": [], "total": 0,
                           "total_capped": False, "by_meaning": 0, "more": False, "facets": {},
                           "relaxed": False, "every_word": None}
    if node is None:
        return out
    typed, node = node, with_short_forms(node, lambda word: _organisations(store, word))
    match, preds, params = split(node, store.dialect)
    text = TextRanker(store, ti if match is not None and ti is not None
                      and textindex.answers(node) else None, node, match, preds, params)
    if mode != "semantic" and _plain_words(typed) and text.count(cap=RELAX_BELOW) < RELAX_BELOW:
        # A sentence typed as a question rarely has every word in one article: rank by any.
        text.relax(_any_word_match(typed, store.dialect, node))
        out["relaxed"], out["every_word"] = True, len(text.every)
    words, sem_preds, sem_params = semantic_parts(typed, store.dialect)
    fused = bool(words) and (mode == "semantic" or (mode == "hybrid" and text.match is not None))
    if mode == "semantic" and words:
        page, pool_ids, total, listed, more_beyond = _semantic_page(
            store, vi, words, sem_preds, sem_params, sort, limit, offset)
        extra = 0
    elif fused:
        page, pool_ids, total, extra = _hybrid_page(store, vi, node, text, words, sem_preds,
                                                     sem_params, sort, limit, offset,
                                                     semantic_weight, rrf_k)
        listed, more_beyond = total + extra, False
    else:  # text, or nothing to mean: the text ranking (or date order for filters alone)
        extra, more_beyond = 0, False
        want = offset + limit
        if want <= FACET_POOL:  # one query gives the page and the facets' pool
            ranked, total = text.ranked(sort=sort, limit=FACET_POOL)
            page, pool_ids = ranked[offset:want], [i for i, _ in ranked]
        else:  # a deep page: paged by the index
            page, total = text.ranked(sort=sort, limit=limit, offset=offset)
            pool_ids = [i for i, _ in text.ranked(sort=sort, limit=FACET_POOL)[0]] \
                if facets else []
        listed = total
    # `total` counts the articles that answer the words and filters (capped at COUNT_CAP).
    # Meaning adds neighbours without the words (hybrid) or ranks on without end (semantic):
    # then the count is open, said by total_capped ("more than"), and by_meaning says how
    # many of the hybrid list are there by meaning alone.
    out["total"] = min(total, COUNT_CAP)
    out["total_capped"] = total > COUNT_CAP or extra > 0 or more_beyond
    out["by_meaning"] = extra
    out["more"] = offset + limit < listed or (more_beyond and offset + limit < MAX_POOL)
    out["hits"] = [{"id": i, "score": round(float(s), 6)} for i, s in page]
    out["snippets"] = snippets(_articles(store, [h["id"] for h in out["hits"]]),
                               positive_words(node))
    if facets:
        pool_ids = pool_ids[:FACET_POOL]
        out["facets"] = store.search_facets(pool_ids)
        out["facet_pool"] = len(pool_ids)
    return out


def _semantic_page(store, vi, words, preds, params, sort, limit, offset):
    """(page, facet pool ids, total, listed, more beyond): meaning ranks every article, so
    the list is cut at MAX_POOL; one neighbour more than the page needs says if it goes on.
    Newest first, the list is the POOL nearest, whatever the page: a pool that grew with the
    offset would re-sort under the reader, and pages would repeat and skip articles."""
    if sort == "date":
        ranked = _date_order(store, semantic_ranking(store, vi, words, preds, params, POOL))
        return ranked[offset:offset + limit], [i for i, _ in ranked], len(ranked), len(ranked), False
    pool = min(MAX_POOL, max(POOL, offset + limit))
    ranked = semantic_ranking(store, vi, words, preds, params, pool + 1)
    more_beyond = len(ranked) > pool
    ranked = ranked[:pool]
    return (ranked[offset:offset + limit], [i for i, _ in ranked], len(ranked), len(ranked),
            more_beyond)


def _hybrid_page(store, vi, node, text, words, preds, params, sort, limit, offset,
                 semantic_weight, rrf_k):
    """(page, facet pool ids, text matches, results by meaning alone) of the hybrid list.

    The list is every text match plus the semantic neighbours that fusion placed in the
    first POOL: the fused POOL first, then the text matches it left out, in text order. So
    its length is known (text matches + neighbours by meaning alone) and it pages to the
    end, beyond any pool; with sort=date the same articles come newest first.
    """
    top, total = text.ranked(limit=POOL)
    text_ids = [i for i, _ in top]
    sem_ids = [i for i, _ in semantic_ranking(store, vi, words, preds, params, POOL)]
    if _boolean(node):
        # A boolean question (OR, NOT/-word, fields) gets exact answers: meaning only
        # re-orders the articles that satisfy it, it adds none. (A sentence, even with a
        # quoted phrase in it, still gains from meaning: ECB+ shows it.)
        matching = set(text_ids)
        sem_ids = [i for i in sem_ids if i in matching]
    weight = SEMANTIC_WEIGHT if semantic_weight is None else semantic_weight
    # Ranked by any word, the articles that have every word stay ahead of those with some:
    # meaning re-orders each group, as it re-orders text matches before the neighbours
    # that have none of the words.
    fused = lifted(rrf([text_ids, sem_ids], rrf_k, [1.0, weight])[:POOL], text.every)
    in_text, in_fused = set(text_ids), {i for i, _ in fused}
    beyond = [i for i, _ in fused if i not in in_text]
    # A neighbour outside the text's first POOL may still match the words further down.
    deeper = text.matching(beyond) if beyond and len(text_ids) == POOL else set()
    meaning_only = [i for i in beyond if i not in deeper]
    # Text matches outside the fused pool score as the text list alone would give them.
    head = fused + [(i, 1.0 / (rrf_k + r)) for r, i in enumerate(text_ids, 1)
                    if i not in in_fused]
    if sort == "date":
        return (_date_merge(store, text, meaning_only, dict(head), limit, offset),
                [i for i, _ in head], total, len(meaning_only))
    page = head[offset:offset + limit]
    if offset + limit > len(head) and len(text_ids) == POOL:
        # Past the head: the text ranking from POOL on (the head holds all of its first POOL).
        start, skip = max(offset, len(head)), max(offset, len(head)) - len(head)
        if deeper:  # those already stand in the head: read from POOL and leave them out
            rest, _ = text.ranked(limit=skip + offset + limit - start + len(deeper), offset=POOL)
            rest = [h for h in rest if h[0] not in deeper][skip:skip + offset + limit - start]
        else:
            rest, _ = text.ranked(limit=offset + limit - start, offset=POOL + skip)
        page += [(i, 1.0 / (rrf_k + POOL + skip + r)) for r, (i, _) in enumerate(rest, 1)]
    return page, [i for i, _ in head], total, len(meaning_only)


def _date_order(store, ranked):
    dates = {a.id: a.published_at or EPOCH for a in _articles(store, [i for i, _ in ranked])}
    return sorted(ranked, key=lambda h: dates.get(h[0]) or EPOCH, reverse=True)


def _date_merge(store, text, extra_ids, scores, limit, offset):
    """One page, newest first, of the text matches (by date from the index, any depth)
    merged with a few more articles (the neighbours by meaning alone), exactly.

    Only text matches from offset - len(extra) can reach the page; a neighbour's place is
    its rank among the neighbours plus the text matches no older than it (a neighbour
    newer than that window, or older than its end, falls outside the page either way).
    """
    extra = _date_order(store, [(i, 0.0) for i in extra_ids])
    w0 = max(0, offset - len(extra))
    window, _ = text.ranked(sort="date", limit=offset + limit - w0, offset=w0)
    when = {a.id: a.published_at or EPOCH
            for a in _articles(store, [i for i, _ in window] + extra_ids)}
    placed = []
    for j, (i, _) in enumerate(window):
        d = when.get(i, EPOCH)
        placed.append((w0 + j + sum(1 for e, _ in extra if when.get(e, EPOCH) > d), i))
    for r, (e, _) in enumerate(extra):
        d = when.get(e, EPOCH)
        placed.append((r + w0 + sum(1 for i, _ in window if when.get(i, EPOCH) >= d), e))
    placed.sort()
    return [(i, scores.get(i, 0.0)) for pos, i in placed if offset <= pos < offset + limit]


class TextRanker:
    """The text side of one search, in the text ranking index when it can answer the query,
    else in the store's own full-text index. A class only to carry the compiled query."""

    __slots__ = ("store", "ti", "node", "match", "preds", "params", "every")

    def __init__(self, store, ti, node, match, preds, params):
        self.store, self.ti, self.node = store, ti, node
        self.match, self.preds, self.params = match, preds, params
        self.every: list[int] = []  # once relaxed: the few articles that have every word

    def relax(self, any_match) -> None:
        """Rank by any of the words from now on, the articles that have all of them first:
        bm25 sums over the words a reader typed, so a short article with one rare word
        ("tankers") would outrank the ones that name both ("Boeing tanker")."""
        self.every = [i for i, _ in self._ranked(limit=RELAX_BELOW)[0]]
        self.match = any_match
        self.node = textindex.any_word(positive_words(self.node))

    def count(self, cap: int = COUNT_CAP) -> int:
        if self.ti is not None:
            return textindex.count(self.store, self.ti, self.node)
        return self.store.search_count(self.match, self.preds, self.params, cap=cap)

    def matching(self, ids: list[int]) -> set[int]:
        """Which of these articles the text query matches."""
        if self.ti is not None:
            return textindex.matching(self.store, self.ti, self.node, ids)
        sql, params = to_sql(self.node, self.store.dialect)
        return self.store.search_filter(ids, sql, params)

    def ranked(self, *, sort: str = "relevance", limit: int, offset: int = 0
               ) -> tuple[list[tuple[int, float]], int]:
        """((id, score) best first, how many match)."""
        if not self.every or sort != "relevance":
            return self._ranked(sort=sort, limit=limit, offset=offset)
        # The any-word ranking with the every-word articles lifted to its head. They are
        # fewer than RELAX_BELOW, so the ranking is read from its start to the page's end.
        hits, total = self._ranked(limit=offset + limit)
        return lifted(hits, self.every)[offset:offset + limit], total

    def _ranked(self, *, sort: str = "relevance", limit: int, offset: int = 0
                ) -> tuple[list[tuple[int, float]], int]:
        if self.ti is not None:
            return textindex.ranked(self.store, self.ti, self.node, sort=sort, limit=limit,
                                    offset=offset)
        hits = self.store.search_ranked(self.match, self.preds, self.params, sort=sort,
                                        limit=limit, offset=offset)
        if offset == 0 and len(hits) < limit:
            return hits, len(hits)
        return hits, self.store.search_count(self.match, self.preds, self.params)


def lifted(hits: list[tuple[int, float]], first: list[int]) -> list[tuple[int, float]]:
    """The hits with the articles `first` ahead of the rest (those missing from `hits`
    too), by their own scores, each raised by the best of the rest so scores still fall."""
    if not first:
        return hits
    lift, score = set(first), dict(hits)
    rest = [h for h in hits if h[0] not in lift]
    top = max((s for _, s in rest), default=0.0)
    head = sorted(((i, top + score.get(i, 0.0)) for i in lift), key=lambda h: (-h[1], h[0]))
    return head + rest


def _organisations(store, word: str) -> list[str]:
    """The organisations articles call by this word (the who stage's short forms)."""
    return store.names_by_short_form(entity_key(word, "ORG"), "ORG")


def _boolean(node) -> bool:
    """True when the query uses OR, NOT/-word or a field anywhere."""
    if isinstance(node, (Or, Not)):
        return True
    if isinstance(node, Leaf):
        return bool(node.field)
    if isinstance(node, And):
        return any(_boolean(n) for n in node.items)
    return False


def _plain_words(node) -> bool:
    """A query of bare words only (no operators, phrases or fields): a search box sentence."""
    items = conjuncts(node)
    return len(items) > 1 and all(isinstance(n, Leaf) and not n.field and not n.phrase
                                  for n in items)


def _any_word_match(node, dialect: str, widened=None) -> str | None:
    """The reader's words as an any-word text match (for a sentence typed as a question),
    with the organisations' names `widened` (with_short_forms) gave their short forms."""
    words = positive_words(node)
    if not words:
        return None
    leaves = [Leaf(value=w) for w in dict.fromkeys(w.lower() for w in words)]
    leaves += [n.items[1] for n in conjuncts(widened) if isinstance(n, Or)] if widened else []
    if dialect == "sqlite":
        return " OR ".join(to_fts(leaf) for leaf in leaves)
    return " | ".join(to_tsquery(leaf) for leaf in leaves)


def snippets(articles, words: list[str], chars: int = 220) -> dict[int, str]:
    """The passage of each article with most of the words, hits between \\x02 and \\x03.

    Cut here rather than by FTS5's snippet(), which loads each word's whole posting list per
    article (about 5 ms an article at 100k) and is not there for semantic hits. A word hits
    on its first 5 letters (all of a shorter one), a stand-in for the index's stemming
    ("restrictions" hits "restricted"); words of 1-3 lowercase letters ("on") mark nothing.
    """
    stems = {w.lower()[:5] for w in words if len(w) > 3 or w.isupper() or w.isdigit()}
    if not stems:
        return {}
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(stems, key=len, reverse=True)))
                         + r")\w*", re.IGNORECASE)
    out = {}
    for a in articles:
        text = _snippet_source(a.summary, a.text[:SNIPPET_SCAN])
        hits = [m.span() for m in pattern.finditer(text)][:200]
        if not hits:
            continue
        best = max(range(len(hits)),
                   key=lambda i: sum(1 for h in hits[i:] if h[0] < hits[i][0] + chars - 40))
        start = text.rfind(" ", 0, max(0, hits[best][0] - 40)) + 1
        end = text.find(" ", start + chars)
        end = len(text) if end < 0 else end
        parts, at = [], start
        for h0, h1 in hits:
            if start <= h0 and h1 <= end:
                parts += [text[at:h0], "\x02", text[h0:h1], "\x03"]
                at = h1
        parts.append(text[at:end])
        out[a.id] = (("…" if start else "") + "".join(parts).replace("\n\n", " ")
                     + ("…" if end < len(text) else ""))
    return out


def _snippet_source(summary: str, body: str) -> str:
    """The text a snippet is cut from: the summary, then the body, but not the summary when
    the body already says each of its sentences (a standfirst repeating the lead, or an
    extractive summary), so no passage shows twice."""
    if not summary:
        return body
    flat = " ".join(body.split()).lower()
    sentences = [" ".join(t.split()).lower() for t in re.split(r"(?<=[.!?])\s+", summary)]
    if all(t in flat for t in sentences if t):
        return body
    return summary + "\n\n" + body


def _articles(store, ids: list[int]):
    from ..store.base import ArticleFilter

    return store.list_articles(ArticleFilter(ids=ids, limit=len(ids)))
