"""`newsdesk trending`: what trends now, or at any instant of an archive (--as-of); and
`newsdesk stories`: the stories, most recently active first."""
from __future__ import annotations

import json
from typing import Optional

import typer


def counted(n: int, word: str) -> str:
    """"1 article", "2 articles": as the pages write counts."""
    return f"{n} {word}{'' if n == 1 else 's'}"


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
        # counted in the window, as the pages say: a story's own total can be larger
        typer.echo(f"  {s['score']:6.2f}  {s['title']}  ({counted(s['articles'], 'new article')} "
                   f"from {counted(s['outlets'], 'outlet')} in {window})  /stories/{s['id']}")
    typer.echo("Entities:")
    for e in data["entities"]:
        typer.echo(f"  {e['score']:6.2f}  {e['name']} ({e['type']}, "
                   f"{counted(e['articles'], 'article')}, {counted(e['outlets'], 'outlet')})")
    typer.echo("Keywords:")
    for k in data["keywords"]:
        typer.echo(f"  {k['score']:6.2f}  {k['keyword']} ({counted(k['articles'], 'article')}, "
                   f"{counted(k['outlets'], 'outlet')})")


def stories(section: Optional[str] = typer.Option(None, help="only this section's stories"),
            limit: int = typer.Option(20, min=1, max=200, help="how many"),
            offset: int = typer.Option(0, min=0, help="skip this many (paging)"),
            as_json: bool = typer.Option(False, "--json", help="the /api/stories answer"),
            db: Optional[str] = typer.Option(None, "--db", envvar="NEWSDESK_DB",
                                             help="SQLite file path or postgresql:// URL")) -> None:
    """Stories, most recently active first: title, section, counts, keywords."""
    from .. import services
    from ..config import Settings
    from ..store.base import open_store

    store = open_store(db or "newsdesk.db")
    section = services.site_section(section, Settings.from_env().section_list)
    try:
        items = services.list_stories(store, section=section, limit=limit, offset=offset)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps({"items": items}, ensure_ascii=False, indent=2))
        return
    for s in items:
        seen = (s["last_seen"] or "")[:10]
        typer.echo(f"{s['id']:>7}  {seen:10}  {s['section'] or '-':13}  {s['title']}  "
                   f"({counted(s['articles'], 'article')}, {counted(s['outlets'], 'outlet')})")
        if s["keywords"]:
            typer.echo(f"{'':33}{', '.join(s['keywords'][:6])}")
