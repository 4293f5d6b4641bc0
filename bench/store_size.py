"""Store size per article on SQLite and PostgreSQL.

    python bench/store_size.py DATA_FILE [--limit 2000] [--pg ADMIN_URL]

DATA_FILE is a JSON-lines file of /work/shared/data: sections/bbc/bbc_news.jsonl (title, body)
or stories/ecbplus/ecbplus_docs.jsonl (text: first line as title). The same articles go into a
fresh SQLite file and a throwaway PostgreSQL database through `Store.add_article`; SQLite is
measured as its file after the WAL is checkpointed, PostgreSQL as the sum of
pg_total_relation_size (heap, TOAST, indexes) over the store's tables, both without VACUUM,
as they stand right after ingest. Last line:
`sqlite_bytes_per_article=<v> postgres_bytes_per_article=<v>`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.models import Article, Block, Source  # noqa: E402
from newsdesk.store.base import open_store  # noqa: E402


def read_articles(path: Path, limit: int) -> list[Article]:
    articles = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if len(articles) >= limit:
            break
        doc = json.loads(line)
        if "title" in doc:  # BBC News: title, body, category
            title, text, section = doc["title"], doc["body"], doc.get("category", "")
        else:  # ECB+: the first line of the text is the headline
            title, _, text = doc["text"].partition("\n")
            section = f"topic-{doc.get('topic', '')}"
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        articles.append(Article(
            url=f"https://bench.example/{n}", title=title, section=section,
            body=[Block(kind="paragraph", text=p) for p in paragraphs],
            source=Source(name=path.stem), language="en",
            content_hash=hashlib.sha1(text.encode()).hexdigest()))
    return articles


def ingest(url: str, articles: list[Article]) -> float:
    """Add every article; returns the seconds it took."""
    store = open_store(url)
    try:
        source = store.ensure_source(articles[0].source)
        started = time.perf_counter()
        for article in articles:
            article.source = source
            store.add_article(article)
        return time.perf_counter() - started
    finally:
        store.close()


def sqlite_bytes(articles: list[Article]) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        seconds = ingest(str(path), articles)
        # Closing the last connection checkpoints the WAL into the main file and removes it.
        return sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")), seconds


def postgres_bytes(admin_url: str, articles: list[Article]) -> tuple[int, float]:
    import psycopg

    name = f"newsdesk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{admin_url.rsplit('/', 1)[0]}/{name}"
    try:
        seconds = ingest(url, articles)
        with psycopg.connect(url) as conn:
            rows = conn.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid), "
                "n_dead_tup FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relkind = 'r' "
                "AND n.nspname = 'public' ORDER BY 2 DESC").fetchall()
        for name, total, indexes, dead in rows[:3]:
            print(f"  postgres {name}: {total:,} bytes ({indexes:,} in indexes), "
                  f"{dead or 0:,} dead row versions")
        return sum(int(r[1]) for r in rows), seconds
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_file", type=Path)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="an admin URL; a throwaway database is created beside it")
    args = parser.parse_args()
    if not args.data_file.is_file():
        print(f"data file not found: {args.data_file} (expected e.g. "
              "/work/shared/data/sections/bbc/bbc_news.jsonl)", file=sys.stderr)
        return 2
    articles = read_articles(args.data_file, args.limit)
    n = len(articles)
    text_bytes = sum(len((a.title + a.summary + a.text).encode()) for a in articles)
    print(f"{n} articles from {args.data_file}, {text_bytes / n:.0f} bytes of text each")
    sq, sq_s = sqlite_bytes(articles)
    print(f"sqlite:   {sq:>11,} bytes, {sq / n:,.0f} per article, "
          f"{sq / text_bytes:.2f}x the text, ingest {n / sq_s:,.0f} articles/s")
    pg, pg_s = postgres_bytes(args.pg, articles)
    print(f"postgres: {pg:>11,} bytes, {pg / n:,.0f} per article, "
          f"{pg / text_bytes:.2f}x the text, ingest {n / pg_s:,.0f} articles/s")
    print(f"sqlite_bytes_per_article={sq / n:.0f} postgres_bytes_per_article={pg / n:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
