"""Throughput of wire-copy detection and story clustering as the store grows.

    python bench/cluster_speed.py ../shared/data [--sizes 1000,10000,100000] [--measure 500]
        [--db PATH]

Real text: BBC News and ECB+ articles, mixed sentence by sentence (half of each new article
from one base article, the rest from two others) so that every article is new text and goes
through the whole clustering path rather than the wire-copy short cut; a tenth are plain
copies of an earlier article under another outlet (the wire case). Dates advance by about
300 articles a day and outlets rotate over 40 names, as a steady news flow. At each size the
next 500 articles are timed one by one through store.add_article + the story stage (SQLite
file, as deployed); the figure is articles per second from the median time per article.
Last line: size_<N>=<articles per second> ... flat_ratio=<last / first>
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdesk.models import Article, Block, Source  # noqa: E402
from newsdesk.store.base import open_store  # noqa: E402
from newsdesk.stories.stage import assign  # noqa: E402

SENT = re.compile(r"(?<=[.!?])\s+")
START = datetime(2010, 1, 1, tzinfo=timezone.utc)
PER_DAY = 300
MEASURE = 500


def corpus(data: Path) -> list[tuple[str, list[str]]]:
    docs = []
    for line in (data / "sections" / "bbc" / "bbc_news.jsonl").open():
        r = json.loads(line)
        docs.append((r["title"], [s for p in r["body"].split("\n\n") for s in SENT.split(p) if s]))
    for line in (data / "stories" / "ecbplus" / "ecbplus_docs.jsonl").open():
        r = json.loads(line)
        lines = [ln for ln in r["text"].split("\n") if ln.strip()]
        docs.append((lines[0], [s for ln in lines[1:] for s in SENT.split(ln) if s]))
    return [d for d in docs if len(d[1]) >= 4]


def make(i: int, docs, rng: random.Random, made: list[Article]) -> Article:
    when = START + timedelta(seconds=i * 86400 // PER_DAY)
    outlet = Source(name=f"Outlet {i % 40}")
    if made and rng.random() < 0.1:
        base = made[rng.randrange(max(0, len(made) - 2000), len(made))]
        return Article(url=f"s:{i}", title=base.title, source=outlet, published_at=when,
                       body=list(base.body), content_hash=f"h{i}")
    title, sents = docs[rng.randrange(len(docs))]
    mix = sents[: len(sents) // 2 + 1]
    for _ in range(2):
        other = docs[rng.randrange(len(docs))][1]
        mix += rng.sample(other, min(len(other), max(1, len(sents) // 4)))
    paras = [" ".join(mix[k:k + 3]) for k in range(0, len(mix), 3)]
    return Article(url=f"s:{i}", title=title, source=outlet, published_at=when,
                   body=[Block("paragraph", p) for p in paras], content_hash=f"h{i}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", help="the shared data folder (../shared/data)")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--measure", type=int, default=MEASURE, help="articles timed at each size")
    ap.add_argument("--db", default="", help="SQLite file to build (default: a temporary one)")
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "sections" / "bbc" / "bbc_news.jsonl").is_file():
        sys.exit(f"data not found under {data}")
    sizes = [int(s) for s in args.sizes.split(",")]
    docs = corpus(data)
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(args.db or str(Path(tmp) / "speed.db"))
        made: list[Article] = []
        results = {}
        t_fill = time.perf_counter()
        for size in sizes:
            while len(made) < size:
                a = make(len(made), docs, rng, made)
                a.id = store.add_article(a)
                assign(store, a, [])
                made.append(a)
            times = []
            for _ in range(args.measure):
                a = make(len(made), docs, rng, made)
                t0 = time.perf_counter()
                a.id = store.add_article(a)
                assign(store, a, [])
                times.append(time.perf_counter() - t0)
                made.append(a)
            med = statistics.median(times)
            results[size] = 1 / med
            stories = store._scalar("SELECT COUNT(*) FROM stories WHERE article_count > 0")
            print(f"store at {size:>7} articles: median {med * 1000:.1f} ms per article "
                  f"({1 / med:.0f}/s; mean {len(times) / sum(times):.0f}/s), {stories} stories; "
                  f"{time.perf_counter() - t_fill:.0f} s so far", flush=True)
        store.close()
    first, last = results[sizes[0]], results[sizes[-1]]
    print(" ".join(f"size_{s}={v:.1f}" for s, v in results.items()) +
          f" flat_ratio={last / first:.3f}")


if __name__ == "__main__":
    main()
