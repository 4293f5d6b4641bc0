"""The command line: a thin layer over the pipeline and the services.

`--db` (or NEWSDESK_DB) picks the store: a SQLite file path or a postgresql:// URL.
"""
from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .config import Settings, describe
from .models import RawItem as RawItemType

app = typer.Typer(help="newsdesk: a self-hosted news platform that reads the news for you.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True)
DB_OPTION = typer.Option(None, "--db", envvar="NEWSDESK_DB",
                         help="SQLite file path or postgresql:// URL [default: ./newsdesk.db]")


def _store(db: Optional[str]):
    from .store.base import open_store

    return open_store(db or "newsdesk.db")


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="log each item"),
         db: Optional[str] = typer.Option(None, "--db", help="the store for every command "
                                          "(`newsdesk --db postgresql://... serve`)")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s %(message)s")
    if db:
        # Each command reads NEWSDESK_DB when it has no --db of its own; it parses after this.
        import os

        os.environ["NEWSDESK_DB"] = db


@app.command()
def ingest(paths: List[str] = typer.Argument(..., help="files, folders, feed files, page "
                                              "dumps or JSONL archives"),
           source: str = typer.Option("", help="outlet name for every item"),
           section: str = typer.Option("", help="section for every item"),
           no_enrich: bool = typer.Option(False, "--no-enrich", help="store only; enrich later"),
           db: Optional[str] = DB_OPTION) -> None:
    """Take in articles; prints how many were new, duplicates and failed (and why)."""
    from .pipeline import ingest_items
    from .sources.files import read_paths

    store = _store(db)
    with _progress() as progress:
        # counted as they come: a feed or an archive holds an unknown number of articles, so
        # the total is only known (and the bar full) at the end
        task = progress.add_task("ingest", total=None)
        report = ingest_items(store, read_paths(paths, source, section), enrich=not no_enrich,
                              on_result=lambda r: progress.advance(task))
        progress.update(task, total=len(report.results))
    for r in report.results:
        if r.status == "failed":
            # one line per item however long, so it can be grepped
            console.print(f"[red]failed[/red] {r.origin}: {r.error}", soft_wrap=True)
    typer.echo(report.summary_line())
    store.close()


@app.command()
def enrich(all_articles: bool = typer.Option(False, "--all", help="re-run every stage on every "
                                               "article, not only those whose version changed"),
           db: Optional[str] = DB_OPTION) -> None:
    """Run the enrichment stages whose version changed (or all with --all)."""
    from .pipeline import default_stages, enrich_articles, outdated_ids
    from .store.base import iter_all_ids

    from .enrich.stages import place_all_sections, section_list_change

    store = _store(db)
    change = section_list_change(store)
    if change:  # NEWSDESK_SECTIONS changed: every article is placed on the new list
        typer.echo(f"the site's sections changed ({', '.join(change[0])} -> "
                   f"{', '.join(change[1])}): placing every article again")
        with _progress() as progress:
            task = progress.add_task("sections", total=store.count_articles())
            placed, failed = place_all_sections(store, lambda n: progress.advance(task, n))
        typer.echo(f"{placed} articles placed" + (f", {failed} failed" if failed else ""))
    stages = default_stages()
    ids = list(iter_all_ids(store)) if all_articles else outdated_ids(store, stages)
    failures: dict[str, int] = {}
    with _progress() as progress:
        task = progress.add_task("enrich", total=len(ids))
        for start in range(0, len(ids), 32):
            batch = ids[start:start + 32]
            for stage, n in enrich_articles(store, batch, stages,
                                            only_outdated=not all_articles).items():
                failures[stage] = failures.get(stage, 0) + n
            progress.advance(task, len(batch))
    typer.echo(f"{len(ids)} articles enriched; failures by stage: "
               f"{json.dumps(failures) if any(failures.values()) else 'none'}")
    store.close()


@app.command("train-sections")
def train_sections(db: Optional[str] = DB_OPTION) -> None:
    """Retrain the section classifier on the store's articles whose outlet gave a section,
    then place every article again on the site's sections (NEWSDESK_SECTIONS)."""
    from .enrich.stages import place_all_sections, train_section_model

    store = _store(db)
    try:
        n, labels = train_section_model(store)
    except ValueError as exc:
        console.print(f"[red]cannot train: {exc}[/red]")
        raise typer.Exit(1)
    with _progress() as progress:
        task = progress.add_task("re-classify", total=store.count_articles())
        placed, failed = place_all_sections(store, lambda n: progress.advance(task, n))
    typer.echo(f"trained on {n} articles with sections {', '.join(labels)}; "
               f"{placed} articles re-classified"
               + (f", {failed} failed (the error is recorded on each)" if failed else ""))
    store.close()
    if failed:
        raise typer.Exit(1)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="address to listen on"),
          port: int = typer.Option(8000, help="port to listen on"),
          db: Optional[str] = DB_OPTION) -> None:
    """Serve the web site and the JSON API."""
    import uvicorn

    from .web.app import create_app

    settings = Settings.from_env(db=db)
    app_ = create_app(settings)
    from .enrich.stages import section_list_change

    if section_list_change(app_.state.store):  # the menu shows the new list at once
        console.print("[yellow]the site's sections (NEWSDESK_SECTIONS) changed since the "
                      "articles were placed: `newsdesk enrich` places them again[/yellow]")
    console.print(f"newsdesk on http://{host}:{port}/  (store: {settings.db}; admin: "
                  f"http://{host}:{port}/admin/feedback?token={settings.admin_token})")
    uvicorn.run(app_, host=host, port=port, log_level="warning")


@app.command()
def demo(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000),
         db: str = typer.Option("demo.db", "--db", help="where to build the demo store"),
         no_serve: bool = typer.Option(False, "--no-serve", help="build the store and stop")) -> None:
    """A fresh store with the bundled sample corpus (the seed page included), then serve it."""
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    from .corpus import bundled_inputs

    try:
        inputs = bundled_inputs()
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    for entry in inputs:
        console.print(f"ingest {entry.path.name}")
        ingest([str(entry.path)], source=entry.source, section=entry.section,
               no_enrich=False, db=db)
    try:
        train_sections(db=db)
    except typer.Exit:  # it said which failed; the site still serves what was stored
        pass
    if not no_serve:
        serve(host=host, port=port, db=db)


@app.command()
def export(fmt: str = typer.Option("jsonl", "--format", help="jsonl"),
           db: Optional[str] = DB_OPTION) -> None:
    """Write every article as JSONL (the format `ingest` reads) to standard output."""
    from . import services
    from .store.base import iter_all_ids

    store = _store(db)
    for aid in iter_all_ids(store):
        a = services.article_full(store, aid, with_related=False)
        # the headline as the outlet wrote it: ingest splits the kicker off again
        title = f"{a['kicker']} | {a['title']}" if a["kicker"] else a["title"]
        record = {"url": a["url"], "title": title, "source": a["source"]["name"],
                  "section": a["section"], "published_at": a["published_at"],
                  "byline": a["byline"], "language": a["language"],
                  "summary": a["summary"]["text"] if not a["summary"]["generated"] else "",
                  "body": a["body"], "media": a["media"], "attribution": a["attribution"]}
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    store.close()


def _celery(broker: Optional[str], queue_prefix: Optional[str]):
    from .worker import make_celery

    broker = broker or Settings.from_env().broker
    if not broker:
        console.print("[red]no broker: set NEWSDESK_BROKER or pass --broker "
                      "(amqp://guest:guest@127.0.0.1:5672// or redis://127.0.0.1:6379/0)[/red]")
        raise typer.Exit(2)
    return make_celery(broker, queue_prefix)


BROKER_OPTION = typer.Option(None, "--broker", envvar="NEWSDESK_BROKER",
                             help="Celery broker URL (amqp://... or redis://...)")
QUEUE_PREFIX_OPTION = typer.Option(None, "--queue-prefix", envvar="NEWSDESK_QUEUE_PREFIX",
                                   help="prefix of every queue name [default: none]")


@app.command()
def worker(queues: str = typer.Option("", help="comma-separated queues to consume "
                                      "[default: all: ingest and one per stage]"),
           concurrency: int = typer.Option(1, help="worker processes"),
           broker: Optional[str] = BROKER_OPTION,
           queue_prefix: Optional[str] = QUEUE_PREFIX_OPTION,
           db: Optional[str] = DB_OPTION) -> None:
    """Run pipeline stages as Celery tasks (one queue per stage)."""
    import os

    from .worker import all_queues, queue_name

    if db:
        os.environ["NEWSDESK_DB"] = db  # the worker processes open the store from here
    _store(db).close()  # migrate once, before the workers start
    celery = _celery(broker, queue_prefix)
    names = [q.strip() for q in queues.split(",") if q.strip()]
    wanted = ",".join([queue_name(celery, q) for q in names] or all_queues(celery))
    celery.worker_main(["worker", "-Q", wanted, "--concurrency", str(concurrency),
                        "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                        "--without-heartbeat", "-n", f"newsdesk-{os.getpid()}@%h"])


def _archive_batches(path: Path, start: int, total: int, size: int = 500):
    """(lines done, items, failures) for each `size` lines of a JSONL archive of `total`
    lines after the first `start`, read as a stream: an archive may be larger than memory."""
    from .sources.records import jsonl_items

    items: list = []
    failures: list = []
    done = start
    for n, item in jsonl_items(path, start):
        (items if isinstance(item, RawItemType) else failures).append(item)
        if n - done >= size:
            yield n, items, failures
            items, failures, done = [], [], n
    yield max(done, total), items, failures  # to the end, blank last lines included


@app.command()
def backfill(files: List[str] = typer.Argument(..., help="JSONL archives"),
             broker: Optional[str] = BROKER_OPTION,
             queue_prefix: Optional[str] = QUEUE_PREFIX_OPTION, db: Optional[str] = DB_OPTION,
             wait: bool = typer.Option(False, help="wait until the workers have stored and "
                                       "enriched (or failed) every item sent, showing progress")
             ) -> None:
    """Spread JSONL archives over the workers; resumes where an earlier run stopped."""
    from contextlib import ExitStack

    from .sources.records import count_lines
    from .worker import enqueue_items

    store = _store(db)
    celery = _celery(broker, queue_prefix)
    sent = failed = 0
    with _progress() as progress, ExitStack() as stack:
        # The workers announce each item's end on a queue of this run's own, declared before
        # the first item goes; queue depths alone miss the tasks a worker holds.
        notes = stack.enter_context(_notes_queue(celery)) if wait else None
        for name in files:
            path = Path(name).resolve()
            mark = f"backfill:{path}"
            start = int((store.get_blob(mark) or b"0").decode())
            total = count_lines(path)
            task = progress.add_task(path.name, total=total, completed=start)
            for done, items, failures in _archive_batches(path, start, total):
                for item in failures:
                    failed += 1
                    console.print(f"[red]failed[/red] {item.origin}: {item.reason}")
                sent += enqueue_items(celery, items, notes.queue.name if notes else "", sent)
                store.put_blob(mark, str(done).encode())  # a second run resumes after it
                progress.update(task, completed=done)
        ended: dict[int, str] = {}
        if notes is not None:
            drain = progress.add_task("workers", total=sent)
            while len(ended) < sent:
                try:
                    message = notes.get(block=True, timeout=1)
                except notes.Empty:
                    continue
                # A task redelivered after its worker died may announce its item twice.
                ended.setdefault(int(message.payload["n"]), message.payload["status"])
                message.ack()
                progress.update(drain, completed=len(ended))
    typer.echo(f"{sent} items sent to the workers, {failed} failed to read; "
               f"{store.count_articles()} articles in the store")
    if wait:
        bad = sum(1 for s in ended.values() if s != "done")
        typer.echo(f"the workers finished all {len(ended)}: {len(ended) - bad} through every "
                   f"stage, {bad} failed (the workers' log says why)")
    store.close()


@contextmanager
def _notes_queue(celery):
    """A queue for the workers' notes to this backfill run (see worker.py), deleted after."""
    import uuid

    from .worker import notes_queue, queue_name

    queue = notes_queue(queue_name(celery, f"backfill-notes-{uuid.uuid4().hex[:12]}"))
    with celery.connection_for_write() as conn:
        simple = conn.SimpleQueue(queue)
        try:
            yield simple
        finally:
            simple.close()  # stop consuming first: RabbitMQ cancels a consumer of a gone queue
            conn.default_channel.queue_delete(queue.name)


@app.command()
def settings() -> None:
    """List every setting with its environment variable and default."""
    for env, default, help_ in describe():
        typer.echo(f"{env:28} {default!r:14} {help_}")


from .cli_feeds import feeds_app, poll  # noqa: E402  (feeds and polling live in their own module)

app.add_typer(feeds_app, name="feeds")
app.command()(poll)
from .stories.cli import stories, trending  # noqa: E402  (stories own their commands)

app.command()(trending)
app.command()(stories)
from .search.cli import search_app  # noqa: E402  (search owns its commands)

app.add_typer(search_app, name="search")



def run() -> None:
    """The `newsdesk` command: the Typer app, where a store that is down or out of reach (a
    PostgreSQL server not running, a SQLite file on a missing volume) is told in one line and
    exit status 2, not a page of traceback; any other error keeps its traceback."""
    from .store.base import store_unreachable

    try:
        app()
    except Exception as exc:
        if not store_unreachable(exc):
            raise
        console.print(f"[red]cannot reach the store: {' '.join(str(exc).split())}[/red]")
        raise SystemExit(2) from None


if __name__ == "__main__":
    run()
