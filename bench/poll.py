"""Polling throughput: 1,000 feeds from a loopback server spread over many addresses.

    python bench/poll.py [DATA] [--feeds 1000] [--hosts 250] [--runs 3] [--workers 64]
                         [--processes 2] [--no-full-text]

DATA is the evaluation data folder (default ../shared/data): the real feeds in `feeds/` are
the feeds' content, and pages of `extraction/trafilatura-eval/` are the articles behind
their links (entries in these feeds are teasers, so new entries have their page fetched and
extracted). A child process serves feed n from address 127.0.1.(n mod hosts), so the
poller's per-host limits (2 in flight, 1 s between starts: the defaults) apply as they would
across many outlets. Feed n answers 304 to its ETag unless it gained an entry since.

1. Prime: every feed is new (2 entries each, no full text); not timed.
2. Mixed passes (median of --runs): about one feed in five has one new entry, the rest 304.
3. 304 passes (median): every feed answers 304; CPU time per feed.
Enrichment is not run (bench/ingest.py measures it). Feeds/s counts whole passes, wall
time. CPU is the poller's own (feed threads and store, `cpu_ms_per_feed`) and with its
worker processes (parsing, extraction: `cpu_ms_total_per_feed`), never the feed server's.
Memory: the poller's peak RSS, and the peak of poller plus workers sampled every 0.1 s.
Last line: `feeds_per_s=<v> cpu_ms_per_feed=<v> cpu_ms_total_per_feed=<v> cpu_ms_per_304=<v>
peak_mb=<v> peak_tree_mb=<v>`.
"""
from __future__ import annotations

import argparse
import asyncio
import html
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
K = 2  # entries every feed starts with


def host_of(n: int, hosts: int) -> str:
    return f"127.0.1.{1 + n % hosts}"


def version(n: int, gen: int) -> int:
    """Entries feed n gained by generation `gen`: in about one generation in five."""
    return sum(1 for g in range(1, gen + 1) if (n * 7 + g) % 5 == 0)


# -- the server (child process) ---------------------------------------------------------
def load_content(data: Path, pages: int) -> tuple[list[list[tuple[str, str, str]]], list[bytes]]:
    import feedparser

    bases = []
    for path in sorted((data / "feeds").rglob("*.xml")):
        parsed = feedparser.parse(path.read_bytes())
        entries = [(e.get("title", ""), e.get("summary", ""), e.get("published", ""))
                   for e in parsed.entries]
        if entries:
            bases.append(entries)
    html_pages = []
    with tarfile.open(data / "extraction" / "trafilatura-eval" / "trafilatura_eval_html.tar.gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".html"):
                html_pages.append(tar.extractfile(member).read())
                if len(html_pages) >= pages:
                    break
    return bases, html_pages


def render_feed(n: int, gen: int, hosts: int, port: int, bases) -> bytes:
    base = bases[n % len(bases)]
    host = host_of(n, hosts)
    items = []
    for i in range(K + version(n, gen)):
        title, summary, published = base[i % len(base)]
        link = f"http://{host}:{port}/p/{n}/{i}"
        items.append(f"<item><title>{html.escape(title)}</title><link>{link}</link><guid>{link}"
                     f"</guid><description>{html.escape(summary)}</description><pubDate>"
                     f"{html.escape(published)}</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {n}'
            f"</title><link>http://{host}:{port}/</link>{''.join(reversed(items))}</channel>"
            f"</rss>").encode()


def serve(data: Path, hosts: int, port: int, pages: int) -> None:
    bases, html_pages = load_content(data, pages)
    state = {"gen": 0}

    def route(target: str, headers: dict[str, str]) -> tuple[int, dict, bytes]:
        parts = target.strip("/").split("/")
        if parts[0] == "_gen":
            state["gen"] = int(parts[1])
            return 200, {"Content-Type": "text/plain"}, b"ok"
        if parts[0] == "f":
            n = int(parts[1].removesuffix(".xml"))
            etag = f'"{n}-{version(n, state["gen"])}"'
            if headers.get("if-none-match") == etag:
                return 304, {"ETag": etag}, b""
            body = render_feed(n, state["gen"], hosts, port, bases)
            return 200, {"ETag": etag, "Content-Type": "application/rss+xml"}, body
        if parts[0] == "p":
            page = html_pages[(int(parts[1]) * 31 + int(parts[2])) % len(html_pages)]
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page
        return 404, {"Content-Type": "text/plain"}, b"not found"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                target = line.decode("latin-1").split()[1]
                headers = {}
                while (h := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                status, hdrs, body = route(target, headers)
                head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n" + "".join(
                    f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
                writer.write(head.encode() + body)
                await writer.drain()
        except (ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(handle, host_of(i, hosts), port, backlog=512)
                   for i in range(hosts)]
        print("ready", flush=True)
        await asyncio.gather(*(s.serve_forever() for s in servers))

    asyncio.run(main())


# -- the poller (this process) ----------------------------------------------------------
def watch_tree(server_pid: int, stop: threading.Event, peak: list[float]) -> None:
    """Peak RSS (MB) of this process and its descendants but the feed server, into peak[0]."""
    import psutil

    me = psutil.Process()
    while not stop.wait(0.1):
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                if child.pid != server_pid and child.ppid() != server_pid:
                    total += child.memory_info().rss
            except psutil.Error:  # a worker that just exited
                pass
        peak[0] = max(peak[0], total / 2**20)


def workers_cpu_s(server_pid: int) -> float:
    """CPU seconds of the pool workers that have exited: the forkserver reaps them."""
    import psutil

    total = 0.0
    for child in psutil.Process().children():
        if child.pid != server_pid:
            times = child.cpu_times()
            total += times.children_user + times.children_system
    return total


def server_cpu_s(server_pid: int) -> float:
    import psutil

    times = psutil.Process(server_pid).cpu_times()
    return times.user + times.system


def run(data: Path, n_feeds: int, hosts: int, runs: int, workers: int, port: int,
        full_text: bool, processes: int) -> None:
    import httpx

    from newsdesk.models import Feed, Source
    from newsdesk.sources.fetch import Fetcher, Policy, make_client
    from newsdesk.sources.poll import PollSettings, poll_once
    from newsdesk.store.base import open_store

    server = subprocess.Popen([sys.executable, __file__, str(data), "--serve", "--hosts",
                               str(hosts), "--port", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready", "the feed server did not start"
        tmp = tempfile.TemporaryDirectory()
        store = open_store(str(Path(tmp.name) / "bench.db"))
        src = store.ensure_source(Source(name="Loopback outlets"))
        for n in range(n_feeds):
            store.add_feed(Feed(url=f"http://{host_of(n, hosts)}:{port}/f/{n}.xml",
                                source_id=src.id))
        policy = Policy(allow_private=True)  # defaults otherwise: 2 per host, 1 s apart
        f = Fetcher(make_client(policy, max_connections=2 * workers), policy)
        clock = datetime.now(timezone.utc)
        watching, tree_peak = threading.Event(), [0.0]
        served: list[float] = []  # the feed server's CPU seconds per pass (same machine)
        watcher = threading.Thread(target=watch_tree, args=(server.pid, watching, tree_peak),
                                   daemon=True)
        watcher.start()

        def one_pass(gen: int, full_text: bool) -> tuple[float, float, float, dict[str, int]]:
            nonlocal clock
            httpx.get(f"http://{host_of(0, hosts)}:{port}/_gen/{gen}")
            clock += timedelta(days=3)  # past every feed's next check
            settings = PollSettings(workers=workers, processes=processes, batch=n_feeds,
                                    full_text=full_text)
            s0, w0 = server_cpu_s(server.pid), workers_cpu_s(server.pid)
            c0, t0 = time.process_time(), time.perf_counter()
            outcomes = poll_once(store, f, settings, now=clock)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            cpu_workers = workers_cpu_s(server.pid) - w0
            served.append(server_cpu_s(server.pid) - s0)
            counts: dict[str, int] = {}
            for o in outcomes:
                counts[o.status] = counts.get(o.status, 0) + 1
            counts["articles"] = sum(o.new for o in outcomes)
            assert len(outcomes) == n_feeds, f"only {len(outcomes)} feeds were due"
            return wall, cpu, cpu + cpu_workers, counts

        wall, cpu, _, counts = one_pass(0, full_text=False)
        print(f"prime: {n_feeds} feeds in {wall:.1f}s ({n_feeds / wall:.0f}/s), {counts}")
        mixed, only304 = [], []
        for r in range(runs):
            wall, cpu, total, counts = one_pass(r + 1, full_text=full_text)
            mixed.append((n_feeds / wall, cpu * 1000 / n_feeds, total * 1000 / n_feeds))
            print(f"mixed pass {r + 1}: {n_feeds / wall:.0f} feeds/s, {cpu * 1000 / n_feeds:.2f} "
                  f"ms CPU per feed ({total * 1000 / n_feeds:.2f} with workers; the feed server "
                  f"{served[-1] * 1000 / n_feeds:.2f}), {wall:.1f}s; {counts}")
        for r in range(runs):
            wall, cpu, total, counts = one_pass(runs, full_text=full_text)
            only304.append((n_feeds / wall, cpu * 1000 / n_feeds, total * 1000 / n_feeds))
            print(f"304 pass {r + 1}: {n_feeds / wall:.0f} feeds/s, {cpu * 1000 / n_feeds:.2f} ms "
                  f"CPU per feed; {counts}")
        watching.set()
        watcher.join()
        store.close()
        f.client.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fps = statistics.median(m[0] for m in mixed)
    cpu_feed = statistics.median(m[1] for m in mixed)
    cpu_total = statistics.median(m[2] for m in mixed)
    cpu_304 = statistics.median(m[1] for m in only304)
    print(f"median of {runs}: mixed {fps:.0f} feeds/s, {cpu_feed:.2f} ms CPU per feed in the "
          f"poller, {cpu_total:.2f} with its workers; all-304 "
          f"{statistics.median(m[0] for m in only304):.0f} feeds/s, {cpu_304:.2f} ms CPU per "
          f"feed; peak memory {peak:.0f} MB (poller), {tree_peak[0]:.0f} MB (with workers)")
    print(f"feeds_per_s={fps:.1f} cpu_ms_per_feed={cpu_feed:.2f} cpu_ms_total_per_feed="
          f"{cpu_total:.2f} cpu_ms_per_304={cpu_304:.2f} peak_mb={peak:.0f} "
          f"peak_tree_mb={tree_peak[0]:.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--hosts", type=int, default=250)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=64, help="feed threads")
    ap.add_argument("--processes", type=int, default=2,
                    help="worker processes for parsing and extraction (0: in the feed threads)")
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--pages", type=int, default=200, help="article pages to serve")
    ap.add_argument("--no-full-text", action="store_true",
                    help="store new entries as the feed gives them (the poller's own cost)")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    data = Path(args.data)
    needed = [data / "feeds", data / "extraction" / "trafilatura-eval" / "trafilatura_eval_html.tar.gz"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        print(f"evaluation data not found: {', '.join(missing)} (pass the data folder as the "
              "first argument)", file=sys.stderr)
        sys.exit(2)
    if args.serve:
        serve(data, args.hosts, args.port, args.pages)
    else:
        run(data, args.feeds, args.hosts, args.runs, args.workers, args.port,
            not args.no_full_text, args.processes)


if __name__ == "__main__":
    main()
