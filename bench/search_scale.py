"""Search latency and memory at scale in the embedded default (SQLite + usearch beside it).

    python bench/search_scale.py ../shared/data --n 100000 --db /tmp/search100k.db
    python bench/search_scale.py ../shared/data --n 1000000 --db /tmp/search1m.db

Builds (once; an existing database of the right size is reused) a store of N articles made
from real text: ECB+, BBC, FRANK and Wikinews articles, each copy a different selection of
its paragraphs (and one from another article), under one of 60 outlets, 8 sections and a date
over three years, inserted in shuffled order with executemany in one transaction. Enrichment
is skipped. Vectors: every distinct paragraph is embedded once with the static model, and an
article's vector is the normalised mean of its paragraphs' vectors, which is what mean pooling
over its tokens gives, up to paragraph length weights (embedding each of a million articles
from scratch takes about an hour on 2 cores). Then 1,000 mixed queries (a third each text,
semantic and hybrid; a quarter with filters; some with operators, phrases and fields) run
through newsdesk.search.hybrid.search with facets, as the page asks, with the text ranking
index (tantivy, in a folder beside the database) that the site opens on SQLite.
Last line: `n=<N> p50_ms=<v> p95_ms=<v> rss_mb=<v>`.
"""
from __future__ import annotations

import argparse
import html
import json
import random
import re
import resource
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.enrich.embed import EMBED_MODEL, embed_texts  # noqa: E402
from newsdesk.search import hybrid, textindex, vectors  # noqa: E402
from newsdesk.store.base import open_store  # noqa: E402
from newsdesk.store.sql import dumps  # noqa: E402

SECTIONS = ["Politics", "World", "Business", "Technology", "Science", "Health", "Sport",
            "Culture"]
OUTLETS = [f"Outlet {i:02d}" for i in range(60)]
START = datetime(2023, 1, 1, tzinfo=timezone.utc)
TAG = re.compile(r"<[^>]+>")


def base_docs(data: Path) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of every real article found under the data folder."""
    docs = []
    for line in (data / "stories/ecbplus/ecbplus_docs.jsonl").open():
        lines = [x for x in json.loads(line)["text"].split("\n") if x.strip()]
        docs.append((lines[0], lines[1:] or lines))
    for line in (data / "sections/bbc/bbc_news.jsonl").open():
        d = json.loads(line)
        docs.append((d["title"], [p for p in d["body"].split("\n\n") if p.strip()]))
    for line in (data / "summaries/frank/frank_articles_references.jsonl").open():
        d = json.loads(line)
        sents = re.split(r"(?<=[.!?])\s+", d["article"])
        paras = [" ".join(sents[i:i + 3]) for i in range(0, len(sents), 3)]
        docs.append((sents[0][:120], paras))
    for path in sorted((data / "corpus/wikinews-timeline").rglob("*.tml")):
        text = html.unescape(TAG.sub(" ", path.read_text(encoding="utf-8", errors="replace")))
        sents = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]
        paras = [" ".join(sents[i:i + 3]) for i in range(0, len(sents), 3)]
        if paras:
            docs.append((sents[0][:120], paras))
    return [(t, p) for t, p in docs if p]


def build(store, docs, n: int, rng: random.Random) -> None:
    paras = sorted({p for _, ps in docs for p in ps})
    index = {p: i for i, p in enumerate(paras)}
    t0 = time.perf_counter()
    pvecs = np.concatenate([embed_texts(paras[i:i + 4096]) for i in range(0, len(paras), 4096)])
    tvecs = embed_texts([t for t, _ in docs])
    print(f"embedded {len(paras)} paragraphs and {len(docs)} titles in "
          f"{time.perf_counter() - t0:.0f} s")
    with store.transaction():
        store._conn().executemany("INSERT INTO sources (id, name) VALUES (?, ?)",
                                  [(i + 1, o) for i, o in enumerate(OUTLETS)])
    order = list(range(n))
    rng.shuffle(order)
    t0 = time.perf_counter()
    for start in range(0, n, 50_000):
        rows, fts, embs = [], [], []
        for k in order[start:start + 50_000]:
            aid = k + 1
            title, ps = docs[k % len(docs)]
            take = sorted(rng.sample(range(len(ps)), min(len(ps), rng.randint(2, 5))))
            body = [ps[i] for i in take] + [rng.choice(rng.choice(docs)[1])]
            when = START + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
            blocks = dumps([{"kind": "paragraph", "text": b} for b in body])
            rows.append((aid, f"https://scale.example/{aid}", rng.randrange(60) + 1, title,
                         rng.choice(SECTIONS), store._ts(when), blocks, f"h{aid}"))
            fts.append((aid, title, "", "\n\n".join(body)))
            vec = tvecs[k % len(docs)] + pvecs[[index[b] for b in body]].sum(axis=0)
            embs.append((aid, EMBED_MODEL, (vec / np.linalg.norm(vec)).astype(np.float16)
                         .tobytes()))
        with store.transaction():
            conn = store._conn()
            conn.executemany("INSERT INTO articles (id, url, source_id, title, section, "
                             "published_at, body, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             rows)
            conn.executemany("INSERT INTO article_fts (rowid, title, summary, body) "
                             "VALUES (?, ?, ?, ?)", fts)
            conn.executemany("INSERT INTO article_embeddings (article_id, model, vector) "
                             "VALUES (?, ?, ?)", embs)
        print(f"  {start + len(rows)} articles, {time.perf_counter() - t0:.0f} s", flush=True)


def queries(docs, rng: random.Random, count: int) -> list[tuple[str, str, dict]]:
    out = []
    words = [w for t, _ in docs for w in re.findall(r"[A-Za-z]{5,}", t)]
    for i in range(count):
        mode = hybrid.MODES[i % 3]
        title = rng.choice(docs)[0]
        kind = rng.randrange(4)
        if mode == "semantic":
            q = title
        elif kind == 0:
            q = " ".join(rng.sample(words, 2))
        elif kind == 1:
            a, b, c = rng.sample(words, 3)
            q = f'"{a} {b}" OR ({c} -{rng.choice(words)})'
        elif kind == 2:
            q = f"title:{rng.choice(words)} {rng.choice(words)}"
        else:
            q = title
        filters = {}
        if rng.random() < 0.25:
            filters = rng.choice([{"section": rng.choice(SECTIONS)},
                                  {"after": f"{rng.choice([2023, 2024, 2025])}-06-01"},
                                  {"source": rng.choice(OUTLETS)}])
        out.append((q, mode, filters))
    return out


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/newsdesk-search-scale.db"))
    ap.add_argument("--queries", type=int, default=1000)
    args = ap.parse_args()
    if not (args.data / "stories/ecbplus/ecbplus_docs.jsonl").exists():
        sys.exit(f"search_scale bench: evaluation data not found under {args.data}")
    rng = random.Random(5)
    docs = base_docs(args.data)
    store = open_store(str(args.db))
    have = store.count_articles()
    if have != args.n:
        if have:
            sys.exit(f"{args.db} holds {have} articles, not {args.n}: remove it first")
        print(f"building {args.n} articles from {len(docs)} real ones into {args.db}")
        build(store, docs, args.n, rng)
    t0 = time.perf_counter()
    vi = vectors.open_index(store)
    print(f"vector index ready in {time.perf_counter() - t0:.0f} s ({len(vi.index)} vectors; "
          f"built when missing or stale, else loaded)")
    t0 = time.perf_counter()
    ti = textindex.open_text_index(store)
    print(f"text index ready in {time.perf_counter() - t0:.0f} s "
          f"({ti.index.searcher().num_docs} articles; built when missing or stale, else loaded)")
    base_rss = rss_mb()
    qs = queries(docs, random.Random(7), args.queries)
    for q, mode, f in qs[:20]:  # warm the page cache and the model
        hybrid.search(store, vi, q, mode=mode, filters=f, ti=ti)
    times: dict[str, list[float]] = {m: [] for m in hybrid.MODES}
    for q, mode, f in qs:
        t = time.perf_counter()
        hybrid.search(store, vi, q, mode=mode, filters=f, ti=ti)
        times[mode].append(1000 * (time.perf_counter() - t))
    alltimes = sorted(t for ts in times.values() for t in ts)

    def pct(xs: list[float], p: float) -> float:
        return statistics.quantiles(xs, n=100)[int(p) - 1] if len(xs) > 1 else xs[0]

    for mode, ts in times.items():
        print(f"{mode:9s} p50 {pct(ts, 50):.1f} ms  p95 {pct(ts, 95):.1f} ms  ({len(ts)} queries)")
    rss = rss_mb()
    print(f"all       p50 {pct(alltimes, 50):.1f} ms  p95 {pct(alltimes, 95):.1f} ms; "
          f"RSS {rss:.0f} MB (after loading the index {base_rss:.0f} MB); "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"n={args.n} p50_ms={pct(alltimes, 50):.1f} p95_ms={pct(alltimes, 95):.1f} "
          f"rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
