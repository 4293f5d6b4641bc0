"""Search quality on articles with gold stories: nDCG@10 and recall@10 for text, semantic and
hybrid search, through the same code the site runs (newsdesk.search.hybrid.search).

    python bench/search.py ../shared/data/stories/ecbplus/ecbplus_docs.jsonl [--model NAME]

Every article goes into a fresh SQLite store and the vector index. Each article's first
sentence is a query; the other articles of its story (`subtopic`) are the relevant ones, and
the query's own article is left out of its results. Queries are split by topic into halves
(odd topics = the half any setting was tuned on, even = held out); figures are printed for
each half and overall. `--model` compares embedders (minilm-l6-v2-m2v256, all-MiniLM-L6-v2).
Last line: `ndcg10_hybrid=<v> ndcg10_text=<v> ndcg10_semantic=<v>` (overall).
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.enrich.embed import EMBED_MODEL, embed_articles  # noqa: E402
from newsdesk.models import Article, Block, Source  # noqa: E402
from newsdesk.search import hybrid, textindex, vectors  # noqa: E402
from newsdesk.store.base import open_store  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
K = 10


def first_sentence(text: str) -> str:
    return SENTENCE_END.split(text.strip(), 1)[0].strip()


def to_article(doc: dict) -> Article:
    lines = [ln for ln in doc["text"].split("\n") if ln.strip()]
    return Article(url=f"https://ecbplus.example/{doc['doc_id']}", title=lines[0][:300],
                   source=Source(name="ECB+"), content_hash=doc["doc_id"],
                   body=[Block("paragraph", ln) for ln in lines[1:]])


def ndcg(ranked: list[int], relevant: set[int], k: int = K) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, a in enumerate(ranked[:k]) if a in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--model", default=EMBED_MODEL)
    ap.add_argument("--semantic-weight", type=float, default=None,
                    help="fusion weight of the semantic list (default: the site's)")
    ap.add_argument("--rrf-k", type=int, default=hybrid.RRF_K)
    ap.add_argument("--fts", action="store_true",
                    help="rank text in SQLite's FTS5 rather than the tantivy text index")
    args = ap.parse_args()
    if not args.file.exists():
        sys.exit(f"search bench: data file not found: {args.file}")
    docs = [json.loads(line) for line in args.file.open(encoding="utf-8") if line.strip()]
    tmp = tempfile.mkdtemp(prefix="bench-search-")
    store = open_store(str(Path(tmp) / "bench.db"))
    articles = []
    for doc in docs:
        art = to_article(doc)
        art.id = store.add_article(art)
        articles.append(art)
    t0 = time.perf_counter()
    vecs = embed_articles(articles, args.model)
    embed_s = time.perf_counter() - t0
    store.put_embeddings(args.model, [a.id for a in articles], vecs)
    vi = vectors.open_index(store, args.model, path=None)
    # The text ranking index the embedded default searches with; --fts ranks in FTS5 instead.
    ti = None if args.fts else textindex.open_text_index(store)
    print(f"{len(docs)} articles; embedding with {args.model}: {embed_s:.1f} s "
          f"({len(docs) / embed_s:.0f} articles/s)")

    story = {a.id: d["subtopic"] for a, d in zip(articles, docs)}
    members: dict[str, set[int]] = {}
    for aid, s in story.items():
        members.setdefault(s, set()).add(aid)
    scores = {m: {"tune": [], "held": []} for m in hybrid.MODES}
    recalls = {m: {"tune": [], "held": []} for m in hybrid.MODES}
    times = {m: [] for m in hybrid.MODES}
    for art, doc in zip(articles, docs):
        relevant = members[story[art.id]] - {art.id}
        if not relevant:
            continue
        query = first_sentence(doc["text"])
        half = "tune" if doc["topic"] % 2 else "held"
        for mode in hybrid.MODES:
            t = time.perf_counter()
            try:
                res = hybrid.search(store, vi, query, mode=mode, limit=K + 1, facets=False,
                                    semantic_weight=args.semantic_weight, rrf_k=args.rrf_k, ti=ti)
            except Exception as exc:  # a sentence may hold query syntax; score it as a miss
                print(f"  query failed ({mode}): {query[:60]!r}: {exc}")
                res = {"hits": []}
            times[mode].append(time.perf_counter() - t)
            ranked = [h["id"] for h in res["hits"] if h["id"] != art.id][:K]
            scores[mode][half].append(ndcg(ranked, relevant))
            recalls[mode][half].append(len(set(ranked) & relevant) / min(K, len(relevant)))

    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs) if xs else 0.0

    overall = {}
    for mode in hybrid.MODES:
        allv = scores[mode]["tune"] + scores[mode]["held"]
        overall[mode] = mean(allv)
        times[mode].sort()
        print(f"{mode:9s} nDCG@10 {overall[mode]:.3f} (tune half {mean(scores[mode]['tune']):.3f}"
              f", held-out half {mean(scores[mode]['held']):.3f})  recall@10 "
              f"{mean(recalls[mode]['tune'] + recalls[mode]['held']):.3f} (tune "
              f"{mean(recalls[mode]['tune']):.3f}, held {mean(recalls[mode]['held']):.3f})  "
              f"median query {1000 * times[mode][len(times[mode]) // 2]:.1f} ms")
    print(f"queries: {len(scores['text']['tune'])} tune, {len(scores['text']['held'])} held out")
    store.close()
    print(f"ndcg10_hybrid={overall['hybrid']:.4f} ndcg10_text={overall['text']:.4f} "
          f"ndcg10_semantic={overall['semantic']:.4f}")


if __name__ == "__main__":
    main()
