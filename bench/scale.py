"""Scale figures: Celery throughput with 1 and 2 workers, page latency at 1M articles on
SQLite and PostgreSQL, and store size per article.

    python bench/scale.py /work/shared/data [--sqlite /tmp/newsdesk_scale_1m.db]
        [--pg postgresql://postgres@127.0.0.1:5432/newsdesk_scale_1m] [--items 300]
        [--requests 1000] [--budget 150] [--skip-throughput] [--skip-latency]

1. Throughput. `--items` real articles (BBC News and ECB+, alternating, as newsdesk JSONL) are
   sent to RabbitMQ (`--broker`; by default the vhost `newsdesk_scale`, made once with
   `rabbitmqctl add_vhost newsdesk_scale && rabbitmqctl set_permissions -p newsdesk_scale guest
   ".*" ".*" ".*"`, because test runs purge and consume the default vhost's queues) and
   worked by 1, then 2, `newsdesk worker` processes (one
   Celery process each, as on separate machines) into a throwaway PostgreSQL database. Two
   phases per run, so that each is timed alone: the workers consume only the `ingest` queue
   (extract, normalise, dedup, store), then only the stage queues (the enrichment stages). A
   rate is the articles finished between the 10% and the 90% mark over the time between them,
   so the start (model loading) and the stragglers do not count.
2. Latency. `newsdesk serve` in a subprocess on loopback over each 1M-article store built by
   bench/make_store.py; `--requests` GETs each of an article page (random ids), /trending and
   /search?mode=text&q= (two words of a random real headline; vectors are measured by
   bench/search_scale.py), after 20 to warm up: p50 and p95. An endpoint stops early when it
   has used `--budget` seconds, and says how many it made.
3. Size. Store bytes per article of each 1M store: the SQLite file (with its WAL) and the sum
   of pg_total_relation_size over the store's tables (heap, TOAST, indexes), by table.

Last line: ingest_1w_per_s ingest_2w_per_s ingest_ratio enrich_1w_per_s enrich_2w_per_s
enrich_ratio sqlite_page_p95_ms pg_page_p95_ms sqlite_trending_p95_ms pg_trending_p95_ms
sqlite_search_p95_ms pg_search_p95_ms sqlite_bytes_per_article pg_bytes_per_article
(`nan` for what was skipped or could not run).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NAN = float("nan")
STOP = set("""about after again also among and because been before being between could from
have into more most over said says than that their them then there these they this those
through under were what when where which while with would will your""".split())


# -- 1. throughput through Celery -------------------------------------------------------------
def jsonl_items(data: Path, n: int, out: Path) -> int:
    """`n` real articles as newsdesk JSONL: BBC News and ECB+ in turn."""
    bbc = [json.loads(x) for x in (data / "sections/bbc/bbc_news.jsonl").open()]
    ecb = [json.loads(x) for x in (data / "stories/ecbplus/ecbplus_docs.jsonl").open()]
    records = []
    for i in range(n):
        if i % 2 == 0:
            d = bbc[(i // 2) * 7 % len(bbc)]
            records.append({"url": f"https://bbc.example/{d['id']}", "title": d["title"],
                            "source": "BBC News", "section": d["category"].title(),
                            "published_at": "2005-03-01T12:00:00+00:00", "text": d["body"]})
        else:
            d = ecb[(i // 2) * 3 % len(ecb)]
            title, _, text = d["text"].partition("\n")
            records.append({"url": f"https://ecbplus.example/{d['doc_id']}", "title": title,
                            "source": "ECB+", "published_at": "2009-06-01T12:00:00+00:00",
                            "text": text.replace("\n", "\n\n")})
    out.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return len(records)


def throwaway_db(admin: str) -> str:
    import psycopg

    name = f"newsdesk_scale_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{admin.rsplit('/', 1)[0]}/{name}"


def drop_db(admin: str, url: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def start_worker(db: str, broker: str, queues: str, log: Path) -> subprocess.Popen:
    env = dict(os.environ, NEWSDESK_DB=db, NEWSDESK_BROKER=broker)
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "worker", "--concurrency",
                             "1", "--queues", queues], cwd=ROOT, env=env,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(procs: list[subprocess.Popen]) -> None:
    import signal

    for p in procs:  # the main process only: a warm shutdown lets the running task finish
        if p.poll() is None:
            os.kill(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def wait_ready(logs: list[Path], timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while not all(b"ready." in log.read_bytes() for log in logs if log.exists()):
        if time.time() > deadline:
            errors = [line for log in logs if log.exists()
                      for line in log.read_text(errors="replace").splitlines() if "ERROR" in line]
            raise RuntimeError(f"workers not ready; see {logs}"
                               + (f"; last error: {errors[-1]}" if errors else ""))
        time.sleep(0.5)


_TASK_DONE = re.compile(r"Task newsdesk\.(\w+)\[[^]]*\] succeeded in ([0-9.]+)s"
                        r"(?:: \{'stage': '(\w+)', 'ran': (\d+))?")


def task_medians(logs: list[Path]) -> dict[str, float]:
    """Median seconds of the tasks the workers logged as done, by stage (Celery logs each
    task's time and its answer): an ingest task per item, a stage task per article and stage
    (those that ran the stage, not those that found it done)."""
    times: dict[str, list[float]] = {}
    for log in logs:
        for m in _TASK_DONE.finditer(log.read_text(errors="replace") if log.exists() else ""):
            task, seconds, stage, ran = m.groups()
            if task == "stage" and ran != "1":
                continue
            times.setdefault(stage or task, []).append(float(seconds))
    return {name: statistics.median(v) for name, v in times.items()}


def mid_rate(counter, total: int, timeout: float) -> float:
    """Articles a second between the 10% and the 90% mark of `total`."""
    low, high = max(1, round(total * 0.1)), max(2, round(total * 0.9))
    t_low = None
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = counter()
        now = time.perf_counter()
        if t_low is None and done >= low:
            t_low, n_low = now, done
        if done >= high:
            return (done - n_low) / max(now - t_low, 1e-6)
        time.sleep(0.25)
    raise RuntimeError(f"timed out at {counter()} of {total}")


def throughput(n_workers: int, jsonl: Path, n: int, admin: str, broker: str,
               tmp: Path) -> tuple[float, float]:
    from newsdesk.pipeline import default_stages
    from newsdesk.sources.files import read_paths
    from newsdesk.store.base import open_store
    from newsdesk.worker import all_queues, enqueue_items, make_celery

    celery = make_celery(broker)
    with celery.connection_for_write() as conn:
        for q in all_queues(celery):  # leftovers of an earlier run would be counted
            try:
                conn.default_channel.queue_purge(q)
            except Exception:  # a queue not declared yet has nothing to purge
                pass
    db = throwaway_db(admin)
    last = default_stages()[-1].name
    # `newsdesk worker --queues` takes the plain names and adds NEWSDESK_QUEUE_PREFIX itself
    stage_queues = ",".join(q for q in all_queues() if q != "ingest")
    try:
        store = open_store(db)
        logs = [tmp / f"w{n_workers}-ingest-{k}.log" for k in range(n_workers)]
        workers = [start_worker(db, broker, "ingest", log) for log in logs]
        try:
            wait_ready(logs)
            sent = enqueue_items(celery, [i for i in read_paths([str(jsonl)])])
            ingest = mid_rate(store.count_articles, sent, 900)
            # Exact copies (BBC News has some) are stored once: wait until the count settles.
            settled, last_count = time.time(), -1
            while store.count_articles() < sent and time.time() - settled < 15:
                if store.count_articles() != last_count:
                    settled, last_count = time.time(), store.count_articles()
                time.sleep(0.5)
        finally:
            stop(workers)
        stored = store.count_articles()
        logs = [tmp / f"w{n_workers}-stages-{k}.log" for k in range(n_workers)]
        workers = [start_worker(db, broker, stage_queues, log) for log in logs]
        try:
            wait_ready(logs)
            enrich = mid_rate(lambda: int(store._scalar(
                "SELECT COUNT(*) FROM stage_runs WHERE stage = ?", (last,))), stored, 3600)
        finally:
            stop(workers)
        errors = store._all("SELECT stage, error FROM stage_runs WHERE error <> ''")
        print(f"  {n_workers} worker(s): {stored} of {sent} stored; ingest {ingest:.1f}/s, "
              f"enrichment {enrich:.2f}/s; articles with a stage error: {len(errors)}",
              flush=True)
        medians = task_medians([tmp / f"w{n_workers}-{kind}-{k}.log"
                                for kind in ("ingest", "stages") for k in range(n_workers)])
        print("    median task time: " + ", ".join(f"{name} {sec * 1000:.1f} ms"
                                                   for name, sec in medians.items()), flush=True)
        for stage, error in errors[:5]:
            print(f"    {stage}: {error[:160]}")
        store.close()
        return ingest, enrich
    finally:
        drop_db(admin, db)


# -- 2. latency over HTTP -----------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search_queries(data: Path, n: int, rng: random.Random) -> list[str]:
    titles = [json.loads(x)["title"] for x in (data / "sections/bbc/bbc_news.jsonl").open()]
    titles += [json.loads(x)["text"].split("\n", 1)[0]
               for x in (data / "stories/ecbplus/ecbplus_docs.jsonl").open()]
    out = []
    while len(out) < n:
        words = [w for w in re.findall(r"[a-z]{4,}", rng.choice(titles).lower())
                 if w not in STOP]
        if len(words) >= 2:
            out.append(" ".join(rng.sample(words, 2)))
    return out


def timed_gets(client, urls: list[str], budget: float) -> list[float]:
    for url in urls[:20]:  # warm caches and connections once
        client.get(url)
    times, started = [], time.time()
    for url in urls[20:]:
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {r.status_code}")
        if time.time() - started > budget:
            break
    return times


def pct(times: list[float], q: float) -> float:
    s = sorted(times)
    return s[min(len(s) - 1, max(0, round(q * len(s)) - 1))]


def latency(db: str, data: Path, requests: int, budget: float) -> dict[str, tuple]:
    import httpx

    from newsdesk.store.base import open_store

    store = open_store(db)
    n = store.count_articles()
    top = int(store._scalar("SELECT MAX(id) FROM articles"))
    if store.dialect == "sqlite":
        # The embedded default ranks searches with a tantivy index beside the store, which
        # ingest keeps in step; make_store writes rows straight through SQL, so it is built
        # here (as `newsdesk search reindex` would), not inside the first timed search.
        from newsdesk.search import textindex

        t0 = time.perf_counter()
        textindex.open_text_index(store)
        print(f"  text ranking index in step after {time.perf_counter() - t0:.0f} s", flush=True)
    store.close()
    rng = random.Random(11)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "serve", "--port",
                               str(port), "--db", db], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    out = {}
    try:
        with httpx.Client(timeout=120) as client:
            deadline = time.time() + 120
            while True:
                try:
                    client.get(base + "/trending")
                    break
                except httpx.TransportError:
                    if time.time() > deadline:
                        raise RuntimeError("server did not start")
                    time.sleep(0.3)
            plans = {
                "page": [f"{base}/articles/{rng.randint(1, top)}" for _ in range(requests + 20)],
                "trending": [f"{base}/trending"] * (requests + 20),
                "search": [f"{base}/search?mode=text&q={q}" for q in
                           search_queries(data, requests + 20, rng)],
            }
            for name, urls in plans.items():
                times = timed_gets(client, urls, budget)
                out[name] = (pct(times, 0.5), pct(times, 0.95), len(times))
                print(f"  {name:9} {len(times):5} requests: p50 {out[name][0]:8.1f} ms, "
                      f"p95 {out[name][1]:8.1f} ms" + ("  (stopped at the time budget)"
                                                       if len(times) < requests else ""),
                      flush=True)
    finally:
        server.terminate()
        server.wait(20)
    out["n"] = n
    return out


# -- 3. size -----------------------------------------------------------------------------------
def sqlite_size(path: str) -> tuple[int, dict[str, int]]:
    import sqlite3

    total = sum(p.stat().st_size for p in Path(path).parent.glob(Path(path).name + "*"))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:  # a SQLite built without dbstat: total only
        rows = []
    conn.close()
    groups: dict[str, int] = {}
    for name, size in rows:  # indexes and FTS shadow tables counted with their table
        key = ("article_fts" if name.startswith("article_fts") else
               next((t for t in ("article_entities", "article_keywords", "articles", "views",
                                 "stories", "entities") if t in name), "other"))
        groups[key] = groups.get(key, 0) + size
    return total, groups


def pg_size(url: str) -> tuple[int, dict[str, int]]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace "
            "n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'"
        ).fetchall()
        tsv = conn.execute("SELECT pg_relation_size('articles_tsv')").fetchone()[0]
    groups = {name: int(size) for name, size in rows if size > 64 * 1024}
    groups["(of articles: tsv GIN index)"] = int(tsv)
    return sum(int(s) for _, s in rows), groups


def show_size(label: str, total: int, n: int, groups: dict[str, int]) -> float:
    print(f"  {label}: {total / 1e9:.2f} GB for {n:,} articles, {total / n:,.0f} bytes each; "
          + ", ".join(f"{k} {v / n:,.0f}" for k, v in sorted(groups.items(),
                                                          key=lambda kv: -kv[1])), flush=True)
    return total / n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="the evaluation data folder (/work/shared/data)")
    ap.add_argument("--sqlite", default="/tmp/newsdesk_scale_1m.db")
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/newsdesk_scale_1m")
    ap.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    # A vhost of its own: test runs on the same RabbitMQ purge and consume the default one.
    ap.add_argument("--broker", default="amqp://guest:guest@127.0.0.1:5672/newsdesk_scale")
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--budget", type=float, default=150, help="seconds per endpoint at most")
    ap.add_argument("--min-articles", type=int, default=100_000,
                    help="a smaller store is taken as absent")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-latency", action="store_true")
    args = ap.parse_args()
    if not (args.data / "sections/bbc/bbc_news.jsonl").is_file():
        print(f"evaluation data not found under {args.data} (expected sections/bbc/"
              "bbc_news.jsonl and stories/ecbplus/ecbplus_docs.jsonl)", file=sys.stderr)
        return 2
    figures = {k: NAN for k in ("ingest_1w_per_s", "ingest_2w_per_s", "ingest_ratio",
                                "enrich_1w_per_s", "enrich_2w_per_s", "enrich_ratio",
                                "sqlite_page_p95_ms", "pg_page_p95_ms",
                                "sqlite_trending_p95_ms", "pg_trending_p95_ms",
                                "sqlite_search_p95_ms", "pg_search_p95_ms",
                                "sqlite_bytes_per_article", "pg_bytes_per_article")}
    if not args.skip_throughput:
        tmp = Path(tempfile.mkdtemp(prefix="nd-scale-"))
        jsonl = tmp / "items.jsonl"
        n = jsonl_items(args.data, args.items, jsonl)
        print(f"throughput: {n} real articles through RabbitMQ into PostgreSQL (logs in {tmp});"
              f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for w in (1, 2):
            ingest, enrich = throughput(w, jsonl, n, args.pg_admin, args.broker, tmp)
            figures[f"ingest_{w}w_per_s"], figures[f"enrich_{w}w_per_s"] = ingest, enrich
        figures["ingest_ratio"] = figures["ingest_2w_per_s"] / figures["ingest_1w_per_s"]
        figures["enrich_ratio"] = figures["enrich_2w_per_s"] / figures["enrich_1w_per_s"]
    for label, db in (("sqlite", args.sqlite), ("pg", args.pg)):
        from newsdesk.store.base import open_store

        try:
            if label == "sqlite" and not Path(db).is_file():  # opening would create it
                raise FileNotFoundError("no such file")
            store = open_store(db)
            n = store.count_articles()
            store.close()
        except Exception as exc:  # no such database
            n, why = 0, str(exc).splitlines()[0]
        else:
            why = f"it holds {n:,} articles"
        if n < args.min_articles:
            print(f"{label}: no large store at {db} ({why}); build one with "
                  f"python bench/make_store.py {args.data} --db {db}")
            continue
        print(f"{label}: {db}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        total, groups = sqlite_size(db) if label == "sqlite" else pg_size(db)
        figures[f"{label}_bytes_per_article"] = show_size("size", total, n, groups)
        if not args.skip_latency:
            res = latency(db, args.data, args.requests, args.budget)
            for name in ("page", "trending", "search"):
                figures[f"{label}_{name}_p95_ms"] = res[name][1]
    print(" ".join(f"{k}={v:.2f}" if k.endswith("ratio") else f"{k}={v:.1f}"
                   for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
