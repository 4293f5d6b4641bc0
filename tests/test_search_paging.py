"""Search answers that must be truthful: totals and paging in every mode (past the fusion's
candidate pool), snippets that do not repeat the summary, `source:` as a whole name or host,
and the light import behind `entity:`. Both backends, and the tantivy text index on SQLite."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest

from newsdesk.models import Article, Block, Source
from newsdesk.search import hybrid, textindex
from test_search import DAY0, _ids, loaded, search  # noqa: F401  (loaded: the fixture)

SMALL_POOL = 8  # the fusion's pool made small, so 87 articles page far past it


@pytest.fixture
def small_pool(monkeypatch):
    monkeypatch.setattr(hybrid, "POOL", SMALL_POOL)


def _walk(store, vi, ti, q, limit=7, **kw) -> tuple[list[int], dict]:
    """Every id the pages give, following `more` as a reader follows next_offset."""
    seen, offset = [], 0
    while True:
        res = search(store, vi, ti, q, limit=limit, offset=offset, facets=False, **kw)
        seen += _ids(res)
        if not res["more"]:
            return seen, res
        assert res["hits"], "a page said there was more and gave nothing"
        offset += limit


def test_hybrid_total_is_the_text_count_and_pages_reach_the_end(loaded, small_pool):
    store, vi, arts, ti = loaded
    text = search(store, vi, ti, "coach", mode="text", limit=100)
    assert text["total"] > SMALL_POOL  # the walk goes past the fused pool
    first = search(store, vi, ti, "coach", mode="hybrid", limit=5)
    assert first["total"] == text["total"]  # was the pool's size
    assert first["total_capped"] == (first["by_meaning"] > 0)
    for sort in ("relevance", "date"):
        seen, last = _walk(store, vi, ti, "coach", mode="hybrid", sort=sort)
        assert len(seen) == len(set(seen)) == text["total"] + first["by_meaning"]
        assert set(_ids(text)) <= set(seen)
        assert last["total"] == first["total"]  # does not grow with the offset
        if sort == "date":
            when = {a.id: a.published_at for a in arts}
            days = [when[i] for i in seen]
            assert days == sorted(days, reverse=True)
    relevance, _ = _walk(store, vi, ti, "coach", mode="hybrid")
    top = search(store, vi, ti, "coach", mode="hybrid", limit=20)
    assert relevance[:20] == _ids(top)  # pages agree with one long page


def test_boolean_hybrid_total_is_exact(loaded, small_pool):
    store, vi, _, ti = loaded
    text = search(store, vi, ti, "coach OR Cheeks", mode="text", limit=100)
    res = search(store, vi, ti, "coach OR Cheeks", mode="hybrid", limit=5)
    assert (res["total"], res["total_capped"], res["by_meaning"]) == (text["total"], False, 0)
    seen, _ = _walk(store, vi, ti, "coach OR Cheeks", mode="hybrid")
    assert sorted(seen) == sorted(_ids(text))


def test_semantic_total_says_more_and_pages_past_the_pool(loaded, small_pool):
    store, vi, arts, ti = loaded
    res = search(store, vi, ti, "basketball coach", mode="semantic", limit=5)
    assert res["total_capped"] and res["more"]  # every article is some neighbour
    seen, last = _walk(store, vi, ti, "basketball coach", mode="semantic", limit=20)
    assert len(seen) == len(set(seen)) == len(arts)  # past the pool, to the last article
    assert not last["total_capped"] and last["total"] == len(arts)


def test_semantic_newest_first_pages_one_list(loaded, small_pool):
    store, vi, arts, ti = loaded
    seen, last = _walk(store, vi, ti, "basketball coach", mode="semantic", sort="date", limit=3)
    assert len(seen) == len(set(seen)) == SMALL_POOL == last["total"]  # the pool, once each
    when = {a.id: a.published_at for a in arts}
    days = [when[i] for i in seen]
    assert days == sorted(days, reverse=True)  # across pages, not only within one
    nearest = search(store, vi, ti, "basketball coach", mode="semantic", limit=SMALL_POOL)
    assert set(seen) == set(_ids(nearest))  # the nearest by meaning, newest first


def test_snippet_does_not_repeat_a_summary_the_body_repeats():
    lead = "Strong exports make up for weak investment"
    a = Article(url="https://x.example/1", title="Exports", source=Source(name="X"), summary=lead,
                body=[Block("paragraph", lead), Block("paragraph", "Exports rose 3%.")])
    a.id = 1
    snip = hybrid.snippets([a], ["exports"])[1].replace("\x02", "").replace("\x03", "")
    assert snip.count("make up for weak investment") == 1
    # A summary the body does not hold still leads the snippet.
    b = Article(url="https://x.example/2", title="Exports", source=Source(name="X"),
                summary="Exports beat forecasts.",
                body=[Block("paragraph", "Shipments abroad rose; exports led.")])
    b.id = 2
    assert hybrid.snippets([b], ["exports"])[2].startswith("\x02Exports\x03 beat")


OUTLETS = [("AP", "https://apnews.com"), ("Japan Times", "https://www.japantimes.co.jp/"),
           ("The Economist", "https://economist.com"), ("Papers Weekly", "")]


@pytest.fixture(params=["store", "textindex"])
def outlets(request, store, tmp_path):
    if request.param == "textindex" and store.dialect != "sqlite":
        pytest.skip("the text ranking index serves the embedded default (SQLite)")
    ids = {}
    for n, (name, site) in enumerate(OUTLETS):
        a = Article(url=f"https://o.example/{n}", title=f"Harbour report {n}",
                    source=Source(name=name, site=site), content_hash=f"o{n}",
                    published_at=datetime(2025, 10, 1 + n, tzinfo=timezone.utc),
                    body=[Block("paragraph", "The harbour reopened after the storm.")])
        ids[name] = store.add_article(a)
    ti = (textindex.open_text_index(store, path=tmp_path / "text.tantivy")
          if request.param == "textindex" else None)
    return store, ti, ids


@pytest.mark.parametrize("value,expected", [
    ("AP", ["AP"]), ("ap", ["AP"]), ("apnews.com", ["AP"]), ("www.apnews.com", ["AP"]),
    ('"https://APNews.com/world"', ["AP"]), ('"Japan Times"', ["Japan Times"]),
    ("japantimes.co.jp", ["Japan Times"]), ("economist", ["The Economist"]),
    ('"the economist"', ["The Economist"]), ("Japan", []),
    ("economist.com", ["The Economist"]), ("pap", []),
])
def test_source_matches_a_whole_name_or_host(outlets, value, expected):
    store, ti, ids = outlets
    want = sorted(ids[n] for n in expected)
    for q in (f"harbour source:{value}", f"source:{value}"):
        res = hybrid.search(store, None, q, mode="text", limit=10, ti=ti)
        assert sorted(_ids(res)) == want, q
    res = hybrid.search(store, None, "harbour", mode="text", limit=10, ti=ti,
                        filters={"source": value.strip('"')})  # the page's source= filter
    assert sorted(_ids(res)) == want


def test_entity_filter_does_not_load_the_entity_model():
    code = ("import sys; from newsdesk.search.query import Leaf, meta_sql; "
            "print(meta_sql(Leaf('Ms. Takaichi', 'entity'))[1]); "
            "print('newsdesk.enrich.entities' in sys.modules, 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    # the person's key first; an organisation's (titles kept: `General Motors`) after it
    assert out[0].startswith("['takaichi', ") and out[1] == "False False"
    from newsdesk.enrich.entities import entity_key  # still importable where it was
    assert entity_key("U.S.") == "us"


def test_entity_filter_finds_a_country_under_its_abbreviation():
    from newsdesk.search.query import Leaf, meta_sql

    # the who stage files `U.S.` under United States (places.py): the filter asks for both
    # the keys, once for entities by key and once for those called so (entity_short_forms)
    assert meta_sql(Leaf("U.S.", "entity"))[1] == ["us", "united states"] * 2
    assert meta_sql(Leaf("Ms. Takaichi", "entity"))[1] == ["takaichi", "ms takaichi"] * 2
