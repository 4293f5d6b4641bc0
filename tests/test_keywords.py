"""Keywords: content phrases, not stop words; names in full; a story's shared terms first."""
from __future__ import annotations

import json
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsdesk.enrich.keywords import keywords, story_keywords
from newsdesk.models import Article, Block, Source

FIX = Path(__file__).parent / "fixtures" / "summaries"


def _frank(i: int) -> Article:
    rows = [json.loads(line) for line in (FIX / "frank_cnndm_16.jsonl").open(encoding="utf-8")]
    return Article(url=rows[i]["url"], title="", source=Source(name="fixture"),
                   body=[Block("paragraph", rows[i]["article"])], language="en")


def _ecb() -> list[Article]:
    rows = [json.loads(line) for line in (FIX / "ecbplus_1_ecb_4.jsonl").open(encoding="utf-8")]
    return [Article(url=r["doc_id"], title="", source=Source(name=r["doc_id"]),
                    body=[Block("paragraph", t) for t in r["text"].split("\n") if t.strip()])
            for r in rows]


def test_keywords_are_phrases_not_stop_words():
    for i in range(6):
        found = keywords(_frank(i))
        assert 1 <= len(found) <= 8
        assert len({k.lower() for k in found}) == len(found)
        for phrase in found:
            assert phrase.lower() not in ENGLISH_STOP_WORDS
            assert not phrase.isdigit()


def test_keywords_name_the_subject_in_full():
    found = keywords(_frank(0))  # Gary Locke to be confirmed as Kilmarnock manager
    assert "Gary Locke" in found
    assert "Kilmarnock" in found
    assert "Locke" not in found  # folded into the full name


def test_the_title_counts_and_k_is_respected():
    article = _frank(0)
    article.title = "Kilmarnock to confirm Gary Locke as manager"
    assert keywords(article, k=3)[:3] == keywords(article, k=3)
    assert len(keywords(article, k=3)) == 3
    assert keywords(article, k=0) == []
    assert keywords(Article(url="", title="", source=Source(name="x"))) == []


def test_story_keywords_lead_with_what_the_articles_share():
    found = story_keywords(_ecb())  # four outlets on Tara Reid entering rehab
    assert found[0] == "Tara Reid"
    assert any("Promises" in k for k in found)
