"""What trending costs at a store's size: trending keywords against trending entities.

    python bench/trending_scale.py [--n 50000] [--days 60] [--db /tmp/trending_scale.db] [--runs 5]

Builds a SQLite store (the store's own schema, after its migrations) with N articles spread
over DAYS days and three outlets, 6 keywords per article (drawn from 5,000 phrases, a few
common and many rare) and 8 entity links (from 2,000 names), in bulk SQL: what the cost
depends on is the number of rows in the windows, not the words, so the text is synthetic.
Then times `trending_keywords` and `trending_entities` as of the newest article for the 24h
and 7d windows (each reads its window and the 7 before it), median of --runs.
Last line: `keywords_7d_ms=<v> entities_7d_ms=<v> keywords_24h_ms=<v> entities_24h_ms=<v>`.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdesk.rank.trending import trending_entities, trending_keywords  # noqa: E402
from newsdesk.store.base import open_store  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def ts(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def build(path: Path, n: int, days: int) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    open_store(str(path)).close()  # the schema, by the store's own migrations
    rnd = random.Random(1)
    phrases = [f"phrase{i}" for i in range(5000)]
    db = sqlite3.connect(path)
    db.execute("INSERT INTO sources (id, name) VALUES (1, 'A'), (2, 'B'), (3, 'C')")
    articles, keywords, links = [], [], []
    for i in range(1, n + 1):
        when = ts(T0 + timedelta(seconds=rnd.random() * days * 86400))
        articles.append((i, f"u{i}", rnd.randint(1, 3), f"t{i}", when, "[]", "[]", f"h{i}",
                         when, when))
        # a skewed vocabulary: a few phrases in many articles, most in few
        keywords += [(i, p, r) for r, p in enumerate(
            rnd.sample(phrases[:int(rnd.random() * 5000) + 6], 6))]
        links += [(i, e) for e in rnd.sample(range(1, 2001), 8)]
    db.executemany("INSERT INTO articles (id, url, source_id, title, published_at, body, media, "
                   "content_hash, fetched_at, listed_at) VALUES (?,?,?,?,?,?,?,?,?,?)", articles)
    db.executemany("INSERT INTO article_keywords (article_id, keyword, rank) VALUES (?,?,?)",
                   keywords)
    db.executemany("INSERT INTO entities (id, name, key, type) VALUES (?,?,?,?)",
                   [(j, f"Name {j}", f"name {j}", "PERSON") for j in range(1, 2001)])
    db.executemany("INSERT INTO article_entities (article_id, entity_id, mentions) "
                   "VALUES (?,?,1)", links)
    db.commit()
    db.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--db", type=Path, default=Path("/tmp/trending_scale.db"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    build(args.db, args.n, args.days)
    store = open_store(str(args.db))
    now = T0 + timedelta(days=args.days)
    figures = {}
    for window in ("7d", "24h"):
        for name, fn in (("keywords", trending_keywords), ("entities", trending_entities)):
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                fn(store, now, window, 20)
                times.append(time.perf_counter() - start)
            figures[f"{name}_{window}_ms"] = statistics.median(times) * 1000
            print(f"{args.n} articles over {args.days} days, {window}: trending {name} "
                  f"median {figures[f'{name}_{window}_ms']:.0f} ms")
    store.close()
    print(" ".join(f"{k}={v:.0f}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
