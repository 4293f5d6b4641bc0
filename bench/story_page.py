"""The story page's cost: store statements and time for one story, service and HTML page.

    python bench/story_page.py --db demo.db                 # the store's largest story
    python bench/story_page.py --db demo.db --story 136
    python bench/story_page.py --db postgresql://... --build 200   # a new 200-article story

`--build N` adds a story of N articles (3 outlets, 6 quotes and 8 dates each) to the store and
measures it (use a throwaway store). Each figure is the median of `--runs` timings after one
warm-up: `story_full` in-process, and GET /stories/{id} through the app (TestClient, no
network). Last line: `story_articles=<n> queries=<n> service_ms=<v> page_ms=<v>`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_story(store, size: int) -> int:
    from newsdesk.models import Article, Block, DateMention, Entity, Quote, Source, Story

    t0 = datetime(2025, 11, 3, 8, tzinfo=timezone.utc)
    sid = store.save_story(Story(title=f"Bench story of {size}", first_seen=t0, last_seen=t0))
    lee = store.upsert_entity(Entity("Lee Jae Myung", "person"), "lee jae myung")
    stamp = int(time.time())
    for n in range(size):
        aid = store.add_article(Article(
            url=f"https://outlet{n % 3}.example/bench-{stamp}-{n}", title=f"Summit, part {n}",
            source=Source(name=f"Outlet {n % 3}"), content_hash=f"bench-{stamp}-{n}",
            body=[Block("paragraph", f"Paragraph {p} of article {n}.") for p in range(8)],
            published_at=t0 + timedelta(minutes=n)))
        store.update_article_fields(aid, story_id=sid)
        quotes = [Quote(f"Quote {i} of article {n} about the summit in Nara.",
                        "Lee Jae Myung" if i % 2 else f"Official {i}",
                        speaker_entity_id=lee if i % 2 else None, block=i, start=0, end=40)
                  for i in range(6)]
        dates = [DateMention(text=str(1990 + i), sentence=f"In {1990 + i} article {n} said so.",
                             value=str(1990 + i), granularity="year", block=i)
                 for i in range(8)]
        store.replace_article_enrichment(aid, [], quotes, dates, [])
    return sid


def largest_story(store) -> int:
    from newsdesk.store.base import ArticleFilter

    counts: dict[int, int] = {}
    for a in store.list_articles(ArticleFilter(order="id", limit=100_000)):
        if a.story_id is not None:
            counts[a.story_id] = counts.get(a.story_id, 0) + 1
    return max(counts, key=counts.get)


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite path or postgresql:// URL")
    parser.add_argument("--story", type=int, help="story id (default: the largest)")
    parser.add_argument("--build", type=int, default=0, help="add a story of N articles first")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from newsdesk.config import Settings
    from newsdesk.stories.views import story_full
    from newsdesk.store.base import open_store
    from newsdesk.web.app import create_app

    store = open_store(args.db)
    sid = build_story(store, args.build) if args.build else (args.story or largest_story(store))
    size = sum(1 + len(item["also"]) for item in story_full(store, sid)["items"])

    sent: list[str] = []
    execute = store._execute  # counted, not replaced: every mixin's SQL goes through it
    store._execute = lambda sql, params=(): (sent.append(sql), execute(sql, params))[1]
    story_full(store, sid)
    queries = len(sent)
    store._execute = execute

    client = TestClient(create_app(Settings.from_env(db=args.db), store))

    def page() -> None:
        assert client.get(f"/stories/{sid}").status_code == 200

    service_ms = median_ms(lambda: story_full(store, sid), args.runs)
    page_ms = median_ms(page, args.runs)
    print(f"store={args.db.split('?')[0]} story={sid}")
    print(f"story_articles={size} queries={queries} service_ms={service_ms:.2f} "
          f"page_ms={page_ms:.2f}")


if __name__ == "__main__":
    main()
