"""Throughput of wire-copy detection and story clustering at 1k, 10k and 100k stored articles.

    python bench/cluster_speed.py /work/shared/data [--sizes 1000,10000,100000] [--batch 300]
        [--batches 3] [--dir /tmp/newsdesk_cluster_speed]

Clustering 100k articles one by one to reach the size would take hours here, so each store is
pre-populated in bulk (SQL straight into the store's own schema, after its migrations): the
articles with their full-text rows, outlets and dates, and the clusterer's whole state as the
stage would have left it: MinHash LSH bands (`dedup_bands`, the stage's own signature code),
wire-copy groups, document frequencies (`story_df`), stories with their centroids
(`story_vectors`, the stage's own vectors) and salient-term postings by day.

Real text: BBC News and ECB+ articles, mixed sentence by sentence (half of each article from
one base article, the rest from two others) so every article is new text; a tenth are plain
copies of a recent article under another outlet (the wire case). Dates advance by about 300
articles a day (100k articles span eleven months); outlets are drawn from 200, a few large and
many small. Prefilled stories group the articles of one base text within one week, as a
clusterer would; each wire copy sits in its original's story.

Then the same batches of new articles (by default 3 batches of 300, each the same text at
every size, dated just after the store's newest article, a tenth copying recent articles) go
one by one through store.add_article + the story stage (wire-copy check, clustering, merges
and splits), each batch on a fresh copy of the store. Reported per size: articles per second
(wall) and CPU ms per article, all and in the story stage alone, the median of the batches.
Wall time on a shared machine swings by half from run to run; the stage's CPU time per article
is the steady figure, and its ratio (1k over 100k: 1 is flat) is printed before the last line.
The stage's work per article is bounded (at most 30 candidate stories of at most 300 terms,
wire-copy candidates within a week): it grows until the recent window is full (about 2,400
articles at 300 a day; the 1k store holds three days) and is then the same at any size.
Last line: per_s_1k=<v> per_s_10k=<v> per_s_100k=<v> ratio_100k_1k=<v>
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdesk.models import Article, Block, Source  # noqa: E402
from newsdesk.store.base import open_store  # noqa: E402
from newsdesk.store.sql import body_to_json, dumps  # noqa: E402
from newsdesk.store.stories import epoch_day  # noqa: E402
from newsdesk.stories import cluster, dedup  # noqa: E402
from newsdesk.stories.stage import assign  # noqa: E402

SENT = re.compile(r"(?<=[.!?])\s+")
START = datetime(2010, 1, 1, tzinfo=timezone.utc)
PER_DAY = 300
OUTLETS = 200
COPY_SHARE = 0.1
COPY_FROM = 2000  # a wire copy repeats one of the newest this many articles
FLUSH_EVERY = 5000  # articles per transaction of the prefill; idle stories are written then


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


def outlet(rng: random.Random) -> Source:
    # a few large outlets and many small ones (Zipf-like weights)
    k = min(int(rng.paretovariate(0.8)), OUTLETS)
    return Source(name=f"Outlet {k:03d}")


def fresh(key: str, docs, rng: random.Random, when: datetime) -> tuple[Article, int]:
    """A new text: half of one base article's sentences, a quarter each from two others."""
    base = rng.randrange(len(docs))
    title, sents = docs[base]
    mix = sents[: len(sents) // 2 + 1]
    for _ in range(2):
        other = docs[rng.randrange(len(docs))][1]
        mix += rng.sample(other, min(len(other), max(1, len(sents) // 4)))
    paras = [" ".join(mix[k:k + 3]) for k in range(0, len(mix), 3)]
    return Article(url=f"s:{key}", title=title, source=outlet(rng), published_at=when,
                   body=[Block("paragraph", p) for p in paras], content_hash=f"h{key}"), base


def copy_of(key: str, original: Article, rng: random.Random, when: datetime) -> Article:
    return Article(url=f"s:{key}", title=original.title, source=outlet(rng), published_at=when,
                   body=list(original.body), content_hash=f"h{key}")


def when_of(i: int) -> datetime:
    return START + timedelta(seconds=i * 86400 // PER_DAY)


# -- the prefilled store ------------------------------------------------------------------------
def plan_articles(n: int, docs):
    """n articles in order, each with its story key and the index of its wire original (or
    None); a generator, so that 100k articles never sit in memory at once."""
    rng = random.Random(5)
    recent: dict[int, tuple[Article, tuple]] = {}
    for i in range(n):
        when = when_of(i)
        if i and rng.random() < COPY_SHARE:
            j = rng.randrange(max(0, i - COPY_FROM), i)
            original, story = recent[j]
            item = (copy_of(str(i), original, rng, when), story, j)
        else:
            a, base = fresh(str(i), docs, rng, when)
            item = (a, (base, cluster.day_number(when) // 7), None)
        recent[i] = item[:2]
        recent.pop(i - COPY_FROM - 1, None)
        yield item


def build_store(path: Path, n: int, docs) -> None:
    """The store as the story stage would have left it after n articles, written in bulk."""
    t0 = time.perf_counter()
    df: Counter = Counter()
    for a, _story, _orig in plan_articles(n, docs):  # document frequencies first
        df.update(cluster.term_counts(a.title, a.text).keys())
    print(f"  document frequencies of {len(df)} terms in {time.perf_counter() - t0:.0f} s",
          flush=True)

    open_store(str(path)).close()  # the store's own schema, through its migrations
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # a build that fails is simply rebuilt
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO story_df (term, df) VALUES (?, ?)",
                     [("", n), *df.items()])
    sources: dict[str, int] = {}
    story_ids: dict[tuple, int] = {}
    stories: dict[int, dict] = {}  # open stories: centroid, size, dates, outlets
    groups: dict[int, int] = {}  # wire group of each copied or copying article

    written: set[int] = set()

    def reopen(sid: int) -> None:
        title, first, n_articles = conn.execute(
            "SELECT title, first_seen, article_count FROM stories WHERE id = ?", (sid,)).fetchone()
        vector = conn.execute("SELECT vector FROM story_vectors WHERE story_id = ?",
                              (sid,)).fetchone()[0]
        outlets = {r[0] for r in conn.execute("SELECT DISTINCT s.name FROM articles a JOIN "
                                              "sources s ON s.id = a.source_id WHERE "
                                              "a.story_id = ?", (sid,))}
        conn.execute("DELETE FROM stories WHERE id = ?", (sid,))
        conn.execute("DELETE FROM story_vectors WHERE story_id = ?", (sid,))
        written.discard(sid)
        stories[sid] = {"title": title, "first": datetime.fromisoformat(first), "n": n_articles,
                        "centroid": json.loads(vector), "outlets": outlets}

    def close_stories(before_week: int) -> None:
        for sid in [s for s, st in stories.items() if st["week"] < before_week]:
            st = stories.pop(sid)
            written.add(sid)
            conn.execute("INSERT INTO stories (id, title, first_seen, last_seen, article_count,"
                         " source_count) VALUES (?, ?, ?, ?, ?, ?)",
                         (sid, st["title"], ts(st["first"]), ts(st["last"]), st["n"],
                          len(st["outlets"])))
            conn.execute("INSERT INTO story_vectors (story_id, vector, n) VALUES (?, ?, ?)",
                         (sid, dumps(st["centroid"]), st["n"]))

    for i, (a, key, original) in enumerate(plan_articles(n, docs)):
        aid, day = i + 1, cluster.day_number(a.published_at)
        week = day // 7
        if a.source.name not in sources:
            sources[a.source.name] = len(sources) + 1
            conn.execute("INSERT INTO sources (id, name) VALUES (?, ?)",
                         (sources[a.source.name], a.source.name))
        sid = story_ids.setdefault(key, len(story_ids) + 1)
        if sid not in stories and sid in written:  # a copy of a copy of an old story
            reopen(sid)
        st = stories.setdefault(sid, {"title": a.title, "first": a.published_at, "n": 0,
                                      "centroid": {}, "outlets": set()})
        st["week"] = week  # of its latest article
        vec = cluster.vectorise(cluster.term_counts(a.title, a.text), df, n)
        st["centroid"] = cluster.add_vectors(st["centroid"], vec)
        st["n"] += 1
        st["last"] = a.published_at
        st["outlets"].add(a.source.name)
        conn.execute(
            "INSERT INTO articles (id, url, source_id, title, published_at, language, body, "
            "content_hash, fetched_at, story_id, listed_at) VALUES (?, ?, ?, ?, ?, 'en', ?, ?, "
            "?, ?, ?)", (aid, a.url, sources[a.source.name], a.title, ts(a.published_at),
                         body_to_json(a.body), a.content_hash, ts(a.published_at), sid,
                         ts(a.published_at)))
        conn.execute("INSERT INTO article_fts (rowid, title, summary, body) VALUES (?, ?, '', ?)",
                     (aid, a.title, a.text))
        sh = dedup.shingles(a.text)  # the stage's own signature and band keys
        if len(sh) >= dedup.MIN_SHINGLES:
            day = epoch_day(a.published_at)
            conn.executemany("INSERT OR IGNORE INTO dedup_bands (band, article_id, day) VALUES "
                             "(?, ?, ?)", [(b, aid, day)
                                           for b in dedup.band_keys(dedup.signature(sh))])
        if original is not None:
            group = groups.setdefault(original + 1, original + 1)
            if group == original + 1:
                conn.execute("INSERT OR IGNORE INTO wire_copies (article_id, group_id, "
                             "similarity) VALUES (?, ?, 1.0)", (group, group))
            groups[aid] = group
            conn.execute("INSERT INTO wire_copies (article_id, group_id, similarity) VALUES "
                         "(?, ?, 1.0)", (aid, group))
        conn.executemany("INSERT OR IGNORE INTO story_postings (term, day, story_id) VALUES "
                         "(?, ?, ?)", [(t, day, sid) for t in cluster.top_terms(vec)])
        if i % FLUSH_EVERY == FLUSH_EVERY - 1:
            close_stories(week - 2)  # idle two weeks; a reopened one is read back
            conn.execute("COMMIT")
            conn.execute("BEGIN")
            print(f"  {i + 1} articles {time.perf_counter() - t0:.0f} s", flush=True)
    close_stories(10 ** 9)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    print(f"  built {path}: {len(story_ids)} stories in {time.perf_counter() - t0:.0f} s",
          flush=True)


def ts(dt: datetime) -> str:
    return dt.isoformat(" ")  # the format sqlite3's adapter stores


def stored_count(path: Path) -> int:
    """Articles in a complete prefilled store (0 when missing or unfinished)."""
    if not path.is_file():
        return 0
    conn = sqlite3.connect(str(path))
    try:
        if not conn.execute("SELECT COUNT(*) FROM story_vectors").fetchone()[0]:
            return 0
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


# -- the timed batches --------------------------------------------------------------------------
def make_batch(k: int, size: int, n_store: int, docs, store) -> list[Article]:
    """Batch k: the same texts at every store size, dated after the store's newest article;
    a tenth copy one of the store's newest articles (the same position from the end)."""
    rng = random.Random(1000 + k)
    out = []
    for j in range(size):
        when = when_of(n_store + j)
        key = f"b{k}-{j}"
        if rng.random() < COPY_SHARE:
            back = rng.randrange(1, min(COPY_FROM, n_store) + 1)
            out.append(copy_of(key, store.get_article(n_store + 1 - back), rng, when))
        else:
            out.append(fresh(key, docs, rng, when)[0])
    return out


def time_batch(prefilled: Path, work: Path, n_store: int, k: int, size: int,
               docs) -> tuple[float, float, float]:
    """(wall s, CPU s, CPU s of the story stage alone) to add batch k to a fresh copy of the
    prefilled store (store.add_article is timed too, but is not the stories stage's code)."""
    shutil.copyfile(prefilled, work)
    with work.open("rb+") as f:  # written out now, not by the kernel while the batch is timed
        os.fsync(f.fileno())
    store = open_store(str(work))
    try:
        batch = make_batch(k, size, n_store, docs, store)
        wall = cpu = stage = 0.0
        for a in batch:
            w0, c0 = time.perf_counter(), time.process_time()
            a.id = store.add_article(a)
            c1 = time.process_time()
            assign(store, a, [])
            wall += time.perf_counter() - w0
            cpu += time.process_time() - c0
            stage += time.process_time() - c1
        return wall, cpu, stage
    finally:
        store.close()
        for p in work.parent.glob(work.name + "*"):
            p.unlink()


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", help="the shared data folder (/work/shared/data)")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--batch", type=int, default=300, help="articles in each timed batch")
    ap.add_argument("--batches", type=int, default=3)
    ap.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "newsdesk_cluster_speed"),
                    help="where the prefilled stores are kept (reused when complete)")
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "sections" / "bbc" / "bbc_news.jsonl").is_file():
        sys.exit(f"data not found under {data}")
    sizes = [int(s) for s in args.sizes.split(",")]
    docs = corpus(data)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[int, float] = {}
    cpu: dict[int, float] = {}
    for n in sizes:
        path = folder / f"store_{n}.db"
        if stored_count(path) != n:
            for p in folder.glob(f"store_{n}.db*"):
                p.unlink()
            print(f"building the {n}-article store", flush=True)
            build_store(path, n, docs)
        runs = [time_batch(path, folder / f"work_{n}.db", n, k, args.batch, docs)
                for k in range(args.batches)]
        per_s = statistics.median(args.batch / w for w, _c, _s in runs)
        cpu_ms = statistics.median(c / args.batch * 1000 for _w, c, _s in runs)
        stage_ms = statistics.median(st / args.batch * 1000 for _w, _c, st in runs)
        results[n] = per_s
        cpu[n] = stage_ms
        print(f"store of {n:>7} articles: {per_s:.1f} articles/s wall, {cpu_ms:.1f} ms CPU "
              f"per article ({stage_ms:.1f} ms of it the story stage; median of {len(runs)} "
              f"batches of {args.batch}; wall per batch "
              + ", ".join(f"{w:.1f} s" for w, _c, _s in runs) + ")", flush=True)
    first, last = label(sizes[0]), label(sizes[-1])
    print(" ".join(f"stage_cpu_ms_{label(n)}={v:.2f}" for n, v in cpu.items())
          + f" cpu_ratio_{last}_{first}={cpu[sizes[0]] / cpu[sizes[-1]]:.3f}")
    print(" ".join(f"per_s_{label(n)}={v:.1f}" for n, v in results.items())
          + f" ratio_{last}_{first}={results[sizes[-1]] / results[sizes[0]]:.3f}")


if __name__ == "__main__":
    main()
