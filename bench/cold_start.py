"""The first readers of a freshly started site whose search indexes must be rebuilt.

    python bench/cold_start.py /tmp/s1m.db --stale

Serves the SQLite store with this checkout's code (as bench/web_latency.py does) and times,
from the moment the server answers, the first search, the first article page and the
search page over the next `--window` seconds, then how long after start-up the search index
reports itself rebuilt (`indexing` empty in /api/search). `--stale` first removes the text
ranking index folder and the vector file beside the store (both are derived from the store
and rebuilt from it), which is what a restored backup, a store built by bench/make_store.py
or an index format change leaves. Without it the indexes are whatever is on disk.

Last line: `first_search_ms=... first_article_ms=... search_p50_ms=... article_p50_ms=...
rebuilt_s=...`.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

import httpx

from web_latency import BROWSER, free_port, serve

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pick(db: str) -> tuple[int, str]:
    """The newest article and the longest word of its title (a query it answers)."""
    from newsdesk.store.base import ArticleFilter, open_store

    store = open_store(db)
    try:
        art = store.list_articles(ArticleFilter(limit=1))[0]
        return art.id, max(re.findall(r"[A-Za-z]+", art.title), key=len)
    finally:
        store.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", help="SQLite path")
    ap.add_argument("--stale", action="store_true", help="remove the derived indexes first")
    ap.add_argument("--window", type=float, default=20.0, help="seconds of timed searches")
    ap.add_argument("--timeout", type=float, default=3600.0, help="give up on the rebuild")
    args = ap.parse_args()
    if not Path(args.store).exists():
        print(f"store not found: {args.store} (build one with bench/make_store.py)")
        return 2
    if args.stale:
        shutil.rmtree(args.store + ".text.tantivy", ignore_errors=True)
        Path(args.store + ".vectors.usearch").unlink(missing_ok=True)
    article, word = pick(args.store)
    port = free_port()
    started = time.monotonic()
    server = serve(args.store, port)
    searches: list[float] = []
    articles: list[float] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=args.timeout,
                          headers={"User-Agent": BROWSER}) as client:
            while True:
                try:
                    client.get("/about")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            up = time.monotonic() - started

            def timed(path: str, **params) -> tuple[float, httpx.Response]:
                t0 = time.perf_counter()
                res = client.get(path, params=params)
                return (time.perf_counter() - t0) * 1000, res

            first_search, res = timed("/search", q=word)
            first_article, _ = timed(f"/articles/{article}")
            end = time.monotonic() + args.window
            while time.monotonic() < end:
                searches.append(timed("/search", q=word)[0])
                articles.append(timed(f"/articles/{article}")[0])
            while True:
                _, res = timed("/api/search", q=word, limit=1)
                if not res.json().get("indexing"):
                    break
                if time.monotonic() - started > args.timeout:
                    raise SystemExit("the index was not rebuilt in time")
                time.sleep(1.0)
            rebuilt = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(10)
    print(f"store={args.store} article={article} query={word!r}; server up after {up:.1f} s")
    print(f"first search {first_search:.0f} ms, first article page {first_article:.0f} ms; "
          f"in the next {args.window:.0f} s, {len(searches)} searches: p50 "
          f"{statistics.median(searches):.0f} ms, max {max(searches):.0f} ms, and as many article "
          f"pages: p50 {statistics.median(articles):.0f} ms, max {max(articles):.0f} ms; "
          f"index rebuilt {rebuilt:.0f} s after start")
    print(f"first_search_ms={first_search:.0f} first_article_ms={first_article:.0f} "
          f"search_p50_ms={statistics.median(searches):.0f} "
          f"article_p50_ms={statistics.median(articles):.0f} rebuilt_s={rebuilt:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
