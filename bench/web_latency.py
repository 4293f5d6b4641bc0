"""Request latency through the real server: uvicorn on loopback, timed from this process.

    python bench/web_latency.py demo.db
    python bench/web_latency.py postgresql://postgres@127.0.0.1:5432/nd_demo --runs 200

Serves the store with this checkout's code (`newsdesk.web.app.create_app` under uvicorn, as
`newsdesk serve` does) in a child process, waits for the warm-up, then asks each route in
turn, round after round, over one keep-alive connection, as a browser does (its User-Agent
is a browser's, so article pages record a view). Prints each route's median and p90 in ms;
the last line is `name=value` pairs (`about_p50_ms=... article_p50_ms=...`). The article is
the newest one in a story, the story the largest (or `--article`, `--story`).

With `--minutes N`, the article page is then asked without pause for N minutes: the
first requests after each minute turns pay for what is computed once a minute (the trending
rail), so `minute_turn_max_ms` is the slowest request in the first 2 s of each minute and
`steady_p99_ms` the 99th percentile of the rest.

Then `--bursts` times: 10.5 s of quiet (anyio retires a worker thread idle for 10 s), and
`--clients` readers at once each ask every route; `burst_p50_ms` is the median over those
requests. On PostgreSQL, `pg_backends` is how many server connections the web process holds
at the end (its backends carry the application name `newsdesk_web_latency`).
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0 Safari/537.36")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pick_ids(url: str) -> tuple[int, int]:
    """(article, story): the largest story and its newest article."""
    from newsdesk.store.base import ArticleFilter, open_store

    store = open_store(url)
    try:
        by_story: dict[int, list[int]] = {}
        for a in store.list_articles(ArticleFilter(order="id", limit=100_000)):
            if a.story_id is not None:
                by_story.setdefault(a.story_id, []).append(a.id)
        story = max(by_story, key=lambda s: len(by_story[s]))
        return max(by_story[story]), story
    finally:
        store.close()


APP_NAME = "newsdesk_web_latency"


def named(url: str) -> str:
    """The server's store URL, its PostgreSQL backends named so they can be counted."""
    if not url.startswith(("postgresql://", "postgres://")):
        return url
    return url + ("&" if "?" in url else "?") + f"application_name={APP_NAME}"


def pg_backends(url: str) -> int | None:
    if not url.startswith(("postgresql://", "postgres://")):
        return None
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                            (APP_NAME,)).fetchone()[0]


def bursts(base: str, paths: list[str], rounds: int, clients: int) -> list[float]:
    """Times (ms) of every request of `rounds` bursts, each after 10.5 s of quiet."""
    times: list[float] = []
    lock = threading.Lock()

    def reader() -> None:
        with httpx.Client(base_url=base, timeout=60, headers={"User-Agent": BROWSER}) as c:
            for path in paths:
                start = time.perf_counter()
                c.get(path)
                with lock:
                    times.append((time.perf_counter() - start) * 1000)

    for _ in range(rounds):
        time.sleep(10.5)
        threads = [threading.Thread(target=reader) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return times


def across_minutes(client: httpx.Client, path: str, minutes: float
                   ) -> tuple[list[float], list[float]]:
    """Times (ms) of `path` asked without pause for `minutes`: (in the first 2 s of a
    minute, the rest)."""
    turns: list[float] = []
    steady: list[float] = []
    end = time.time() + minutes * 60
    while time.time() < end:
        start_wall, start = time.time(), time.perf_counter()
        client.get(path)
        ms = (time.perf_counter() - start) * 1000
        (turns if start_wall % 60 < 2.0 or (time.time() % 60) < start_wall % 60 else steady).append(ms)
    return turns, steady


def serve(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "NEWSDESK_DB": named(url), "PYTHONPATH": str(ROOT)}
    code = ("import uvicorn; from newsdesk.web.app import create_app; "
            f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')")
    return subprocess.Popen([sys.executable, "-c", code], cwd=str(ROOT), env=env)


def wait_ready(client: httpx.Client, article: int, deadline: float = 60.0) -> None:
    """Up, and past the warm-up (the first article page waits on it)."""
    end = time.monotonic() + deadline
    while True:
        try:
            client.get(f"/articles/{article}")
            return
        except httpx.TransportError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="SQLite path or postgresql:// URL")
    parser.add_argument("--runs", type=int, default=100, help="timed requests per route")
    parser.add_argument("--article", type=int)
    parser.add_argument("--story", type=int)
    parser.add_argument("--bursts", type=int, default=3, help="bursts after 10.5 s of quiet")
    parser.add_argument("--clients", type=int, default=6, help="readers at once in a burst")
    parser.add_argument("--minutes", type=float, default=0.0,
                        help="then ask the article page for this long, across minute turns")
    args = parser.parse_args()

    article, story = pick_ids(args.store)
    article, story = args.article or article, args.story or story
    routes = {"about": "/about", "home": "/", "article": f"/articles/{article}",
              "story": f"/stories/{story}", "api_article": f"/api/articles/{article}",
              "api_story": f"/api/stories/{story}", "stories": "/stories",
              "api_stories": "/api/stories?limit=50"}
    port = free_port()
    server = serve(args.store, port)
    times: dict[str, list[float]] = {name: [] for name in routes}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60,
                          headers={"User-Agent": BROWSER}) as client:
            wait_ready(client, article)
            for path in routes.values():  # one untimed round
                client.get(path)
            for _ in range(args.runs):
                for name, path in routes.items():
                    start = time.perf_counter()
                    status = client.get(path).status_code
                    times[name].append((time.perf_counter() - start) * 1000)
                    if status not in (200, 404):
                        raise SystemExit(f"{path}: {status}")
            turns, steady = across_minutes(client, routes["article"], args.minutes)
        burst = bursts(f"http://127.0.0.1:{port}", list(routes.values()), args.bursts,
                       args.clients)
        held = pg_backends(args.store)
    finally:
        server.terminate()
        server.wait(10)
    print(f"store={args.store.split('?')[0]} article={article} story={story} runs={args.runs}")
    for name, path in routes.items():
        ms = sorted(times[name])
        print(f"{path:<24} p50 {statistics.median(ms):7.2f} ms   "
              f"p90 {ms[int(len(ms) * 0.9) - 1]:7.2f} ms")
    pairs = [f"{name}_p50_ms={statistics.median(times[name]):.2f}" for name in routes]
    if burst:
        print(f"{args.bursts} bursts of {args.clients} readers after 10.5 s quiet: "
              f"p50 {statistics.median(burst):.2f} ms, max {max(burst):.1f} ms"
              + (f"; the server holds {held} PostgreSQL connections" if held is not None else ""))
        pairs.append(f"burst_p50_ms={statistics.median(burst):.2f}")
    if held is not None:
        pairs.append(f"pg_backends={held}")
    if turns:
        print(f"{args.minutes:g} minutes of article pages: {len(turns)} in the first 2 s of a "
              f"minute, max {max(turns):.1f} ms (the five slowest "
              f"{', '.join(f'{t:.0f}' for t in sorted(turns)[-5:])}); the other {len(steady)}: p99 "
              f"{sorted(steady)[int(len(steady) * 0.99) - 1]:.1f} ms")
        pairs += [f"minute_turn_max_ms={max(turns):.1f}",
                  f"steady_p99_ms={sorted(steady)[int(len(steady) * 0.99) - 1]:.1f}"]
    print(" ".join(pairs))


if __name__ == "__main__":
    main()
