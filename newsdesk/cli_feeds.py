"""`newsdesk feeds add|import|export|list` and `newsdesk poll`."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table


feeds_app = typer.Typer(help="Subscriptions: add feeds by URL, site or OPML; export; list.",
                        no_args_is_help=True)
console = Console(stderr=True)
log = logging.getLogger("newsdesk.poll")
# The same option as cli.py's; declared here too so that cli.py can import this module.
DB_OPTION = typer.Option(None, "--db", envvar="NEWSDESK_DB",
                         help="SQLite file path or postgresql:// URL [default: ./newsdesk.db]")
ALLOW_PRIVATE = typer.Option(False, "--allow-private", envvar="NEWSDESK_ALLOW_PRIVATE",
                             help="allow loopback and private addresses (tests, intranets)")
BROKER_OPTION = typer.Option(None, "--broker", envvar="NEWSDESK_BROKER",
                             help="Celery broker URL: new entries go to the workers' ingest queue")
QUEUE_PREFIX_OPTION = typer.Option(None, "--queue-prefix", envvar="NEWSDESK_QUEUE_PREFIX",
                                   help="prefix of every queue name [default: none]")


def _store(db: Optional[str]):
    from .store.base import open_store

    return open_store(db or "newsdesk.db")


def _fetcher(allow_private: bool, host_delay_s: float = 1.0, per_host: int = 2):
    from .sources.fetch import Fetcher, Policy, make_client

    policy = Policy(allow_private=allow_private, host_delay_s=host_delay_s, per_host=per_host)
    return Fetcher(make_client(policy), policy)


@feeds_app.command("add")
def add(url: str = typer.Argument(..., help="a feed URL, or a site URL whose feeds to find"),
        source: str = typer.Option("", "--source", help="outlet name [default: the site's]"),
        country: str = typer.Option("", help="outlet country (ISO code)"),
        allow_private: bool = ALLOW_PRIVATE, db: Optional[str] = DB_OPTION) -> None:
    """Subscribe to a feed, or to the feeds a site links to."""
    from .errors import NewsdeskError
    from .models import Feed, Source
    from .sources.discover import discover

    f = _fetcher(allow_private)
    try:
        found = discover(f, url)
    except NewsdeskError as exc:
        console.print(f"[red]cannot add {url}[/red]: {exc}")
        raise typer.Exit(1)
    finally:
        f.client.close()
    store = _store(db)
    src = store.ensure_source(Source(name=source or found.source.name, site=found.source.site,
                                     country=country, language=found.source.language))
    for feed_url, title in found.feeds:
        feed = store.add_feed(Feed(url=feed_url, source_id=src.id, title=title))
        typer.echo(f"feed {feed.id}: {feed.url} ({src.name})")
    store.close()


@feeds_app.command("import")
def import_(path: Path = typer.Argument(..., help="an OPML file exported from a feed reader"),
            by_folder: bool = typer.Option(False, "--by-folder",
                                           help="name each outlet after its OPML folder"),
            db: Optional[str] = DB_OPTION) -> None:
    """Subscribe to every feed of an OPML file (no network: feeds are checked when polled)."""
    from .errors import InputError
    from .models import Feed, Source
    from .sources.discover import host_name
    from .sources.opml import read_opml

    try:
        entries = read_opml(path.read_bytes())
    except (InputError, OSError) as exc:
        console.print(f"[red]cannot import {path}[/red]: {exc}")
        raise typer.Exit(1)
    store = _store(db)
    known = {f.url for f in store.list_feeds()}
    for e in entries:
        site = e.site or e.url
        name = (e.category if by_folder and e.category else "") or host_name(site)
        src = store.ensure_source(Source(name=name, site=e.site))
        store.add_feed(Feed(url=e.url, source_id=src.id, title=e.title))
    added = sum(1 for e in entries if e.url not in known)
    typer.echo(f"{added} feeds added, {len(entries) - added} already there")
    store.close()


@feeds_app.command("export")
def export(db: Optional[str] = DB_OPTION) -> None:
    """Write every feed as OPML to standard output, one folder per outlet."""
    from .sources.opml import write_opml

    store = _store(db)
    subs = [(src, store.list_feeds(src.id)) for src, _ in store.list_sources()]
    sys.stdout.buffer.write(write_opml(subs))
    store.close()


@feeds_app.command("list")
def list_(db: Optional[str] = DB_OPTION) -> None:
    """Every feed with its outlet, health, next check and last error."""
    from .sources.poll import feed_health

    store = _store(db)
    names = {src.id: src.name for src, _ in store.list_sources()}
    table = Table("id", "outlet", "url", "health", "every", "next check", "last error")
    for f in store.list_feeds():
        table.add_row(str(f.id), names.get(f.source_id, ""), f.url, feed_health(f),
                      f"{f.interval_s // 60} min",
                      f.next_check_at.strftime("%Y-%m-%d %H:%M") if f.next_check_at else "now",
                      f.last_error[:60])
    Console().print(table)
    store.close()


def poll(once: bool = typer.Option(False, "--once", help="one pass over the due feeds, then stop"),
         workers: int = typer.Option(64, help="feeds fetched at once (over all hosts)"),
         processes: int = typer.Option(2, help="processes for feed parsing and page extraction"),
         per_host: int = typer.Option(2, help="requests in flight to one host"),
         host_delay: float = typer.Option(1.0, help="seconds between requests to one host"),
         full_text: bool = typer.Option(True, "--full-text/--no-full-text",
                                        help="fetch the page of entries that are only teasers"),
         no_enrich: bool = typer.Option(False, "--no-enrich", help="store only; enrich later"),
         allow_private: bool = ALLOW_PRIVATE, broker: Optional[str] = BROKER_OPTION,
         queue_prefix: Optional[str] = QUEUE_PREFIX_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Keep the feeds current: check each when due, store new articles; stop with Ctrl-C.

    With a broker, new entries are sent to the workers (`newsdesk worker`), which store and
    enrich them; the poller keeps only the feeds' own state."""
    from .pipeline import enrich_articles
    from .sources.poll import PollSettings, poll_forever, poll_once, stop_on_signals

    store = _store(db)
    f = _fetcher(allow_private, host_delay, per_host)
    settings = PollSettings(workers=workers, processes=processes, full_text=full_text)
    celery = None
    if broker:
        from .worker import make_celery

        celery = make_celery(broker, queue_prefix)

    def after_pass(outcomes) -> None:
        new_ids = [i for o in outcomes for i in o.new_ids]
        queued = sum(o.new for o in outcomes if o.status == "queued")
        if queued:
            typer.echo(f"{queued} new entries sent to the workers")
        if new_ids and not no_enrich:
            enrich_articles(store, new_ids)
        counts: dict[str, int] = {}
        for o in outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
            if o.status in ("error", "retired"):
                console.print(f"[yellow]{o.status}[/yellow] {o.url}: {o.error}")
        if outcomes:
            typer.echo(f"{len(outcomes)} feeds checked, {len(new_ids)} new articles; " +
                       ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))

    with stop_on_signals(f.stop):
        if once:
            after_pass(poll_once(store, f, settings, celery=celery))
        else:
            console.print("polling; Ctrl-C stops after the feeds being stored are done")
            poll_forever(store, f, settings, on_pass=after_pass, celery=celery)
    f.client.close()
    store.close()
