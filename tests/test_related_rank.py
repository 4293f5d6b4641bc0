"""The related rail after the same-story tier: one ranking of entity-sharing story leads and
text neighbours, by closeness of text plus a bonus for the specific names they share."""
from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.pipeline import ingest_items
from newsdesk.rank.related import (BONUS_NAMES, ENTITY_BONUS, WORDING_FLOOR, Candidate,
                                   ranked_candidates, related_articles, specificity)
from newsdesk.search import textindex, vectors
from newsdesk.sources.files import read_paths

from conftest import statements_of

CORPUS = Path(__file__).parent.parent / "data" / "corpus"
SEED = "Japan and South Korea Hold Summit in Nara as China Steps Up Pressure Over Taiwan"
TAIWAN = "U.S. Arms Sale to Taiwan in Limbo Amid Pressure Campaign From China"
BOEING = "Boeing rolls out first 787 Dreamliner to go into service"
ENVOY = "How Former Prince Andrew’s Trade-Envoy Role Sowed the Seeds of His Downfall"
ARREST = "Former Prince Andrew Released After Arrest in Epstein Probe"
UNRELATED = {"Apple Inc. CEO Steve Jobs on medical leave",
             "Mary Barra appointed as General Motors chief"}


# -- scoring --------------------------------------------------------------------------------
def test_specificity_falls_as_more_articles_name_it():
    n = 10_000
    values = [specificity(df, n) for df in (2, 20, 200, 2_000, n)]
    assert values == sorted(values, reverse=True)
    assert values[0] > 0.8 and values[-1] == 0.0
    # a name no count knows of yet is taken as named by the two articles that share it
    assert specificity(0, n) == specificity(2, n)
    assert specificity(0, 0) == 0.0  # no division by zero on an empty count


def test_common_shared_names_do_not_outweigh_closer_text():
    close = Candidate(article=None, closeness=0.60, shared=[])
    common = Candidate(article=None, closeness=0.52,
                       shared=[("Japan", 0.3), ("Tokyo", 0.35), ("United States", 0.1)])
    assert close.score > common.score
    assert common.reason == "similar text"  # the bonus was small: the names are no reason


def test_specific_shared_names_lift_and_are_the_reason():
    close = Candidate(article=None, closeness=0.60, shared=[])
    specific = Candidate(article=None, closeness=0.55,
                         shared=[("Xi Jinping", 0.8), ("Beijing", 0.7), ("China", 0.2)])
    assert specific.score > close.score
    # only the specific names are given, the most specific first
    assert specific.reason == "shares Xi Jinping, Beijing"


def test_a_candidate_sharing_neither_wording_nor_specific_names_is_not_related():
    far = Candidate(article=None, closeness=0.62, shared=[("United States", 0.1)],
                    wording=WORDING_FLOOR / 2)
    assert not far.related
    worded = Candidate(article=None, closeness=0.62, shared=[], wording=WORDING_FLOOR)
    named = Candidate(article=None, closeness=0.62, wording=0.0,
                      shared=[("Xi Jinping", 0.8), ("Beijing", 0.7)])
    assert worded.related and named.related


def test_bonus_counts_the_most_specific_names_only():
    many = Candidate(article=None, closeness=0.5, shared=[(f"n{i}", 0.9) for i in range(10)])
    assert many.bonus == pytest.approx(0.9 * BONUS_NAMES)
    assert many.score == pytest.approx(0.5 + ENTITY_BONUS * 0.9 * BONUS_NAMES)


# -- on a real store --------------------------------------------------------------------------
def _ingest(store, titles: set[str]) -> dict[str, int]:
    wanted = [item for item in read_paths([str(CORPUS / "000_seed.txt"),
                                           str(CORPUS / "feeds" / "wsj_world.xml"),
                                           str(CORPUS / "wikinews.jsonl")])
              if item.origin.endswith("000_seed.txt") or getattr(item, "title", "") in titles]
    report = ingest_items(store, wanted)
    ids = {store.get_article(i).title: i for i in report.new_ids}
    assert {SEED, *titles} <= set(ids), ids
    return ids


def test_the_taiwan_article_ranks_above_boeing_on_the_seed_page(store):
    ids = _ingest(store, {TAIWAN, BOEING})
    seed = store.get_article(ids[SEED])
    vi = vectors.open_index(store)
    vectors.sync(store, vi)
    ti = textindex.open_text_index(store)  # None on PostgreSQL: its own full-text search
    # the article page's vector index, its text ranking index, and the store's full text
    for indexes in ({"vi": vi}, {"ti": ti}, {}):
        rail = [r.id for r in related_articles(store, seed, **indexes)]
        assert ids[TAIWAN] in rail
        assert ids[BOEING] not in rail or rail.index(ids[TAIWAN]) < rail.index(ids[BOEING])


def test_the_rail_leaves_out_what_is_merely_least_far(store):
    """A small store has few articles near any one: the rail shows those, not the nearest
    of the rest (the demo put Steve Jobs's medical leave beside Prince Andrew's downfall)."""
    ids = _ingest(store, {ENVOY, ARREST, *UNRELATED})
    envoy = store.get_article(ids[ENVOY])
    vi = vectors.open_index(store)
    vectors.sync(store, vi)
    ti = textindex.open_text_index(store)
    for indexes in ({"vi": vi}, {"ti": ti}, {}):
        rail = {r.id for r in related_articles(store, envoy, **indexes)}
        assert ids[ARREST] in rail, indexes
        assert not rail & {ids[t] for t in UNRELATED}, indexes


def test_similar_text_through_the_text_ranking_index_scores_no_fts_rows(sqlite_store):
    """FTS5 scores every article that shares any of the words (a second an article page at a
    million articles); with the text ranking index the rail ranks the top few there."""
    store = sqlite_store
    ids = _ingest(store, {TAIWAN, BOEING})
    seed = store.get_article(ids[SEED])
    ti = textindex.open_text_index(store)
    with statements_of(store) as statements:
        with_index = [r.id for r in related_articles(store, seed, ti=ti)]
    assert not [sql for sql, _ in statements if "article_fts" in sql]
    assert ids[TAIWAN] in with_index


def test_candidates_read_in_a_fixed_number_of_queries(store):
    """No query per candidate: the statements of the ranking do not grow with them."""
    ids = _ingest(store, {TAIWAN, BOEING, "Asian stock markets slide; Nikkei at lowest level "
                          "since '82", "Japan enters recession",
                          "North Korea puts military in 'quasi-state of war'"})
    seed = store.get_article(ids[SEED])
    with statements_of(store) as statements:
        ranked = ranked_candidates(store, seed, 5)
    assert len(ranked) >= 2
    # (two of them: the words' document counts, for the rarest few of the text query; and
    # one a batch of `limit` candidates: their stories' centroids, for the wording floor)
    assert len(statements) <= 13, statements


def test_entities_of_articles_is_article_entities_for_many(store):
    ids = _ingest(store, {TAIWAN, BOEING})
    many = store.entities_of_articles(list(ids.values()) + [10_000_000])
    assert many[10_000_000] == []
    for aid in ids.values():
        assert many[aid] == store.article_entities(aid)
    # each story naming an entity comes with an article of it that names it
    seed_entities = [e.entity_id for e in many[ids[SEED]]]
    for story_id, n, article_id in store.entity_story_ids(seed_entities):
        named = {e.entity_id for e in many.get(article_id) or store.article_entities(article_id)}
        assert store.get_article(article_id).story_id == story_id
        assert 1 <= n and named & set(seed_entities)


def test_stories_sharing_names_are_found_among_each_name_s_newest_articles(store, monkeypatch):
    from datetime import datetime, timezone

    from newsdesk.models import Article, Block, Entity, Source, Story
    from newsdesk.store import stories as story_queries
    from newsdesk.store.base import EntityLink

    t0 = datetime(2025, 11, 1, tzinfo=timezone.utc)
    china = store.upsert_entity(Entity("China", "PLACE"), "china")
    nara = store.upsert_entity(Entity("Nara", "PLACE"), "nara")
    sids = [store.save_story(Story(title=f"Story {n}", first_seen=t0, last_seen=t0)) for n in range(3)]
    names = {0: [china, nara], 1: [china], 2: [china, nara]}  # story 0 is the oldest
    for n, sid in enumerate(sids):
        aid = store.add_article(Article(url=f"https://x.example/{n}", title=f"Article {n}",
                                        source=Source(name="X"), content_hash=f"h{n}",
                                        body=[Block("paragraph", f"Text {n}.")]))
        store.update_article_fields(aid, story_id=sid)
        store.replace_article_enrichment(aid, [EntityLink(entity_id=e, mentions=1) for e in names[n]],
                                         [], [], [])
    every = store.entity_story_ids([china, nara])
    assert [(s, n) for s, n, _ in every] == [(sids[2], 2), (sids[0], 2), (sids[1], 1)]
    # each name's newest two articles only: China's oldest mention no longer counts
    monkeypatch.setattr(story_queries, "ENTITY_SCAN", 2)
    newest = store.entity_story_ids([china, nara])
    assert [(s, n) for s, n, _ in newest] == [(sids[2], 2), (sids[1], 1), (sids[0], 1)]


def test_similar_text_without_an_index_asks_the_rarest_words(store):
    """Where no vector or text ranking index serves it, the any-word query carries the
    rarest few words of the title and keywords (document counts from the stories stage), not
    the common ones that match a large share of an archive."""
    from newsdesk.rank.related import RARE_TERMS, _text_hits

    ids = _ingest(store, {TAIWAN, BOEING})
    seed = store.get_article(ids[SEED])
    for _ in range(50):  # "pressure" and "summit" in many articles, the rest in none
        store.bump_term_df(["w:pressure", "w:summit"])
    with statements_of(store) as statements:
        _text_hits(store, seed, 5)
    [(sql, params)] = [(sql, p) for sql, p in statements if "MATCH" in sql or "@@" in sql]
    query = " ".join(str(p) for p in params).lower()
    assert "nara" in query and "pressure" not in query and "summit" not in query
    assert RARE_TERMS < 12


def test_an_any_word_search_ranks_its_newest_matches_only(store, monkeypatch):
    import newsdesk.store.postgres as pg
    import newsdesk.store.sqlite as lite
    from newsdesk.models import Article, Block, Source
    from newsdesk.store.base import ArticleFilter

    ids = [store.add_article(Article(url=f"h:{i}", title=f"Harbour note {i}", source=Source(
        name="Port"), body=[Block("paragraph", f"The harbour wall {'repair ' * i}")],
        content_hash=f"hh{i}")) for i in range(4)]
    every = {h.article_id for h in store.search_articles("harbour", ArticleFilter(limit=10))}
    assert every == set(ids)
    monkeypatch.setattr(lite, "ANY_WORD_POOL", 2)
    monkeypatch.setattr(pg, "ANY_WORD_POOL", 2)
    hits = store.search_articles("harbour quay", ArticleFilter(limit=10), any_word=True)
    assert {h.article_id for h in hits} == set(ids[-2:])


def test_the_newest_matches_bound_an_fts5_any_word_search_without_a_match_per_row(sqlite_store):
    """FTS5 reads `rowid IN (the pool)` as one whole MATCH per pool row (2.9 s an article
    page at 200,000 articles without the text ranking index): the pool bounds rowid instead."""
    from newsdesk.models import Article, Block, Source
    from newsdesk.store.base import ArticleFilter

    from conftest import statements_of

    store = sqlite_store
    for i in range(3):
        store.add_article(Article(url=f"q:{i}", title=f"Quay note {i}", source=Source(name="P"),
                                  body=[Block("paragraph", "The quay wall.")], content_hash=f"q{i}"))
    with statements_of(store) as statements:
        store.search_articles("quay harbour", ArticleFilter(limit=5), any_word=True)
    [(sql, params)] = [(q, p) for q, p in statements if "MATCH" in q]
    plan = " | ".join(str(r[-1]) for r in store._all("EXPLAIN QUERY PLAN " + sql, params))
    assert "LIST SUBQUERY" not in plan and "INDEX 0:=" not in plan, plan
