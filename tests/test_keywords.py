"""Keywords: content phrases, not stop words; names in full; no runs of a Title Case headline."""
from __future__ import annotations

import json
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsdesk.enrich.keywords import keywords
from newsdesk.models import Article, Block, Source

FIX = Path(__file__).parent / "fixtures" / "summaries"


def _frank(i: int) -> Article:
    rows = [json.loads(line) for line in (FIX / "frank_cnndm_16.jsonl").open(encoding="utf-8")]
    return Article(url=rows[i]["url"], title="", source=Source(name="fixture"),
                   body=[Block("paragraph", rows[i]["article"])], language="en")


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


def test_a_phrase_only_the_headline_has_must_be_a_name():
    # Title Case headlines of feed teasers made "Certifies Gulfstream Jets" a key phrase
    article = Article(url="t", title="Canada Certifies Gulfstream Jets Following Donald Trump’s "
                                     "Threats", source=Source(name="x"), body=[Block(
        "paragraph", "President Trump vowed to ground Canada-made aircraft in the U.S. and slap "
                     "tariffs on them unless regulators approved U.S. jets.")])
    assert "Certifies Gulfstream Jets" in keywords(article)  # no names told: as before
    found = keywords(article, names=["Donald Trump", "Canada", "Trump", "U.S."])
    assert "Donald Trump" in found
    assert not any(len(k.split()) > 1 and k not in ("Donald Trump",) for k in found), found



def test_a_headline_kicker_is_no_keyword():
    # WSJ teasers: "Opinion | A Global Minimum Tax Means Price Fixing"; "opinion" trended
    article = Article(url="t", title="Opinion | A Global Minimum Tax Means Price Fixing",
                      source=Source(name="x"), body=[Block(
                          "paragraph", "The OECD deal on a minimum corporate tax amounts to "
                                       "governments colluding on what companies pay.")])
    found = [k.lower() for k in keywords(article)]
    # (written as one `a and b or c`, this passed whenever "tax" was found, opinion or not)
    assert "opinion" not in found
    assert "tax" in " ".join(found)
    colon = Article(url="t", title="Fall of an Empire: The Story of Katherine of Alexandria",
                    source=Source(name="x"), body=[Block("paragraph", "The film opens today.")])
    assert "Empire" in " ".join(keywords(colon))  # a colon is part of a title, not a kicker


def test_a_one_word_keyword_is_a_noun_the_model_read():
    """A teaser's Title Case headline and one sentence made 'Sowed' and 'touring' key words;
    the who stage gives the words its tagger read as nouns."""
    from newsdesk.enrich.who import analyse

    article = Article(url="t", title="How Former Prince Andrew’s Trade-Envoy Role Sowed the "
                                     "Seeds of His Downfall", source=Source(name="x"),
                      body=[Block("paragraph", "The ex-prince is now under police investigation "
                                               "over his conduct in office, bringing his time "
                                               "touring the globe as Britain’s trade "
                                               "representative under scrutiny.")])
    found = analyse(article)
    assert {"investigation", "scrutiny", "globe"} <= found.nouns
    assert not {"touring", "sowed"} & found.nouns
    plain = [k.lower() for k in keywords(article, names=["Britain"])]
    assert "touring" in plain  # without the tagger's word, as before
    kept = [k.lower() for k in keywords(article, names=["Britain"], nouns=found.nouns)]
    assert not {"sowed", "touring"} & set(kept), kept
    assert {"scrutiny", "globe"} <= set(kept)


def test_a_name_said_once_is_a_keyword_whole():
    # an Economist teaser names "Donald Trump" once: its keywords were "Donald" and "Trump"
    article = Article(url="t", title="How big is the prize of reopening Russia?",
                      source=Source(name="x"), body=[Block(
                          "paragraph", "The Kremlin is promising $12trn-worth of deals to "
                                       "Donald Trump’s administration")])
    found = keywords(article, names=["Donald Trump", "Kremlin", "Russia"])
    assert "Donald Trump" in found, found
    assert "Donald" not in found and "Trump" not in found, found
    # without the names a phrase said once is still a chance run of words
    assert "Donald Trump" not in keywords(article)


def test_a_weekday_or_month_is_no_keyword():
    article = Article(url="t", title="Tariffs ruled unlawful on Friday", source=Source(name="x"),
                      body=[Block("paragraph", "On Friday the court struck down the tariffs. "
                                               "The ruling, due in December, came on Friday "
                                               "after hearings in November.")])
    found = [k.lower() for k in keywords(article)]
    assert "tariffs" in " ".join(found)
    assert not {"friday", "december", "november"} & set(found), found


def test_a_capital_that_only_opens_a_sentence_is_not_a_name():
    # "Debris" opened a sentence, and was listed as if it were a name
    article = Article(url="t", title="Landslide buries campground", source=Source(name="x"),
                      body=[Block("paragraph",
                                  "Heavy rain loosened the slope above the campground at Mount "
                                  "Maunganui. Debris covered six cabins. Debris was still moving "
                                  "on Friday, Hopkins said. Kalshi listed a market on it. "
                                  "Hopkins runs the campground for the council.")])
    found = keywords(article, names=["Mount Maunganui", "Hopkins"])
    assert "debris" in found and "Debris" not in found, found
    assert "Mount Maunganui" in found and "Hopkins" in found  # names keep their capitals
    assert "Kalshi" in found  # a word the language hardly knows may be a name the model missed
    # without names, a capital cannot be told from a name's: written as the text has it
    assert "Debris" in keywords(article)


def test_a_headline_capital_says_no_more_than_a_sentence_opening():
    # "Consumers’ Mood Brightened ...": a Title Case headline's words were keywords with
    # their capitals, as if they were names
    article = Article(url="t", title="Consumers’ Mood Brightened in February, Michigan Survey "
                                     "Finds", source=Source(name="x"), body=[Block(
                          "paragraph", "Sentiment rose for a second month as inflation eased "
                                       "and shoppers expected lower prices in Michigan.")])
    found = keywords(article, names=["Michigan"])
    assert "consumers" in found and "Consumers" not in found, found
    assert "Michigan" in found
    assert "Consumers" in keywords(article)  # no names told: as the headline writes it


def test_a_headline_word_the_store_knows_as_a_name_keeps_its_capital(store):
    from newsdesk.enrich.stages import run_who

    def article(url, title, text):
        return store.add_article(Article(url=url, title=title, source=Source(name="x"),
                                         body=[Block("paragraph", text)]))

    ids = [article(f"t{i}", "Tariffs", "President Donald Trump spoke on Monday. Trump said the "
                                       "tariffs would stay in place until the talks ended.")
           for i in range(2)]
    ids.append(article("g", "Talks", "Officials from Greenland met Danish ministers in "
                                     "Copenhagen on Tuesday."))
    ids.append(article("n", "Trump’s New Trade Agenda Is on a Collision Course With Midterms, "
                            "and Greenland Watches",
                       "Voters in swing districts say prices at the grocery store matter more "
                       "to them than trade deals."))
    run_who(store, [store.get_article(i) for i in ids])
    found = store.article_keywords(ids[-1])
    assert "Greenland" in found and "trump" not in found, found  # names the store knows
    # the headline's Trump is the store's Donald Trump (a Title Case headline is read in
    # sentence case, nlp.sentence_case); its common nouns now count, and outrank the name
    assert "Donald Trump" in {e.name for e in store.article_entities(ids[-1])}
    assert "midterms" in found and "Midterms" not in found, found
