"""Entities, quotes, dates, keywords and stage versions: the SQL shared by every backend."""
from __future__ import annotations

import json
from typing import Any, Iterable

from ..models import DateMention, Entity, Quote
from .base import ArticleEntity, EntityLink, StageState, StoredQuote
from .entity_successor import successor
from .sql import SQLStore, dumps
# SQLite gives a new row the largest id + 1, so the id of a removed newest entity would be
# issued again and its old links would show a stranger: new ids start above every id issued
# (removed ones stay in entity_redirects). PostgreSQL's identity never reissues.
SQLITE_NEXT_ENTITY_ID = ("(SELECT MAX(n) + 1 FROM (SELECT COALESCE(MAX(id), 0) AS n FROM entities "
                         "UNION ALL SELECT COALESCE(MAX(old_id), 0) FROM entity_redirects))")


LATEST_QUOTE_ARTICLES = 500  # the newest articles the quotes page draws on unasked
# Unasked, the quotes page lists statements: a phrase an article put in quotation marks
# ("cautiously optimistic", "dangerous", "for months") says nothing read on its own. A
# search by speaker or words, and the article and entity pages, still show every quote.
LATEST_QUOTE_MIN_WORDS = 4


class EnrichmentQueries(SQLStore):
    def _entity(self, r: Any) -> Entity:
        return Entity(id=r["id"], name=r["name"], type=r["type"],
                      aliases=json.loads(r["aliases"]), roles=json.loads(r["roles"]))

    def upsert_entity(self, entity: Entity, key: str) -> int:
        """The entity with this (type, key), created or with new aliases and roles merged in."""
        select = f"SELECT * FROM entities WHERE type = ? AND key = ?{self.lock_row}"
        with self.transaction():
            row = self._one(select, (entity.type, key))
            if row is None:
                cols, vals = ("id, ", SQLITE_NEXT_ENTITY_ID + ", ") if self.dialect == "sqlite" \
                    else ("", "")
                inserted = self._one(
                    f"INSERT INTO entities ({cols}key, type, name, aliases, roles) VALUES "
                    f"({vals}?, ?, ?, ?, ?) ON CONFLICT (type, key) DO NOTHING RETURNING id",
                    (key, entity.type, entity.name, dumps(sorted(set(entity.aliases))),
                     dumps(entity.roles[:20])))
                if inserted is not None:
                    self._add_short_forms(int(inserted[0]), entity)
                    return int(inserted[0])
                # A concurrent writer created it since the SELECT: merge into theirs.
                row = self._one(select, (entity.type, key))
            have = self._entity(row)
            aliases = sorted(set(have.aliases) | set(entity.aliases))
            roles = have.roles + [r for r in entity.roles if r and r not in have.roles]
            # A longer full name seen later is the better display name ("Lee" -> "Lee Jae Myung").
            name = entity.name if len(entity.name) > len(have.name) else have.name
            if aliases != have.aliases or roles != have.roles or name != have.name:
                self._execute("UPDATE entities SET aliases = ?, roles = ?, name = ? WHERE id = ?",
                              (dumps(aliases), dumps(roles[:20]), name, have.id))
            self._add_short_forms(int(have.id), entity)
            return int(have.id)

    def _add_short_forms(self, entity_id: int, entity: Entity) -> None:
        for form in sorted(set(entity.short_forms)):
            self._execute("INSERT INTO entity_short_forms (key, type, entity_id) VALUES "
                          "(?, ?, ?) ON CONFLICT DO NOTHING", (form, entity.type, entity_id))

    def entity_article_count(self, key: str, type: str, cap: int = 1000) -> int:
        """How many articles link the entity of this type and key, counted up to `cap` (a
        comparison needs no more, and a name in 100,000 articles would cost a long count)."""
        return int(self._scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM article_entities ae JOIN entities e ON "
            "e.id = ae.entity_id WHERE e.type = ? AND e.key = ? LIMIT ?) n", (type, key, cap)))

    def names_by_short_form(self, key: str, type: str) -> list[str]:
        """The names of the entities of this type that articles called by this one-word
        form (`trump` -> Donald Trump; Melania Trump too, once an article called her so)."""
        return [r[0] for r in self._all(
            "SELECT e.name FROM entity_short_forms f JOIN entities e ON e.id = f.entity_id "
            "WHERE f.key = ? AND f.type = ? ORDER BY e.id LIMIT 10", (key, type))]

    def link_entities(self, article_id: int, entities: list[tuple[Entity, str]]) -> list[int]:
        """Upsert one article's entities (each with its key), returning their ids in the order
        given, and lock the entities the article links now that it may drop.

        Call inside the transaction that then replaces the article's enrichment. Every entity
        row is locked in one global order, (type, key), whatever order the article names them
        in: two writers locking "U.S." and "Trump" in opposite orders would deadlock, and one
        article's stage would fail. The entities the article may drop are among them, so
        `_retire_entities` later finds them already held.
        """
        with self.transaction():
            held = {(r["type"], r["key"]) for r in self._all(
                "SELECT type, key FROM entities WHERE id IN (SELECT entity_id FROM "
                "article_entities WHERE article_id = ? UNION SELECT entity_id FROM quotes "
                "WHERE article_id = ? AND entity_id IS NOT NULL)", (article_id, article_id))}
            given: dict[tuple[str, str], list[int]] = {}
            for i, (entity, key) in enumerate(entities):
                given.setdefault((entity.type, key), []).append(i)
            ids = [0] * len(entities)
            lock = f"SELECT id FROM entities WHERE type = ? AND key = ?{self.lock_row}"
            for type_key in sorted(given.keys() | held):
                for i in given.get(type_key, ()):
                    ids[i] = self.upsert_entity(entities[i][0], type_key[1])
                if type_key not in given:
                    self._one(lock, type_key)
            return ids

    def get_entity(self, entity_id: int) -> Entity:
        row = self._one("SELECT * FROM entities WHERE id = ?", (entity_id,))
        if row is None:
            raise self._missing("entity", entity_id)
        return self._entity(row)

    def entity_redirect(self, entity_id: int) -> int | None:
        """Where a removed entity's mentions went (the entity to show instead), else None."""
        new_id = self._scalar("SELECT new_id FROM entity_redirects WHERE old_id = ?",
                              (entity_id,))
        return None if new_id is None else int(new_id)

    def entities_by_key(self, key: str, type: str | None = None) -> list[Entity]:
        if type:
            rows = self._all("SELECT * FROM entities WHERE key = ? AND type = ?", (key, type))
        else:
            rows = self._all("SELECT * FROM entities WHERE key = ?", (key,))
        return [self._entity(r) for r in rows]

    def list_entities(self, limit: int = 100) -> list[tuple[Entity, int]]:
        rows = self._all("SELECT e.*, COUNT(ae.article_id) AS n FROM entities e JOIN "
                         "article_entities ae ON ae.entity_id = e.id GROUP BY e.id "
                         "ORDER BY n DESC, e.name LIMIT ?", (limit,))
        return [(self._entity(r), int(r["n"])) for r in rows]

    def replace_article_enrichment(self, article_id: int, entities: list[EntityLink],
                                   quotes: list[Quote], dates: list[DateMention],
                                   keywords: list[str]) -> None:
        """Swap in one article's entities, quotes, dates and keywords as one unit; an entity
        left with no mention anywhere is removed with it (`_retire_entities`)."""
        with self.transaction():
            before = {int(r[0]) for r in self._all(
                "SELECT entity_id FROM article_entities WHERE article_id = ? UNION "
                "SELECT entity_id FROM quotes WHERE article_id = ? AND entity_id IS NOT NULL",
                (article_id, article_id))}
            for table in ("article_entities", "quotes", "date_mentions", "article_keywords"):
                self._execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
            for link in entities:
                self._execute("INSERT INTO article_entities (article_id, entity_id, mentions, "
                              "role) VALUES (?, ?, ?, ?)",
                              (article_id, link.entity_id, link.mentions, link.role))
            for q in quotes:
                self._execute(
                    "INSERT INTO quotes (article_id, kind, text, speaker, entity_id, "
                    "speaker_role, cue, said_to, block, start_char, end_char) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (article_id, q.kind, q.text, q.speaker, q.speaker_entity_id, q.speaker_role,
                     q.cue, q.said_to, q.block, q.start, q.end))
            for d in dates:
                self._execute("INSERT INTO date_mentions (article_id, text, sentence, value, "
                              "granularity, block, role) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              (article_id, d.text, d.sentence, d.value, d.granularity, d.block,
                               d.role))
            for rank, kw in enumerate(dict.fromkeys(keywords)):
                self._execute("INSERT INTO article_keywords (article_id, keyword, rank) "
                              "VALUES (?, ?, ?)", (article_id, kw, rank))
            kept = {link.entity_id for link in entities} | {q.speaker_entity_id for q in quotes}
            self._retire_entities(sorted(before - kept), entities)

    def _retire_entities(self, ids: list[int], links: list[EntityLink]) -> None:
        """Remove the entities among `ids` that no article or quote mentions any more, each
        recorded in entity_redirects with the entity of this article that took its mentions
        (`entity_successor`), or none; redirects to it follow it (a->b, b->c: a->c)."""
        # Locked first, in id order: a writer linking one of them (upsert_entity locks it)
        # commits before we look, so its link is seen and the entity stays.
        self._entities_in(ids, lock=True)
        gone = self._entities_in(ids, "AND NOT EXISTS (SELECT 1 FROM article_entities ae WHERE "
                                      "ae.entity_id = e.id) AND NOT EXISTS (SELECT 1 FROM "
                                      "quotes q WHERE q.entity_id = e.id)")
        if not gone:
            return
        mentions = {link.entity_id: link.mentions for link in links}
        present = [(e, mentions[e.id]) for e in self._entities_in(list(mentions))]
        for e in gone:
            new_id = successor(e, present)
            self._execute("UPDATE entity_redirects SET new_id = ? WHERE new_id = ?",
                          (new_id, e.id))
            self._execute("INSERT INTO entity_redirects (old_id, new_id) VALUES (?, ?) "
                          "ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id",
                          (e.id, new_id))
            self._execute("DELETE FROM entities WHERE id = ?", (e.id,))

    def _entities_in(self, ids: list[int], where: str = "", lock: bool = False) -> list[Entity]:
        """The entities with these ids (and `where`, on `e`), in id order."""
        return [self._entity(r) for r in self._all_in(
            f"SELECT * FROM entities e WHERE id IN (?*) {where} "
            f"ORDER BY id{self.lock_row if lock else ''}", sorted(ids))]

    def article_entities(self, article_id: int) -> list[ArticleEntity]:
        return self.entities_of_articles([article_id])[article_id]

    def entities_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[ArticleEntity]]:
        """Each article's entities, most mentioned first (every id asked for a key), read
        together, so the related rail reads all its candidates' names at once."""
        rows = self._by_article(
            "SELECT ae.article_id, e.id, e.name, e.type, ae.role, ae.mentions FROM article_entities "
            "ae JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id IN (?*) "
            "ORDER BY ae.article_id, ae.mentions DESC, e.name", article_ids)
        return {i: [ArticleEntity(entity_id=r["id"], name=r["name"], type=r["type"],
                                  role=r["role"], mentions=r["mentions"]) for r in rs]
                for i, rs in rows.items()}

    def _quote(self, r: Any) -> Quote:
        return Quote(text=r["text"], speaker=r["speaker"], kind=r["kind"], cue=r["cue"],
                     said_to=r["said_to"], speaker_role=r["speaker_role"],
                     speaker_entity_id=r["entity_id"], block=r["block"],
                     start=r["start_char"], end=r["end_char"])

    def _by_article(self, sql: str, article_ids: Iterable[int]) -> dict[int, list[Any]]:
        """The rows of `sql` (an `article_id IN (?*)` query ordered by article_id) grouped by
        article, every id asked for a key (empty when it has none): a page of many articles
        costs a few queries, not one per article."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[int, list[Any]] = {i: [] for i in ids}
        for r in self._all_in(sql, ids):
            out[r["article_id"]].append(r)
        return out

    def quotes_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[Quote]]:
        return {i: [self._quote(r) for r in rows] for i, rows in
                self._by_article("SELECT * FROM quotes WHERE article_id IN (?*) "
                                 "ORDER BY article_id, block, start_char, id", article_ids).items()}

    def dates_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[DateMention]]:
        return {i: [DateMention(text=r["text"], sentence=r["sentence"], value=r["value"],
                                granularity=r["granularity"], block=r["block"], role=r["role"])
                    for r in rows]
                for i, rows in
                self._by_article("SELECT * FROM date_mentions WHERE article_id IN (?*) "
                                 "ORDER BY article_id, block, id", article_ids).items()}

    def article_quotes(self, article_id: int) -> list[Quote]:
        return self.quotes_of_articles([article_id])[article_id]

    def article_dates(self, article_id: int) -> list[DateMention]:
        return self.dates_of_articles([article_id])[article_id]

    def article_keywords(self, article_id: int) -> list[str]:
        return [r[0] for r in self._all("SELECT keyword FROM article_keywords WHERE "
                                        "article_id = ? ORDER BY rank", (article_id,))]

    def keywords_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[str]]:
        """What article_keywords gives, for many articles in one query per IN_CHUNK ids."""
        return {i: [r["keyword"] for r in rows] for i, rows in
                self._by_article("SELECT article_id, keyword FROM article_keywords WHERE "
                                 "article_id IN (?*) ORDER BY article_id, rank",
                                 article_ids).items()}

    def entity_mentions_by_day(self, entity_id: int) -> list[tuple[str, int]]:
        rows = self._all("SELECT a.published_at AS p, ae.mentions AS m FROM article_entities ae "
                         "JOIN articles a ON a.id = ae.article_id WHERE ae.entity_id = ? "
                         "AND a.published_at IS NOT NULL", (entity_id,))
        days: dict[str, int] = {}
        for r in rows:
            day = self._dt(r["p"]).date().isoformat()
            days[day] = days.get(day, 0) + int(r["m"])
        return sorted(days.items())

    def cooccurring_entities(self, entity_id: int, limit: int = 10) -> list[tuple[Entity, int]]:
        rows = self._all("SELECT e.*, COUNT(*) AS n FROM article_entities mine JOIN "
                         "article_entities other ON other.article_id = mine.article_id AND "
                         "other.entity_id <> mine.entity_id JOIN entities e ON "
                         "e.id = other.entity_id WHERE mine.entity_id = ? GROUP BY e.id "
                         "ORDER BY n DESC, e.name LIMIT ?", (entity_id, limit))
        return [(self._entity(r), int(r["n"])) for r in rows]

    def search_quotes(self, speaker: str = "", text: str = "", entity_id: int | None = None,
                      limit: int = 50, offset: int = 0, direct: bool = False) -> list[StoredQuote]:
        """Quotes whose speaker holds `speaker` and whose words hold each word of `text`
        (any case), of the entity `entity_id`, only direct ones with `direct`; newest first."""
        where, params = ["1 = 1"], []
        if direct:
            where.append("q.kind = 'direct'")
        if entity_id:
            where.append("q.entity_id = ?"); params.append(entity_id)
        if speaker:
            where.append("LOWER(q.speaker) LIKE ?"); params.append(f"%{speaker.lower()}%")
        for word in text.lower().split():
            where.append("LOWER(q.text) LIKE ?"); params.append(f"%{word}%")
        rows = self._all("SELECT q.*, a.title AS article_title, a.published_at AS p, "
                         "s.name AS source_name FROM quotes q JOIN articles a ON "
                         "a.id = q.article_id JOIN sources s ON s.id = a.source_id WHERE "
                         f"{' AND '.join(where)} ORDER BY a.published_at DESC NULLS LAST, q.id "
                         "LIMIT ? OFFSET ?", (*params, limit, offset))
        return self._stored_quotes(rows)

    def _stored_quotes(self, rows: list) -> list[StoredQuote]:
        """Rows of quotes joined with their article's title, date (`p`) and source name."""
        return [StoredQuote(quote=self._quote(r), article_id=r["article_id"],
                            article_title=r["article_title"], published_at=self._dt(r["p"]),
                            source_name=r["source_name"]) for r in rows]

    def latest_quotes(self, limit: int = 50, offset: int = 0,
                      articles: int = LATEST_QUOTE_ARTICLES) -> list[StoredQuote]:
        """Direct quotes with a speaker, of LATEST_QUOTE_MIN_WORDS words or more, from the
        newest `articles` articles, newest first. The window keeps this one index walk at any
        store size (a sort of every quote took a scan of the whole table)."""
        rows = self._all(
            "SELECT q.*, a.title AS article_title, a.published_at AS p, s.name AS source_name "
            "FROM (SELECT id, title, published_at, listed_at, source_id FROM articles "
            "ORDER BY listed_at DESC NULLS LAST, id DESC LIMIT ?) a JOIN quotes q ON "
            "q.article_id = a.id JOIN sources s ON s.id = a.source_id WHERE q.kind = 'direct' "
            "AND q.speaker <> '' AND LENGTH(TRIM(q.text)) - LENGTH(REPLACE(TRIM(q.text), ' ', '')) "
            ">= ? ORDER BY a.listed_at DESC NULLS LAST, a.id DESC, q.id LIMIT ? OFFSET ?",
            (articles, LATEST_QUOTE_MIN_WORDS - 1, limit, offset))
        return self._stored_quotes(rows)

    def stage_states(self, article_id: int) -> list[StageState]:
        rows = self._all("SELECT stage, version, error FROM stage_runs WHERE article_id = ? "
                         "ORDER BY stage", (article_id,))
        return [StageState(stage=r["stage"], version=r["version"], error=r["error"]) for r in rows]

    def record_stage(self, article_id: int, stage: str, version: int, error: str = "") -> None:
        self._execute("INSERT INTO stage_runs (article_id, stage, version, error) VALUES "
                      "(?, ?, ?, ?) ON CONFLICT (article_id, stage) DO UPDATE SET "
                      "version = excluded.version, error = excluded.error",
                      (article_id, stage, version, error[:2000]))

    def articles_needing(self, stage: str, version: int, limit: int = 1000) -> list[int]:
        rows = self._all("SELECT a.id FROM articles a LEFT JOIN stage_runs r ON "
                         "r.article_id = a.id AND r.stage = ? WHERE r.version IS NULL OR "
                         "r.version <> ? ORDER BY a.id LIMIT ?", (stage, version, limit))
        return [int(r[0]) for r in rows]
