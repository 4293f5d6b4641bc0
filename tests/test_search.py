"""Search through the store on both backends: the query language against real articles,
filters and facets, the vector index kept in step, and the quality gate on ECB+."""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsdesk.enrich.embed import embed_articles, embed_texts
from newsdesk.errors import QueryError
from newsdesk.models import Article, Block, Source
from newsdesk.search import hybrid, textindex, vectors
from newsdesk.search.stage import run_embed

FIX = Path(__file__).parent / "fixtures" / "search" / "ecbplus_topics_3to6.jsonl"
DOCS = [json.loads(line) for line in FIX.open(encoding="utf-8")]
SECTIONS = ["Politics", "World", "Business"]
SOURCES = ["Reuters", "AFP", "Kyodo"]
DAY0 = datetime(2025, 10, 1, tzinfo=timezone.utc)


def _article(i: int, doc: dict) -> Article:
    lines = [ln for ln in doc["text"].split("\n") if ln.strip()]
    return Article(url=f"https://ecbplus.example/{doc['doc_id']}", title=lines[0],
                   source=Source(name=SOURCES[i % 3]), section=SECTIONS[i % 3],
                   published_at=DAY0 + timedelta(days=i), content_hash=doc["doc_id"],
                   body=[Block("paragraph", ln) for ln in lines[1:]])


def _store_embedded(store, docs: list[dict]) -> list[Article]:
    """The documents stored as articles, with their vectors."""
    arts = []
    for i, doc in enumerate(docs):
        art = _article(i, doc)
        art.id = store.add_article(art)
        arts.append(art)
    run_embed(store, arts)
    return arts


@pytest.fixture(params=["store", "textindex"])
def loaded(request, store, tmp_path):
    """The articles on both backends; text ranked by the store's own full-text index, and on
    SQLite also by the tantivy text index the embedded default searches with."""
    if request.param == "textindex" and store.dialect != "sqlite":
        pytest.skip("the text ranking index serves the embedded default (SQLite)")
    arts = _store_embedded(store, DOCS)
    vi = vectors.open_index(store, path=tmp_path / "vectors.usearch")
    ti = (textindex.open_text_index(store, path=tmp_path / "text.tantivy")
          if request.param == "textindex" else None)
    return store, vi, arts, ti


def search(store, vi, ti, q, **kw):
    return hybrid.search(store, vi, q, ti=ti, **kw)


def _text(a: Article) -> str:
    return (a.title + "\n" + a.text).lower()


def _ids(res) -> list[int]:
    return [h["id"] for h in res["hits"]]


def _has(text: str, word: str) -> bool:
    return re.search(rf"\b{word}\b", text) is not None


def test_boolean_text_search_matches_what_the_articles_say(loaded):
    store, vi, arts, ti = loaded
    by_id = {a.id: a for a in arts}
    res = search(store, vi, ti, '"Maurice Cheeks" AND (fired OR hired) -Sixers',
                        mode="text", limit=100)
    assert res["hits"] and res["total"] == len(res["hits"])
    for aid in _ids(res):
        text = _text(by_id[aid])
        assert "maurice cheeks" in text and not _has(text, "sixers")
    expected = {a.id for a in arts if "maurice cheeks" in _text(a)
                and (_has(_text(a), "fired") or _has(_text(a), "hired"))
                and "sixer" not in _text(a)}
    # Stemming may find more ("fires"); it never misses a literal match.
    assert expected and expected <= set(_ids(res))
    with_sixers = search(store, vi, ti, '"Maurice Cheeks" AND (fired OR hired)',
                                mode="text", limit=100)
    assert len(with_sixers["hits"]) > len(res["hits"])


def test_fields_filters_and_facets(loaded):
    store, vi, arts, ti = loaded
    res = search(store, vi, ti, "Cheeks section:Politics", mode="text", limit=100)
    assert res["hits"]
    assert {a.section for a in arts if a.id in set(_ids(res))} == {"Politics"}
    assert res["facets"]["section"] == [("Politics", len(res["hits"]))]
    after = DAY0 + timedelta(days=40)
    res = search(store, vi, ti, "Cheeks", mode="hybrid", limit=100,
                        filters={"after": after.date().isoformat(), "source": "afp"})
    chosen = [a for a in arts if a.id in set(_ids(res))]
    assert chosen and all(a.published_at >= after and a.source.name == "AFP" for a in chosen)
    assert sum(n for _, n in res["facets"]["source"]) == res["facet_pool"]
    title_hits = search(store, vi, ti, "title:Cheeks", mode="text", limit=100)
    body_only = [a for a in arts if "cheeks" not in a.title.lower() and "cheeks" in _text(a)]
    assert title_hits["hits"] and body_only
    assert all("cheeks" in a.title.lower() for a in arts if a.id in set(_ids(title_hits)))


def test_sort_by_date_and_paging(loaded):
    store, vi, arts, ti = loaded
    dated = search(store, vi, ti, "Cheeks", mode="text", sort="date", limit=5)
    when = {a.id: a.published_at for a in arts}
    days = [when[i] for i in _ids(dated)]
    assert days == sorted(days, reverse=True)
    page2 = search(store, vi, ti, "Cheeks", mode="text", sort="date", limit=5, offset=5)
    assert not set(_ids(page2)) & set(_ids(dated))


def test_semantic_search_finds_meaning_without_the_words(loaded):
    store, vi, arts, ti = loaded
    query = "basketball franchise sacks its trainer"
    assert not any(_has(_text(a), "sacks") or _has(_text(a), "trainer") for a in arts)
    res = search(store, vi, ti, query, mode="semantic", limit=3)
    topic = {a.id: d["topic"] for a, d in zip(arts, DOCS)}
    assert [topic[i] for i in _ids(res)] == [5, 5, 5]  # the 76ers firing their coach



def test_ranked_by_any_word_the_articles_with_every_word_come_first(loaded):
    # Fewer than five articles have both words, so the words are ranked by any of them;
    # fused with meaning, an article with one word used to come above those with both.
    store, vi, _, ti = loaded
    for query in ("convicted mother", "entertainment queen", "following guards"):
        # a filter keeps every word required (every article is newer than 2000)
        every = set(_ids(search(store, vi, ti, query, mode="text", limit=10,
                                filters={"after": "2000-01-01"})))
        assert 0 < len(every) < hybrid.RELAX_BELOW, query
        for mode in ("hybrid", "text"):
            res = search(store, vi, ti, query, mode=mode, limit=10)
            assert res["relaxed"] and res["every_word"] == len(every), (query, mode)
            ranked = _ids(res)
            assert set(ranked[:len(every)]) == every, (query, mode, ranked)
            assert len(ranked) > len(every)  # and the articles with some of the words follow
            scores = [h["score"] for h in res["hits"]]
            assert scores == sorted(scores, reverse=True), (query, mode)

def test_snippets_mark_the_words(loaded):
    store, vi, _, ti = loaded
    res = search(store, vi, ti, "coach", mode="text", limit=3)
    assert all("\x02" in s and "\x03" in s for s in res["snippets"].values())
    assert res["snippets"]


def test_bad_query_raises_with_position(loaded):
    store, vi, _, ti = loaded
    with pytest.raises(QueryError) as err:
        search(store, vi, ti, "Cheeks AND (fired")
    assert err.value.position == 11


def test_vector_index_rebuilt_when_missing_or_stale_and_kept_in_step(loaded, tmp_path):
    store, vi, arts, ti = loaded
    path = tmp_path / "vectors.usearch"
    assert path.exists() and len(vi.index) == len(arts)
    probe = embed_texts(["pinup model dies"])[0]
    before = vectors.search(vi, probe, 5)
    path.unlink()
    again = vectors.open_index(store, path=path)  # missing: rebuilt from the store
    assert path.exists() and len(again.index) == len(arts)
    assert [i for i, _ in vectors.search(again, probe, 5)] == [i for i, _ in before]
    path.write_bytes(path.read_bytes()[:100])  # damaged: its size disagrees with the record
    assert len(vectors.open_index(store, path=path).index) == len(arts)
    extra = _article(len(DOCS), {"doc_id": "new", "text": "Coach leaves the club\nThe coach "
                                 "of the basketball club resigned today, officials said."})
    extra.id = store.add_article(extra)
    run_embed(store, [extra])
    assert vectors.sync(store, again) == 1 and len(again.index) == len(arts) + 1
    run_embed(store, [extra])  # re-embedding replaces, never duplicates
    assert vectors.sync(store, again) == 1 and len(again.index) == len(arts) + 1
    assert extra.id in [i for i, _ in vectors.search(again, embed_articles([extra])[0], 1)]


def test_text_index_kept_in_step_with_the_store(sqlite_store, tmp_path):
    """New articles, a changed section and a missing folder: the index follows the store."""
    store = sqlite_store
    arts = []
    for i, doc in enumerate(DOCS[:20]):
        art = _article(i, doc)
        art.id = store.add_article(art)
        arts.append(art)
    path = tmp_path / "text.tantivy"
    ti = textindex.open_text_index(store, path=path)
    assert ti.index.searcher().num_docs == len(arts)
    extra = _article(99, {"doc_id": "new", "text": "Zanzibar ferry schedule\nThe Zanzibar "
                                                   "ferry runs twice a day from now on."})
    extra.id = store.add_article(extra)
    hits, total = textindex.ranked(store, ti, hybrid.build_query("zanzibar"), limit=5)
    assert [i for i, _ in hits] == [extra.id] and total == 1
    store.update_article_fields(extra.id, section="Business")  # filters see the new section
    assert textindex.count(store, ti, hybrid.build_query("zanzibar section:business")) == 1
    assert textindex.count(store, ti, hybrid.build_query("zanzibar section:world")) == 0
    assert textindex.count(store, ti, hybrid.build_query("zanzib*")) == 1
    import shutil
    shutil.rmtree(path)  # missing: rebuilt from the store on open
    again = textindex.open_text_index(store, path=path)
    assert again.index.searcher().num_docs == len(arts) + 1
    assert textindex.count(store, again, hybrid.build_query("zanzibar -ferry")) == 0
    # entity: and speaker: live in the store's tables, so the store's own index answers them
    assert not textindex.answers(hybrid.build_query("zanzibar entity:Zanzibar"))


def _ndcg(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, a in enumerate(ranked[:k]) if a in relevant)
    return dcg / sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))


@pytest.mark.parametrize("ranker", ["store", "textindex"])
def test_quality_gate_on_ecbplus(sqlite_store, tmp_path, ranker):
    """Each article's first sentence finds the rest of its story (as bench/search.py, on four
    topics). Floors sit a little under what was measured when they were set."""
    arts = _store_embedded(sqlite_store, DOCS)
    vi = vectors.open_index(sqlite_store, path=None)
    ti = textindex.open_text_index(sqlite_store, path=None) if ranker == "textindex" else None
    story = {a.id: d["subtopic"] for a, d in zip(arts, DOCS)}
    scores: dict[str, list[float]] = {m: [] for m in hybrid.MODES}
    for art, doc in zip(arts, DOCS):
        relevant = {i for i, s in story.items() if s == story[art.id]} - {art.id}
        query = re.split(r"(?<=[.!?])\s+|\n", doc["text"].strip(), maxsplit=1)[0]
        for mode in hybrid.MODES:
            res = hybrid.search(sqlite_store, vi, query, mode=mode, limit=11, facets=False,
                                ti=ti)
            scores[mode].append(_ndcg([i for i in _ids(res) if i != art.id], relevant))
    mean = {m: sum(v) / len(v) for m, v in scores.items()}
    print(ranker, mean)
    assert mean["text"] >= FLOORS["text"], mean
    assert mean["semantic"] >= FLOORS["semantic"], mean
    assert mean["hybrid"] >= FLOORS["hybrid"], mean


# Measured 2026-11-25: text 0.837, semantic 0.783, hybrid 0.865 (static model, RRF k=20,
# semantic weight 0.5); with the tantivy text index text 0.835, hybrid 0.860.
FLOORS = {"text": 0.81, "semantic": 0.75, "hybrid": 0.85}


def test_keyword_facet_filter_and_field(loaded):
    """Keywords (#8) serve the search facets: the results' shared key phrases are counted,
    and a facet's link (keyword=) or the query field keyword: narrows to the articles that
    have that phrase, in any case."""
    from newsdesk.enrich.keywords import keywords

    store, vi, arts, ti = loaded
    for a in arts:  # the articles' own key phrases, as the who stage writes them
        store.replace_article_enrichment(a.id, [], [], [], keywords(a))
    res = search(store, vi, ti, "Cheeks", mode="text", limit=100)
    facet = res["facets"]["keyword"]
    assert facet and all(n > 1 for _, n in facet)
    phrase, count = facet[0]
    having = {a.id for a in arts if phrase.lower() in
              {k.lower() for k in store.article_keywords(a.id)}}
    assert count == len(having & set(_ids(res)))
    for filtered in (search(store, vi, ti, "Cheeks", mode="text", limit=100,
                            filters={"keyword": phrase.upper()}),
                     search(store, vi, ti, f'Cheeks keyword:"{phrase}"', mode="text", limit=100)):
        assert set(_ids(filtered)) == having & set(_ids(res))
    alone = search(store, vi, ti, "", mode="text", limit=100, filters={"keyword": phrase})
    assert set(_ids(alone)) == having
    # a phrase that is (part of) a name the results have is the entity facet's, not this one's
    from newsdesk.models import Entity
    from newsdesk.store.base import EntityLink

    for aid in having:
        with store.transaction():
            [eid] = store.link_entities(aid, [(Entity(name=f"{phrase} Smith", type="PERSON"),
                                               f"person:{phrase.lower()} smith")])
            store.replace_article_enrichment(aid, [EntityLink(eid, 1)], [], [],
                                             store.article_keywords(aid))
    res = search(store, vi, ti, "Cheeks", mode="text", limit=100)
    assert phrase.lower() not in {p.lower() for p, _ in res["facets"]["keyword"]}
    assert (f"{phrase} Smith", count) in res["facets"]["entity"]
