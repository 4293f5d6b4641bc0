"""Wire copies, story clustering state and activity counts: the SQL shared by every backend.

The clusterer's state lives in small tables keyed so that every lookup is an index range scan
bounded by recent activity, never by the size of the archive:
  dedup_bands      (band, article_id)          MinHash LSH buckets of each article
  wire_copies      (article_id, group_id, sim) articles that carry the same wire text
  story_df         (term, df)                  online document frequencies ('' = doc count)
  story_postings   (term, day, story_id)       a story's salient terms, by day of activity
  story_vectors    (story_id, vector, n)       a story's centroid (pruned term weights)
  story_lock       one row every assignment locks, so concurrent writers take turns
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable

from .sql import SQLStore, dumps, keyword_as_written, utc

ENTITY_SCAN = 500  # newest articles read per entity when looking for stories that share it


def epoch_day(when: datetime) -> int:
    """Days since 1970-01-01 (UTC): the day bucket of dedup_bands."""
    return int(utc(when).timestamp() // 86400)


class StoryQueries(SQLStore):
    # -- near-duplicates ------------------------------------------------------------------
    def dedup_candidates(self, bands: list[int], limit: int = 50, since: datetime | None = None,
                         until: datetime | None = None) -> list[int]:
        """Articles sharing LSH bands with these, most shared first; only those listed on the
        days of [since, until] when given: boilerplate and quoted passages make false
        candidates pile up with the archive's size, each costing an exact check."""
        if not bands:
            return []
        window, params = "", [*bands]
        if since is not None and until is not None:
            window = " AND day BETWEEN ? AND ?"
            params += [epoch_day(since), epoch_day(until)]
        rows = self._all(f"SELECT article_id, COUNT(*) AS n FROM dedup_bands WHERE band IN "
                         f"({','.join('?' * len(bands))}){window} GROUP BY article_id "
                         "ORDER BY n DESC, article_id LIMIT ?", (*params, limit))
        return [int(r[0]) for r in rows]

    def add_dedup_bands(self, article_id: int, bands: list[int],
                        listed: datetime | None = None) -> None:
        day = epoch_day(listed) if listed is not None else -1  # -1: no date
        self._insert_rows("INSERT INTO dedup_bands (band, article_id, day)",
                          [(band, article_id, day) for band in dict.fromkeys(bands)],
                          "ON CONFLICT DO NOTHING")

    def _insert_rows(self, head: str, rows: list[tuple], tail: str = "") -> None:
        """One multi-row INSERT per few hundred rows: a statement per row (some 300 terms an
        article) was a third of the stage's database time."""
        for start in range(0, len(rows), 300):
            part = rows[start:start + 300]
            one = "(" + ",".join("?" * len(part[0])) + ")"
            self._execute(f"{head} VALUES {','.join([one] * len(part))} {tail}",
                          [v for row in part for v in row])

    def set_wire_copy(self, article_id: int, group_id: int, similarity: float) -> None:
        self._execute("INSERT INTO wire_copies (article_id, group_id, similarity) VALUES "
                      "(?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET group_id = "
                      "excluded.group_id, similarity = excluded.similarity",
                      (article_id, group_id, similarity))

    def wire_group_of(self, article_id: int) -> int | None:
        value = self._scalar("SELECT group_id FROM wire_copies WHERE article_id = ?",
                             (article_id,))
        return None if value is None else int(value)

    def wire_groups(self, article_ids: list[int]) -> dict[int, int]:
        if not article_ids:
            return {}
        rows = self._all(f"SELECT article_id, group_id FROM wire_copies WHERE article_id IN "
                         f"({','.join('?' * len(article_ids))})", article_ids)
        return {int(r[0]): int(r[1]) for r in rows}

    def wire_members(self, group_id: int) -> list[tuple[int, float]]:
        rows = self._all("SELECT article_id, similarity FROM wire_copies WHERE group_id = ? "
                         "ORDER BY article_id", (group_id,))
        return [(int(r[0]), float(r[1])) for r in rows]

    # -- online clustering state ----------------------------------------------------------
    def lock_stories(self) -> None:
        """Serialise story assignment: an UPDATE row lock holds until the transaction ends."""
        self._execute("UPDATE story_lock SET n = n + 1 WHERE id = 1")

    def term_df(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        out = {r[0]: int(r[1]) for r in self._all_in("SELECT term, df FROM story_df WHERE "
                                                      "term IN (?*)", sorted(set(terms)))}
        return out, int(self._scalar("SELECT df FROM story_df WHERE term = ''") or 0)

    def bump_term_df(self, terms: Iterable[str]) -> None:
        # Sorted, so that concurrent writers lock rows in the same order and never deadlock.
        self._insert_rows("INSERT INTO story_df (term, df)",
                          [(term, 1) for term in sorted(set(terms) | {""})],
                          "ON CONFLICT (term) DO UPDATE SET df = story_df.df + 1")

    def story_candidates(self, terms: list[str], day_from: int, day_to: int,
                         limit: int = 20) -> list[int]:
        if not terms:
            return []
        rows = self._all(f"SELECT story_id, COUNT(DISTINCT term) AS n FROM story_postings "
                         f"WHERE term IN ({','.join('?' * len(terms))}) AND day >= ? AND "
                         "day <= ? GROUP BY story_id ORDER BY n DESC, story_id DESC LIMIT ?",
                         (*terms, day_from, day_to, limit))
        return [int(r[0]) for r in rows]

    def add_story_postings(self, story_id: int, terms: list[str], day: int) -> None:
        self._insert_rows("INSERT INTO story_postings (term, day, story_id)",
                          [(term, day, story_id) for term in dict.fromkeys(terms)],
                          "ON CONFLICT DO NOTHING")

    def story_vectors(self, story_ids: list[int]) -> dict[int, tuple[dict[str, float], int]]:
        if not story_ids:
            return {}
        rows = self._all(f"SELECT story_id, vector, n FROM story_vectors WHERE story_id IN "
                         f"({','.join('?' * len(story_ids))})", story_ids)
        return {int(r[0]): (json.loads(r[1]), int(r[2])) for r in rows}

    def save_story_vector(self, story_id: int, vector: dict[str, float], n: int) -> None:
        self._execute("INSERT INTO story_vectors (story_id, vector, n) VALUES (?, ?, ?) "
                      "ON CONFLICT (story_id) DO UPDATE SET vector = excluded.vector, "
                      "n = excluded.n", (story_id, dumps(vector), n))

    def merge_story_into(self, gone: int, keep: int) -> None:
        """Move every article and posting of story `gone` to `keep`; `gone` stays as a pointer."""
        self._execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (keep, gone))
        self._execute("INSERT INTO story_postings (term, day, story_id) SELECT term, day, ? "
                      "FROM story_postings WHERE story_id = ? ON CONFLICT DO NOTHING",
                      (keep, gone))
        self._execute("DELETE FROM story_postings WHERE story_id = ?", (gone,))
        self._execute("DELETE FROM story_vectors WHERE story_id = ?", (gone,))
        self._execute("UPDATE stories SET article_count = 0, source_count = 0, merged_into = ? "
                      "WHERE id = ?", (keep, gone))

    def merged_into(self, story_id: int) -> int | None:
        value = self._scalar("SELECT merged_into FROM stories WHERE id = ?", (story_id,))
        return None if value is None else int(value)

    def story_article_rows(self, story_id: int) -> list[dict[str, Any]]:
        """The articles of a story, oldest first: the facts a story's header is made of."""
        rows = self._all("SELECT a.id, a.title, a.summary, a.section, a.published_at, "
                         "a.source_id, w.group_id FROM articles a LEFT JOIN wire_copies w ON "
                         "w.article_id = a.id WHERE a.story_id = ? ORDER BY "
                         "a.published_at NULLS LAST, a.id", (story_id,))
        return [{"id": int(r[0]), "title": r[1], "summary": r[2], "section": r[3],
                 "published_at": self._dt(r[4]), "source_id": int(r[5]),
                 "group_id": None if r[6] is None else int(r[6])} for r in rows]

    # -- activity, for trending -----------------------------------------------------------
    def newest_published(self) -> datetime | None:
        return self._dt(self._scalar("SELECT MAX(published_at) FROM articles"))

    def story_activity(self, since: datetime, until: datetime) -> list[tuple[int, int, int]]:
        """(story, articles counting each wire text once, distinct outlets) published in range."""
        rows = self._all("SELECT a.story_id, COUNT(DISTINCT COALESCE(w.group_id, a.id)), "
                         "COUNT(DISTINCT a.source_id) FROM articles a LEFT JOIN wire_copies w "
                         "ON w.article_id = a.id WHERE a.published_at >= ? AND "
                         "a.published_at < ? AND a.story_id IS NOT NULL GROUP BY a.story_id",
                         (self._ts(since), self._ts(until)))
        return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    def story_views(self, since: datetime, until: datetime) -> dict[int, int]:
        # views summed by article first: one article lookup each, not one per hour's row
        rows = self._all("SELECT a.story_id, SUM(v.n) FROM (SELECT article_id, SUM(count) AS n "
                         "FROM views WHERE hour >= ? AND hour < ? GROUP BY article_id) v "
                         "JOIN articles a ON a.id = v.article_id WHERE a.story_id IS NOT NULL "
                         "GROUP BY a.story_id", (self._ts(since), self._ts(until)))
        return {int(r[0]): int(r[1]) for r in rows}

    def entity_activity(self, since: datetime, until: datetime) -> list[tuple[int, int, int]]:
        """(entity, articles counting each wire text once, distinct outlets) in range."""
        rows = self._all("SELECT ae.entity_id, COUNT(DISTINCT COALESCE(w.group_id, a.id)), "
                         "COUNT(DISTINCT a.source_id) FROM article_entities ae JOIN articles a "
                         "ON a.id = ae.article_id LEFT JOIN wire_copies w ON "
                         "w.article_id = a.id WHERE a.published_at >= ? AND "
                         "a.published_at < ? GROUP BY ae.entity_id",
                         (self._ts(since), self._ts(until)))
        return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    def keyword_activity(self, since: datetime, until: datetime
                         ) -> list[tuple[str, int, int, str]]:
        """(key phrase in lower case, articles counting each wire text once, distinct outlets,
        the phrase as written: `keyword_as_written`) in range."""
        rows = self._all("SELECT LOWER(k.keyword), COUNT(DISTINCT COALESCE(w.group_id, a.id)), "
                         f"COUNT(DISTINCT a.source_id), {keyword_as_written('k.keyword')} FROM "
                         "article_keywords k JOIN articles a ON a.id = k.article_id LEFT JOIN "
                         "wire_copies w ON w.article_id = a.id WHERE a.published_at >= ? AND "
                         "a.published_at < ? GROUP BY LOWER(k.keyword)",
                         (self._ts(since), self._ts(until)))
        return [(str(r[0]), int(r[1]), int(r[2]), str(r[3])) for r in rows]

    def names_among(self, phrases: Iterable[str], since: datetime, until: datetime) -> set[str]:
        """Which of these lower-case phrases are names: an entity's key or one-word form
        (`trump`, `gm`), or part of the name of an entity an article of the range that has
        the phrase as a keyword links (`donald` of Donald Trump). Asked of a few candidates
        only: tested on every keyword row of a week, the name test cost five times the
        count itself (50,000 articles)."""
        phrases = sorted(set(phrases))
        found = {str(r[0]) for table in ("entities", "entity_short_forms") for r in self._all_in(
            f"SELECT DISTINCT key FROM {table} WHERE key IN (?*)", phrases)}
        # The window's articles first (CROSS JOIN keeps SQLite's planner from starting at
        # the keyword index, which reads every article that ever had a common keyword:
        # 159 -> 7 ms on a 200,000-article store, and it grew with the archive)
        found |= {str(r[0]) for r in self._all_in(
            "SELECT DISTINCT LOWER(k.keyword) FROM articles a CROSS JOIN article_keywords k "
            "JOIN article_entities ae ON ae.article_id = a.id JOIN entities e ON "
            "e.id = ae.entity_id WHERE k.article_id = a.id AND a.published_at >= ? AND "
            "a.published_at < ? AND "
            "' ' || LOWER(e.name) || ' ' LIKE '% ' || LOWER(k.keyword) || ' %' AND "
            "LOWER(k.keyword) IN (?*)", phrases, (self._ts(since), self._ts(until)))}
        return found

    def entity_story_ids(self, entity_ids: list[int],
                         limit: int = 50) -> list[tuple[int, int, int]]:
        """Stories that name these entities, best first: (story, how many of them it names,
        its newest article naming any of them), so a caller needs no query per story."""
        if not entity_ids:
            return []
        # Each name's newest ENTITY_SCAN articles only (an index range each): a common name
        # ("China") is in a tenth of a large archive, and reading all of them made the
        # article page's cost grow with it. Recent stories are the related ones anyway.
        newest = " UNION ALL ".join(
            f"SELECT * FROM (SELECT entity_id, article_id FROM article_entities "
            f"WHERE entity_id = ? ORDER BY article_id DESC LIMIT {ENTITY_SCAN}) AS e{i}"
            for i in range(len(entity_ids)))
        rows = self._all(f"SELECT a.story_id, COUNT(DISTINCT ae.entity_id) AS n, "
                         f"MAX(a.id) AS newest FROM ({newest}) AS ae "
                         "JOIN articles a ON a.id = ae.article_id WHERE "
                         "a.story_id IS NOT NULL GROUP BY a.story_id ORDER BY n DESC, "
                         "a.story_id DESC LIMIT ?", (*entity_ids, limit))
        return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]
