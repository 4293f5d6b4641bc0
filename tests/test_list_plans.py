"""Newest-first lists (home, sections, outlets, stories) read an index in order on both
backends, never a sort of every article of a section: on PostgreSQL the home page took
276 ms on a 200,000-article store when they did (migration 0017)."""
from __future__ import annotations

from newsdesk.models import Article, Block, Source, Story
from newsdesk.store.base import ArticleFilter

from conftest import statements_of


def _plan(store, call) -> str:
    """The plan of the last statement `call` runs, as the store's planner would choose it
    with scans of the whole table and sorts priced out (a test store is small enough to
    scan and sort)."""
    with statements_of(store) as statements:
        call()
    sql, params = statements[-1]
    with store.transaction():
        if store.dialect == "postgres":
            for kind in ("seqscan", "bitmapscan", "sort"):
                store._execute(f"SET LOCAL enable_{kind} = off")
            rows = store._all("EXPLAIN " + sql, params)
        else:
            rows = store._all("EXPLAIN QUERY PLAN " + sql, params)
    return "\n".join(str(r[-1]) for r in rows)


def test_newest_first_lists_need_no_sort(store):
    src = Source(name="Outlet")
    for i in range(3):
        aid = store.add_article(Article(url=f"u:{i}", title=f"T{i}", source=src, section="World",
                                        body=[Block("paragraph", "Text.")], content_hash=f"h{i}"))
        sid = store.save_story(Story(title=f"S{i}", section="World"))
        store.update_article_fields(aid, story_id=sid)
    source_id = store.get_article(aid).source.id
    calls = {
        "articles": lambda: store.list_articles(ArticleFilter(limit=5)),
        "section": lambda: store.list_articles(ArticleFilter(section="World", limit=5)),
        "outlet": lambda: store.list_articles(ArticleFilter(source_id=source_id, limit=5)),
        "stories": lambda: store.list_stories(limit=5),
        "section stories": lambda: store.list_stories(section="World", limit=5),
    }
    for name, call in calls.items():
        plan = _plan(store, call)
        if store.dialect == "postgres":
            assert "Sort" not in plan, (name, plan)
        else:  # ties of the same instant may be put in order among themselves
            assert "TEMP B-TREE FOR ORDER BY" not in plan, (name, plan)
