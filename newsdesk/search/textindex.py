"""The full-text ranking index of the embedded default: tantivy in a folder beside the store.

Why: SQLite's FTS5 finds matches fast but scores every one of them with bm25 before it can
sort (about 4 µs a row), so a common word at a million articles costs seconds. tantivy (the
Rust engine behind Quickwit) ranks BM25 top-k with block-max WAND, in milliseconds at that
size. FTS5 stays the store's own index (filters, PostgreSQL parity, a store opened without
this folder); this index is derived from it and can always be rebuilt, like the vector index.

Keeping in step: every write of an article's text appends its id to `text_index_log`
(migration 0008, same transaction). The index records the log position it has applied in the
store's blob `search.text`; a search first applies what was logged since (one indexed MAX).
A missing folder, another schema version or a document count that disagrees is rebuilt
from the store. Only one process writes the folder at a time (tantivy's lock); a searcher
that cannot take the lock searches what is there.

PostgreSQL keeps its own tsvector ranking: it is the deployment for many processes on
several machines, where one local folder cannot be the truth.
"""
from __future__ import annotations

import functools
import json
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .query import Leaf, Not, Or, WORD, parse_date, source_sql

log = logging.getLogger(__name__)

VERSION = 2  # bump when the schema or the analyser changes: the folder is rebuilt
BLOB = "search.text"
# BM25 on the whole text ("all": title, summary and body), plus a little for the title.
# tantivy computes idf per field, so a heavy title field made stop words that are rare in
# titles ("from", "on") outrank content words; on ECB+'s tuned half (bench/search.py, text
# mode) title 10 / summary 3 / body 1 scored nDCG@10 0.708, all + 0.3 x title 0.782.
WEIGHTS = {"all": 1.0, "title": 0.3}
TEXT_FIELDS = tuple(WEIGHTS)
BATCH = 5_000
WRITER_HEAP = 200_000_000


@dataclass(slots=True)
class TextIndex:
    path: Path | None  # None: in memory (a :memory: store)
    index: object  # tantivy.Index
    seq: int = 0  # highest text_index_log.seq applied


def index_path(store) -> Path | None:
    return None if store.url == ":memory:" else Path(store.url + ".text.tantivy")


@functools.lru_cache(maxsize=1)
def _analyzer():
    import tantivy

    # Close to FTS5's 'porter unicode61 remove_diacritics 2': words, lower case, accents
    # folded, English stemming.
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(60)).filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold()).filter(tantivy.Filter.stemmer("english"))
            .build())


def _schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in TEXT_FIELDS:
        sb.add_text_field(name, stored=False, tokenizer_name="newsdesk_en")
    sb.add_text_field("section", stored=False, tokenizer_name="raw")
    sb.add_integer_field("source", indexed=True, fast=True)
    sb.add_date_field("published", indexed=True, fast=True)
    return sb.build()


def _new_index(path: Path | None):
    import tantivy

    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(path) if path else None)
    index.register_tokenizer("newsdesk_en", _analyzer())
    return index


def open_text_index(store, path: Path | None | str = "auto") -> TextIndex | None:
    """The store's text index, loaded when in step, else rebuilt; None on PostgreSQL."""
    if store.dialect != "sqlite":
        return None
    path = index_path(store) if path == "auto" else (Path(path) if path else None)
    ti = load_text_index(store, path)
    return ti if ti is not None else rebuild(store, path)


def load_text_index(store, path: Path | None | str = "auto",
                    catch_up: bool = True) -> TextIndex | None:
    """The index in its folder when that is in step with the store, else None: a rebuild
    (`rebuild`) reads every article, minutes at a million. With `catch_up`, the articles
    written since it was saved are applied first (`sync`)."""
    if store.dialect != "sqlite":
        return None
    import tantivy

    path = index_path(store) if path == "auto" else (Path(path) if path else None)
    meta = json.loads((store.get_blob(BLOB) or b"{}").decode())
    if not (path is not None and meta.get("version") == VERSION and path.is_dir()
            and tantivy.Index.exists(str(path))):
        return None
    try:
        index = tantivy.Index.open(str(path))
        index.register_tokenizer("newsdesk_en", _analyzer())
        if index.searcher().num_docs != meta.get("count"):
            return None
    except (ValueError, OSError) as exc:
        # a folder tantivy cannot read (a torn write, a bad disk block): derived data, made
        # again (`rebuild` clears the folder) rather than failing every search for good
        log.warning("text index %s cannot be read (%s): rebuilding it", path, exc)
        return None
    ti = TextIndex(path, index, int(meta.get("seq", 0)))
    if catch_up:
        sync(store, ti)
    return ti


def rebuild(store, path: Path | None) -> TextIndex:
    """A fresh index of every article in the store."""
    if path is not None and path.exists():
        shutil.rmtree(path)
    ti = TextIndex(path, _new_index(path), store.text_log_last())
    writer = ti.index.writer(WRITER_HEAP, 2)
    after = 0
    while True:
        rows = store.text_index_rows(after=after, limit=BATCH)
        if not rows:
            break
        for row in rows:
            writer.add_document(_document(row))
        after = rows[-1][0]
    _commit(store, ti, writer)
    return ti


def backlog(store, ti: TextIndex) -> int:
    """How many text writes the index has not applied yet (log positions, an upper bound)."""
    return max(0, store.text_log_last() - ti.seq)


def sync(store, ti: TextIndex) -> int:
    """Apply the articles written since the index last read the log; returns how many."""
    last = store.text_log_last()
    if last <= ti.seq:
        return 0
    try:
        writer = ti.index.writer(WRITER_HEAP // 4, 1)
    except ValueError:  # another process holds the writer: search what is there
        return 0
    done = 0
    while ti.seq < last:
        seq, ids = store.text_log_after(ti.seq, BATCH)
        if not ids:
            break
        for aid in ids:
            writer.delete_documents_by_term("id", aid)
        for row in store.text_index_rows(ids=ids):
            writer.add_document(_document(row))
        ti.seq = seq
        done += len(ids)
    _commit(store, ti, writer)
    return done


def _commit(store, ti: TextIndex, writer) -> None:
    """Make the writer's documents searchable, then record in the store what the index holds."""
    writer.commit()
    writer.wait_merging_threads()
    ti.index.reload()
    meta = {"version": VERSION, "seq": ti.seq, "count": ti.index.searcher().num_docs}
    store.put_blob(BLOB, json.dumps(meta).encode())


def _document(row):
    import tantivy

    aid, title, summary, body, section, source_id, published = row
    fields = {"id": aid, "title": title or "",
              "all": "\n\n".join(t for t in (title, summary, body) if t),
              "section": (section or "").lower(), "source": int(source_id or 0)}
    if published:
        fields["published"] = published if isinstance(published, datetime) else \
            datetime.fromisoformat(str(published).replace("Z", "+00:00"))
    return tantivy.Document(**fields)


# -- queries ------------------------------------------------------------------------------
def answers(node) -> bool:
    """True when this index can answer the whole query: text and the fields it holds
    (entity:, keyword: and speaker: live in the store's tables)."""
    if isinstance(node, Leaf):
        return node.field not in ("entity", "keyword", "speaker")
    if isinstance(node, Not):
        return answers(node.item)
    return all(answers(n) for n in node.items)


def compile_query(store, ti: TextIndex, node):
    """The query tree as a tantivy query."""
    import tantivy

    schema = ti.index.schema
    if isinstance(node, Leaf):
        return _leaf(store, ti, schema, node)
    if isinstance(node, Not):  # alone it means "everything but"
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.all_query()),
            (tantivy.Occur.MustNot, compile_query(store, ti, node.item))])
    if isinstance(node, Or):
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, compile_query(store, ti, n))
                                            for n in node.items])
    clauses = []
    for n in node.items:
        if isinstance(n, Not):
            clauses.append((tantivy.Occur.MustNot, compile_query(store, ti, n.item)))
        else:
            clauses.append((tantivy.Occur.Must, compile_query(store, ti, n)))
    if all(occ == tantivy.Occur.MustNot for occ, _ in clauses):
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(clauses)


def _leaf(store, ti: TextIndex, schema, leaf: Leaf):
    import tantivy

    value = leaf.value.strip()
    if leaf.field == "section":
        return tantivy.Query.term_query(schema, "section", value.lower())
    if leaf.field == "source":
        sql, params = source_sql(value)  # the SQL path's own predicate, so both agree
        ids = [int(r[0]) for r in store._all(f"SELECT s.id FROM sources s WHERE {sql}", params)]
        return (tantivy.Query.term_set_query(schema, "source", ids) if ids
                else tantivy.Query.empty_query())
    if leaf.field in ("after", "before"):
        when = parse_date(value, leaf.pos)
        lower, upper = (when, None) if leaf.field == "after" else (None, when)
        return tantivy.Query.range_query(schema, "published", tantivy.FieldType.Date, lower,
                                         upper, include_lower=True,
                                         include_upper=leaf.field == "after")
    fields = ["title"] if leaf.field == "title" else list(TEXT_FIELDS)
    boosts = {"title": 1.0} if leaf.field == "title" else WEIGHTS
    words = WORD.findall(value)
    if not words:
        return tantivy.Query.empty_query()
    if value.endswith("*") and not leaf.phrase and len(words) == 1:
        return _prefix(ti, schema, words[0], boosts)
    # Each word quoted so no input is read as tantivy syntax; the parser runs the field's
    # analyser (a hyphenated word or a quoted phrase becomes a phrase query).
    return ti.index.parse_query('"' + " ".join(words) + '"', fields, field_boosts=boosts)


def _prefix(ti: TextIndex, schema, word: str, boosts: dict[str, float]):
    import tantivy

    stem = _analyzer().analyze(word)
    start = re.escape(stem[0] if stem else word.lower())
    return tantivy.Query.boolean_query([
        (tantivy.Occur.Should, tantivy.Query.boost_query(
            tantivy.Query.regex_query(schema, f, start + ".*"), w)) for f, w in boosts.items()])


def any_word(words: list[str]):
    """Bare words as an OR of leaves (a sentence typed as a question)."""
    leaves = tuple(Leaf(value=w) for w in dict.fromkeys(w.lower() for w in words))
    return leaves[0] if len(leaves) == 1 else Or(leaves)


def ranked(store, ti: TextIndex, node, *, sort: str = "relevance", limit: int = 20,
           offset: int = 0) -> tuple[list[tuple[int, float]], int]:
    """((article id, score) best first, how many match) for a query tree."""
    import tantivy

    sync(store, ti)
    searcher = ti.index.searcher()
    query = compile_query(store, ti, node)
    limit = max(1, limit)  # tantivy's collector needs one
    if sort == "date":
        res = searcher.search(query, limit, count=True, order_by_field="published",
                              offset=offset, order=tantivy.Order.Desc)
        hits = [(searcher.doc(addr)["id"][0], 0.0) for _key, addr in res.hits]
    else:
        res = searcher.search(query, limit, count=True, offset=offset)
        hits = [(searcher.doc(addr)["id"][0], float(score)) for score, addr in res.hits]
    return [(int(i), s) for i, s in hits], int(res.count or 0)


def count(store, ti: TextIndex, node) -> int:
    sync(store, ti)
    return int(ti.index.searcher().search(compile_query(store, ti, node), 1, count=True).count)


def matching(store, ti: TextIndex, node, ids: list[int]) -> set[int]:
    """Which of these articles the query matches."""
    import tantivy

    sync(store, ti)
    searcher = ti.index.searcher()
    query = tantivy.Query.boolean_query([
        (tantivy.Occur.Must, compile_query(store, ti, node)),
        (tantivy.Occur.Must, tantivy.Query.term_set_query(ti.index.schema, "id", ids))])
    res = searcher.search(query, max(1, len(ids)))
    return {int(searcher.doc(addr)["id"][0]) for _score, addr in res.hits}
