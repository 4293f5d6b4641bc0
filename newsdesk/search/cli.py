"""`newsdesk search`: ask the store from the shell, and rebuild the search indexes."""
from __future__ import annotations

import json
from typing import Optional

import typer

search_app = typer.Typer(help="Search the store; rebuild the vector index beside it.",
                         no_args_is_help=True)
DB = typer.Option(None, "--db", envvar="NEWSDESK_DB", help="SQLite file path or postgresql:// URL")


@search_app.command("query")
def query(q: str = typer.Argument(..., help='e.g. \'"export controls" AND (Japan OR Korea) '
                                            '-tariff after:2025-11-01\''),
          mode: str = typer.Option("hybrid", help="hybrid | text | semantic"),
          sort: str = typer.Option("relevance", help="relevance | date"),
          limit: int = typer.Option(10), as_json: bool = typer.Option(False, "--json"),
          db: Optional[str] = DB) -> None:
    """Print the best matches (id, date, source, title)."""
    from ..errors import QueryError
    from ..store.base import ArticleFilter, open_store
    from . import hybrid, textindex, vectors

    store = open_store(db or "newsdesk.db")
    vi = None if store.has_pgvector() else vectors.open_index(store)
    try:
        res = hybrid.search(store, vi, q, mode=mode, sort=sort, limit=limit,
                            ti=textindex.open_text_index(store))
    except (QueryError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    ids = [h["id"] for h in res["hits"]]
    found = {a.id: a for a in store.list_articles(ArticleFilter(ids=ids, limit=max(1, len(ids))))}
    if as_json:
        typer.echo(json.dumps({**res, "snippets": {str(k): v for k, v in res["snippets"].items()}},
                              ensure_ascii=False))
        return
    for aid in ids:
        a = found.get(aid)
        if a:
            day = a.published_at.date().isoformat() if a.published_at else "----------"
            typer.echo(f"{aid:>8}  {day}  {a.source.name[:18]:18}  {a.title}")


@search_app.command("reindex")
def reindex(db: Optional[str] = DB) -> None:
    """Rebuild the vector index from the stored embeddings (the embed stage writes them) and,
    on SQLite, the text ranking index from the stored articles."""
    from ..store.base import open_store
    from . import textindex, vectors

    store = open_store(db or "newsdesk.db")
    vi = vectors.rebuild(store)
    typer.echo(f"{len(vi.index)} vectors in {vi.path}")
    if store.dialect == "sqlite":
        ti = textindex.rebuild(store, textindex.index_path(store))
        typer.echo(f"{ti.index.searcher().num_docs} articles in {ti.path}")
