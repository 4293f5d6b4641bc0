"""Search SQL shared by SQLite and PostgreSQL: ranked full text, filters, facets, snippets and
the stored article embeddings that the vector index is built from.

A query arrives already compiled by newsdesk.search.query.split: a text match (FTS5 MATCH
expression or to_tsquery text) that ranks, plus plain SQL predicates on `a` (articles) and `s`
(sources). Only the ranking and matching differ by dialect; they are in `_text_parts`.
"""
from __future__ import annotations

from datetime import datetime
import numpy as np

from .sql import SQLStore, keyword_as_written

PG_CONFIG = "newsdesk_english"
# Title 10, summary 3, body 1 on both backends (bm25 column weights / ts_rank_cd A, B, C).
PG_WEIGHTS = "{0, 0.1, 0.3, 1.0}"
COUNT_CAP = 10_000  # counting every hit of a common word at a million articles costs too much


class SearchQueries(SQLStore):
    def _params(self, params: list) -> list:
        return [self._ts(v) if isinstance(v, datetime) else v for v in params]

    def _text_parts(self, match: str | None) -> tuple[str, str, str, list, list]:
        """(join, where, score expression, score params, where params) for a text match."""
        if match is None:
            return "", "1 = 1", "0.0", [], []
        if self.dialect == "sqlite":
            return (" JOIN article_fts f ON f.rowid = a.id", "article_fts MATCH ?",
                    "-bm25(article_fts, 10.0, 3.0, 1.0)", [], [match])
        return ("", "a.tsv @@ to_tsquery(?::regconfig, ?)",
                "ts_rank_cd(?::float4[], a.tsv, to_tsquery(?::regconfig, ?), 1)",
                [PG_WEIGHTS, PG_CONFIG, match], [PG_CONFIG, match])

    def search_ranked(self, match: str | None, preds: str, params: list, *,
                      sort: str = "relevance", limit: int = 20, offset: int = 0
                      ) -> list[tuple[int, float]]:
        """(article id, score) of the articles that match and pass the predicates."""
        join, where, score, sparams, wparams = self._text_parts(match)
        if preds:
            where += " AND " + preds
        order = ("score DESC, a.id DESC" if sort == "relevance" and match is not None
                 else "a.published_at DESC NULLS LAST, a.id DESC")
        rows = self._all(f"SELECT a.id, {score} AS score FROM articles a JOIN sources s ON "
                         f"s.id = a.source_id{join} WHERE {where} ORDER BY {order} "
                         "LIMIT ? OFFSET ?",
                         (*sparams, *wparams, *self._params(params), limit, offset))
        return [(int(r[0]), float(r[1])) for r in rows]

    def search_count(self, match: str | None, preds: str, params: list,
                     cap: int = COUNT_CAP) -> int:
        """How many articles match, counted up to `cap` (cap + 1 means 'more than cap')."""
        join, where, _score, _sp, wparams = self._text_parts(match)
        if preds:
            where += " AND " + preds
        return int(self._scalar(f"SELECT COUNT(*) FROM (SELECT 1 FROM articles a JOIN sources s "
                                f"ON s.id = a.source_id{join} WHERE {where} LIMIT ?) t",
                                (*wparams, *self._params(params), cap + 1)))

    def search_filter(self, ids: list[int], preds: str, params: list) -> set[int]:
        """Which of these articles pass the predicates."""
        if not ids:
            return set()
        where = f"a.id IN ({','.join('?' * len(ids))})" + (f" AND {preds}" if preds else "")
        rows = self._all(f"SELECT a.id FROM articles a JOIN sources s ON s.id = a.source_id "
                         f"WHERE {where}", (*ids, *self._params(params)))
        return {int(r[0]) for r in rows}

    def search_filter_all(self, preds: str, params: list, limit: int) -> list[int]:
        """Every article passing the predicates, up to `limit` (for exact vector search)."""
        rows = self._all(f"SELECT a.id FROM articles a JOIN sources s ON s.id = a.source_id "
                         f"WHERE {preds or '1 = 1'} LIMIT ?", (*self._params(params), limit))
        return [int(r[0]) for r in rows]

    def search_facets(self, ids: list[int], entities: int = 10) -> dict[str, list[tuple[str, int]]]:
        """Counts by source, section, day, entity and keyword over these articles (the top
        `entities` names and key phrases)."""
        if not ids:
            return {"source": [], "section": [], "day": [], "entity": [], "keyword": []}
        marks = ",".join("?" * len(ids))
        day = ("substr(a.published_at, 1, 10)" if self.dialect == "sqlite"
               else "to_char(a.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
        out = {}
        for name, expr, order, join in (
                ("source", "s.name", "n DESC, k", " JOIN sources s ON s.id = a.source_id"),
                ("section", "a.section", "n DESC, k", ""),
                ("day", day, "k DESC", "")):
            rows = self._all(f"SELECT {expr} AS k, COUNT(*) AS n FROM articles a{join} WHERE "
                             f"a.id IN ({marks}) AND {expr} IS NOT NULL AND {expr} <> '' "
                             f"GROUP BY {expr} ORDER BY {order}", ids)
            out[name] = [(str(r[0]), int(r[1])) for r in rows]
        rows = self._all(f"SELECT e.name AS k, COUNT(*) AS n FROM article_entities ae JOIN "
                         f"entities e ON e.id = ae.entity_id WHERE ae.article_id IN ({marks}) "
                         "GROUP BY e.name ORDER BY n DESC, k LIMIT ?", (*ids, entities))
        out["entity"] = [(str(r[0]), int(r[1])) for r in rows]
        # key phrases counted in any case, each as articles write it; one a single article
        # has says nothing of the results
        rows = self._all(f"SELECT LOWER(keyword) AS k, COUNT(*) AS n, {keyword_as_written()} "
                         f"FROM article_keywords WHERE article_id IN ({marks}) "
                         "GROUP BY LOWER(keyword) HAVING COUNT(*) > 1 ORDER BY n DESC, k LIMIT ?", (*ids, entities * 4))
        # the entity facet lists the names: keywords add the topics ("tariffs", "economy"),
        # not "Donald", "Trump" and "Donald Trump" again
        names = [set(r[0].split()) for r in self._all(
            f"SELECT DISTINCT LOWER(e.name) FROM article_entities ae JOIN entities e ON "
            f"e.id = ae.entity_id WHERE ae.article_id IN ({marks})", ids)]
        out["keyword"] = [(str(r[2]), int(r[1])) for r in rows
                          if not any(set(r[0].split()) <= name for name in names)][:entities]
        return out

    # -- embeddings -----------------------------------------------------------------------
    def put_embeddings(self, model: str, ids: list[int], vectors: np.ndarray) -> None:
        """Store (or replace) one vector per article; each write gets a new, higher seq."""
        data = np.asarray(vectors, dtype=np.float16)
        with self.transaction():
            for aid, vec in zip(ids, data):
                self._execute("DELETE FROM article_embeddings WHERE article_id = ?", (aid,))
                self._execute("INSERT INTO article_embeddings (article_id, model, vector) "
                              "VALUES (?, ?, ?)", (aid, model, vec.tobytes()))

    def embeddings_after(self, model: str, seq: int, limit: int = 10_000
                         ) -> list[tuple[int, int, bytes]]:
        """(seq, article id, float16 bytes) written after `seq`, in order."""
        rows = self._all("SELECT seq, article_id, vector FROM article_embeddings WHERE seq > ? "
                         "AND model = ? ORDER BY seq LIMIT ?", (seq, model, limit))
        return [(int(r[0]), int(r[1]), bytes(r[2])) for r in rows]

    def embedding_state(self, model: str) -> tuple[int, int]:
        """(number of vectors, highest seq) for this model; (0, 0) when there are none."""
        row = self._one("SELECT COUNT(*), MAX(seq) FROM article_embeddings WHERE model = ?",
                        (model,))
        return int(row[0]), int(row[1] or 0)

    def last_embedding_seq(self) -> int:
        return int(self._scalar("SELECT MAX(seq) FROM article_embeddings") or 0)

    def get_embeddings(self, model: str, ids: list[int]) -> dict[int, bytes]:
        if not ids:
            return {}
        rows = self._all(f"SELECT article_id, vector FROM article_embeddings WHERE model = ? AND "
                         f"article_id IN ({','.join('?' * len(ids))})", (model, *ids))
        return {int(r[0]): bytes(r[1]) for r in rows}

    def has_pgvector(self) -> bool:
        """True on PostgreSQL with pgvector's `embedding` column in place (migration 0003)."""
        if self.dialect != "postgres":
            return False
        return bool(self._scalar("SELECT COUNT(*) FROM information_schema.columns WHERE "
                                 "table_name = 'article_embeddings' AND column_name = 'embedding' "
                                 "AND table_schema = current_schema()"))

    def pgvector_put(self, ids: list[int], vectors: np.ndarray) -> None:
        for aid, vec in zip(ids, np.asarray(vectors, dtype=np.float32)):
            self._execute("UPDATE article_embeddings SET embedding = ?::vector WHERE "
                          "article_id = ?", ("[" + ",".join(f"{x:.6f}" for x in vec) + "]", aid))

    def pgvector_search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        literal = "[" + ",".join(f"{x:.6f}" for x in np.asarray(vector, dtype=np.float32)) + "]"
        rows = self._all("SELECT article_id, 1 - (embedding <=> ?::vector) AS sim FROM "
                         "article_embeddings WHERE embedding IS NOT NULL ORDER BY "
                         "embedding <=> ?::vector LIMIT ?", (literal, literal, k))
        return [(int(r[0]), float(r[1])) for r in rows]
