"""Ingest throughput on the bundled sample corpus, and the article page's latency.

    python bench/ingest.py [--corpus data/corpus] [--requests 1000] [--runs 3]

1. Ingest the bundled corpus (the inputs data/corpus/demo.json lists) into a fresh SQLite
   store, three times (median): articles per second stored (files already read, no
   enrichment), then articles per second through all the enrichment stages.
2. Serve the store with uvicorn on loopback in a child process and time 1,000 GETs of
   article pages (round-robin over all articles) from this process: p50 and p95.
Last line: `ingest_per_s=<v> enrich_per_s=<v> page_p50_ms=<v> page_p95_ms=<v>`.
"""
from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run(corpus: Path, db: str) -> tuple[int, float, float]:
    from newsdesk.pipeline import default_stages, enrich_articles, ingest_items
    from newsdesk.sources.files import read_paths
    from newsdesk.store.base import open_store

    from newsdesk.corpus import bundled_inputs

    store = open_store(db)
    items = [item for entry in bundled_inputs(corpus)
             for item in read_paths([str(entry.path)], entry.source, entry.section)]
    t0 = time.perf_counter()
    report = ingest_items(store, items, enrich=False)
    t1 = time.perf_counter()
    ids = report.new_ids
    stages = default_stages()
    for start in range(0, len(ids), 32):
        enrich_articles(store, ids[start:start + 32], stages)
    t2 = time.perf_counter()
    store.close()
    return len(ids), len(ids) / (t1 - t0), len(ids) / (t2 - t1)


def page_latency(db: str, n: int) -> tuple[float, float]:
    import httpx

    from newsdesk.store.base import open_store

    store = open_store(db)
    ids = list(store.article_ids(0, 100000))
    store.close()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "serve", "--port",
                               str(port), "--db", db], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(timeout=30) as client:
            deadline = time.time() + 60
            while True:
                try:
                    client.get(base + "/api/articles?limit=1")
                    break
                except httpx.TransportError:
                    if time.time() > deadline:
                        raise SystemExit("server did not start")
                    time.sleep(0.2)
            for aid in ids[:20]:  # warm caches once
                client.get(f"{base}/articles/{aid}")
            times = []
            for i in range(n):
                t = time.perf_counter()
                r = client.get(f"{base}/articles/{ids[i % len(ids)]}")
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
    finally:
        server.terminate()
        server.wait(10)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT / "data" / "corpus"),
                    help="a folder with demo.json listing its inputs (the bundled corpus)")
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.exists():
        raise SystemExit(f"corpus not found at {corpus}")
    tmp = Path(tempfile.mkdtemp(prefix="nd-bench-"))
    runs = []
    for i in range(args.runs):
        n, ingest_rate, enrich_rate = one_run(corpus, str(tmp / f"run{i}.db"))
        print(f"run {i + 1}: {n} articles, ingest {ingest_rate:.1f}/s, enrich {enrich_rate:.1f}/s")
        runs.append((ingest_rate, enrich_rate))
    ingest_rate = statistics.median(r[0] for r in runs)
    enrich_rate = statistics.median(r[1] for r in runs)
    p50, p95 = page_latency(str(tmp / "run0.db"), args.requests)
    print(f"article page over {args.requests} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"ingest_per_s={ingest_rate:.1f} enrich_per_s={enrich_rate:.1f} "
          f"page_p50_ms={p50:.1f} page_p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
