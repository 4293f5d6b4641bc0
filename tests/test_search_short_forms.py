"""A word articles use for one organisation finds the articles that give its name: `GM
bankruptcy` finds "General Motors seeks bankruptcy protection", which never says GM. The
store's short forms are the who stage's own, from real Wikinews articles of the bundled
corpus; both backends, and the tantivy text index on SQLite."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.enrich.stages import run_who
from newsdesk.pipeline import ingest_items
from newsdesk.search import hybrid, textindex
from newsdesk.search.query import Leaf, Or, parse, with_short_forms
from newsdesk.sources.records import read_jsonl_file

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "wikinews.jsonl"
TITLES = ("U.S. automaker GM plans to close 1,100 dealerships",  # "General Motors (GM)"
          "U.S. manufacturer General Motors seeks bankruptcy protection",  # no "GM" at all
          "Chrysler files for bankruptcy, Fiat Group SpA to run company")


@pytest.fixture(params=["store", "textindex"])
def gm(request, store, tmp_path):
    if request.param == "textindex" and store.dialect != "sqlite":
        pytest.skip("the text ranking index serves the embedded default (SQLite)")
    lines = [ln for ln in CORPUS.read_text(encoding="utf-8").splitlines()
             if json.loads(ln)["title"] in TITLES]
    assert len(lines) == len(TITLES)
    archive = tmp_path / "wikinews.jsonl"
    archive.write_text("\n".join(lines), encoding="utf-8")
    ingest_items(store, read_jsonl_file(archive), enrich=False)
    arts = [store.get_article(i) for i in store.article_ids()]
    run_who(store, arts)
    ti = (textindex.open_text_index(store, path=tmp_path / "text.tantivy")
          if request.param == "textindex" else None)
    return store, ti, {a.title: a.id for a in arts}


def test_a_short_form_finds_the_articles_that_name_the_organisation(gm):
    store, ti, ids = gm
    assert " GM" not in store.get_article(ids[TITLES[1]]).text  # the article never says GM
    for mode in ("text", "hybrid"):
        # an outlet filter keeps every word required (three articles are too few for all of
        # them, and a sentence of bare words would be ranked by any word then)
        res = hybrid.search(store, None, "GM bankruptcy", mode=mode, ti=ti, limit=10,
                            filters={"source": "Wikinews"})
        found = [h["id"] for h in res["hits"]]
        assert ids[TITLES[0]] in found and ids[TITLES[1]] in found, mode
        assert ids[TITLES[2]] not in found, mode  # Chrysler's says bankruptcy, not GM
    # ranked by any word, General Motors' article has both: above Chrysler's
    res = hybrid.search(store, None, "GM bankruptcy", mode="text", ti=ti, limit=10)
    score = {h["id"]: h["score"] for h in res["hits"]}
    assert score[ids[TITLES[1]]] > score.get(ids[TITLES[2]], 0)


def test_only_a_bare_word_of_one_organisation_is_widened():
    names = {"gm": ["General Motors"], "commission": ["European Commission"],
             "ie": ["Internet Explorer", "Irish Examiner"]}
    widen = lambda q: with_short_forms(parse(q), lambda w: names.get(w.lower(), []))  # noqa: E731
    assert widen("GM") == Or((Leaf("GM"), Leaf("General Motors", phrase=True)))
    for q in ('"GM"', "GM*", "title:GM", "commission", "ie"):
        assert widen(q) == parse(q), q  # a phrase, prefix, field; the word itself; ambiguous
    assert widen("-GM") == parse("-GM")  # a negated word stays as typed
