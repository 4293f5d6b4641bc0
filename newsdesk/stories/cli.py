"""`newsdesk trending`: what trends now, or at any instant of an archive (--as-of)."""
from __future__ import annotations

import json
from typing import Optional

import typer


def trending(as_of: Optional[str] = typer.Option(None, "--as-of", help="replay an archive: "
                                                  "ISO date or date-time [default: now]"),
             window: str = typer.Option("24h", help="1h, 24h or 7d"),
             limit: int = typer.Option(10, help="how many stories, entities and keywords"),
             as_json: bool = typer.Option(False, "--json", help="the /api/trending answer"),
             db: Optional[str] = typer.Option(None, "--db", envvar="NEWSDESK_DB",
                                              help="SQLite file path or postgresql:// URL")) -> None:
    """Trending stories, entities and keywords: bursts above their own baseline in the window."""
    from .. import services
    from ..errors import InputError
    from ..store.base import open_store
    from ..web.stories import parse_as_of

    store = open_store(db or "newsdesk.db")
    try:
        data = services.trending(store, parse_as_of(as_of), limit, window, keywords=True)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"Trending as of {data['as_of']} ({window} window)")
    typer.echo("Stories:")
    for s in data["stories"]:
        typer.echo(f"  {s['score']:6.2f}  {s['title']}  ({s['articles']} articles, "
                   f"{s['outlets']} outlets)  /stories/{s['id']}")
    typer.echo("Entities:")
    for e in data["entities"]:
        typer.echo(f"  {e['score']:6.2f}  {e['name']} ({e['type']}, {e['articles']} articles, "
                   f"{e['outlets']} outlets)")
    typer.echo("Keywords:")
    for k in data["keywords"]:
        typer.echo(f"  {k['score']:6.2f}  {k['keyword']} ({k['articles']} articles, "
                   f"{k['outlets']} outlets)")
