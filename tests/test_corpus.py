"""The bundled sample corpus: the committed JSONL, its attribution, and how it was detokenised.

The token sequences below are copied from the SemEval-2015 TimeLine Wikinews files (file
named beside each; Wikinews text, CC BY 2.5, see data/NOTICE); the expected strings are how
the sentences read on Wikinews.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from newsdesk.models import Failed
from newsdesk.sources.records import read_jsonl_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
JSONL = CORPUS / "wikinews.jsonl"
FIELDS = {"url", "title", "source", "site", "language", "section", "published_at", "byline",
          "summary", "body", "media", "attribution"}


def _load_script():
    spec = importlib.util.spec_from_file_location("build_corpus", ROOT / "scripts" / "build_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bc = _load_script()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [json.loads(line) for line in JSONL.read_text(encoding="utf-8").splitlines()]


def test_every_record_is_complete_and_attributed(records):
    assert len(records) >= 140
    for r in records:
        assert set(r) == FIELDS, r["url"]
        assert r["url"].startswith("https://en.wikinews.org/wiki/")
        assert r["title"] and r["source"] == "Wikinews" and r["language"] == "en"
        assert r["published_at"].endswith("T12:00:00+00:00")
        assert r["body"] and all(b["kind"] in ("paragraph", "subhead") and b["text"].strip()
                                 for b in r["body"])
        assert any(b["kind"] == "paragraph" for b in r["body"])
        assert r["url"] in r["attribution"] and "CC BY 2.5" in r["attribution"]
        assert r["summary"] == "" and r["media"] == []


def test_no_url_twice_and_sorted_by_date(records):
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls))
    dates = [r["published_at"] for r in records]
    assert dates == sorted(dates)


def test_bodies_hold_no_tokeniser_spacing(records):
    # Patterns that only tokenised text has: a space before a comma or full stop, a split
    # possessive, a spaced-out bracket.
    for r in records:
        for b in r["body"]:
            for bad in (" ,", " 's ", "( ", " )", " n't", " n`t", "``", "''"):
                assert bad not in b["text"], (r["url"], bad, b["text"])


def test_bodies_hold_no_wiki_furniture(records):
    # GUM kept one page's category links as its last paragraph ("Categories: August 15,
    # 2008 Canada Published ... Archived"); the demo showed it as the article's last line
    for r in records:
        assert not any(b["text"].startswith("Categories:") for b in r["body"]), r["url"]


def test_newsdesk_reads_every_line(records):
    items = list(read_jsonl_file(JSONL))
    assert not [i for i in items if isinstance(i, Failed)]
    assert len(items) == len(records)
    first = items[0]
    assert first.source_name == "Wikinews" and first.published_at.year == 2004
    assert first.attribution.startswith("From Wikinews (https://en.wikinews.org/wiki/")


def test_seed_copy_is_identical(shared_data):
    seed = shared_data.parent / "seed" / "000_64419fa70da9995d.txt"
    if not seed.is_file():
        pytest.skip(f"shared seed not found at {seed}")
    assert (CORPUS / "000_seed.txt").read_bytes() == seed.read_bytes()


def test_committed_corpus_is_what_the_script_builds(shared_data, tmp_path):
    corpus = shared_data / "corpus"
    if not (corpus / "wikinews-timeline").is_dir():
        pytest.skip("Wikinews corpus not found")
    target = bc.write(bc.build(corpus), tmp_path, None)
    assert target.read_bytes() == JSONL.read_bytes()


@pytest.mark.parametrize("tokens, expected", [
    # 1514-Reactions_to_Apple.tml
    ("In chatrooms and on bulletin boards , Macintosh users and the Macintosh - curious are "
     "buzzing about Tiger , the newest version of Apple Computer 's Mac OS X , version 10.4 .",
     "In chatrooms and on bulletin boards, Macintosh users and the Macintosh-curious are "
     "buzzing about Tiger, the newest version of Apple Computer's Mac OS X, version 10.4."),
    ("The open-source kernel , or base of the system , \" Darwin \" , plus all the features",
     "The open-source kernel, or base of the system, \"Darwin\", plus all the features"),
    # 1664-Apple_Computer_CEO.tml
    ("Steve called podcasting \" Wayne ' s World for radio \" .",
     "Steve called podcasting \"Wayne's World for radio\"."),
    # 126361_U.S._automaker_GM_plans_to_close_1,100_dealerships.tml
    ("At the moment , GM has 6,246 dealers in the U.S. .",
     "At the moment, GM has 6,246 dealers in the U.S."),
    # 128016_China_Eastern_Airlines_to_purchase_twenty_new_Airbus_A320_jets.tml
    ("It can seat up to 150 people and is used primarily for medium - and short-haul routes .",
     "It can seat up to 150 people and is used primarily for medium- and short-haul routes."),
    # 16844-Apple_unveils_iPhone_4.tml: spaced dashes stay dashes
    ("It comes in two colors - black and white - and two storage capacities .",
     "It comes in two colors - black and white - and two storage capacities."),
    # 1173_Internal_emails_expose_Boeing-Air_Force_contract_discussions.tml
    ("Senator John McCain ( R-AZ ) entered them into the Congressional Record",
     "Senator John McCain (R-AZ) entered them into the Congressional Record"),
    ("regardless of the facts : ''I' d distribute a one page memo",
     "regardless of the facts: \"I'd distribute a one page memo"),
    ("Bill Bodie : `` We do n't have to turn the other cheek , you know .",
     "Bill Bodie: \"We don't have to turn the other cheek, you know."),
    # 11714_Ryanair_exercises_options_on_five_Boeing_737s.tml
    ("Ryanair CEO , Michael O' Leary , justified his choice of Boeing by saying , `` The "
     "Boeing 737-800 has the best technical reliability '' ... `` In addition , it has",
     "Ryanair CEO, Michael O'Leary, justified his choice of Boeing by saying, \"The Boeing "
     "737-800 has the best technical reliability\"... \"In addition, it has"),
    # 141483_Bank_of_America_reports_losses.tml
    ("Bank of America reports losses of over US$ 2.2 billion",
     "Bank of America reports losses of over US$2.2 billion"),
    # Apple releases Macbook: a straight quote after a figure is an inch mark
    ("The Macbook features a 13.3 \" widescreen display , while the Pro can be purchased "
     "with either 15 \" or 17 \" displays .",
     "The Macbook features a 13.3\" widescreen display, while the Pro can be purchased with "
     "either 15\" or 17\" displays."),
    ("Jobs said \" it is 5 \" .", "Jobs said \"it is 5\"."),
    # The Beatles articles: a plural possessive
    ("The Beatles ' Apple Corps has filed a lawsuit against computer and electronics maker",
     "The Beatles' Apple Corps has filed a lawsuit against computer and electronics maker"),
    # GUM_news_iodine: a curly apostrophe's contraction is one word with its own
    ("Iodine deficiency is the world ’s most prevalent , yet easily prevented",
     "Iodine deficiency is the world’s most prevalent, yet easily prevented"),
    ("I ’m sure they do n’t know", "I’m sure they don’t know"),
    # GUM_news_sensitive: a backtick for the apostrophe
    ("to the point that they ca n`t share the information",
     "to the point that they can't share the information"),
])
def test_detokenise_real_sentences(tokens, expected):
    assert bc.detokenise(tokens.split()) == expected


def test_hyphen_attested_elsewhere_in_the_data_is_joined():
    # 11778-Apples_iTunes_replaces.tml title; "Wal-Mart" is one token in the same article.
    lexicon = bc.compound_lexicon("seller Wal-Mart at".split())
    title = "Apple 's iTunes replaces Wal - Mart as No. 1 U.S. music seller".split()
    assert bc.detokenise(title, lexicon) == \
        "Apple's iTunes replaces Wal-Mart as No. 1 U.S. music seller"
    assert bc.detokenise(title) == "Apple's iTunes replaces Wal - Mart as No. 1 U.S. music seller"


def test_quote_closed_after_a_sentence_break_moves_back():
    # 82738_US_stock_markets_tumble.tml, sentences 16 and 17
    sentences = ["Others believe that the losses were a way of emotionally responding to the "
                 "events of ` Black Monday .".split(),
                 "' `` Some of the earnings reports were a little disappointing but not that "
                 "bad .".split()]
    assert bc.detokenise_sentences(sentences) == [
        "Others believe that the losses were a way of emotionally responding to the events "
        "of 'Black Monday.'",
        "\"Some of the earnings reports were a little disappointing but not that bad."]


def test_paragraphs_keep_quotations_and_back_references_together():
    sentences = ["Jobs said \"the phone is ready.", "It ships in June.\"", "Analysts agreed.",
                 "They expect strong sales.", "Rivals were quiet."]
    assert bc.paragraph_sizes(sentences) == [2, 2, 1]


def test_a_said_cut_off_after_its_quote_rejoins_it():
    # the corpus' tokeniser ends a sentence at a closing quote: `"..." | said Obama.`
    sentences = ['"We will not let the industry vanish," ', "said Stephen Harper.",
                 "The flag is based on the UK's flag;", "the new one would be unique.",
                 "iPods sold in France have the volume limited."]
    assert bc.paragraph_sizes(sentences) == [2, 2, 1]


def test_datelines_are_recognised():
    assert bc.is_dateline("May 7, 2005")
    assert bc.is_dateline("Friday, July 21, 2017")
    assert not bc.is_dateline("Apple unveils iPod nano")
    assert not bc.is_dateline("Airbus announces job cuts of 10,000")


def test_missing_corpus_folder_is_reported(tmp_path, capsys):
    assert bc.main([str(tmp_path / "absent")]) == 2
    assert "absent" in capsys.readouterr().err


def test_a_bracket_the_tokeniser_left_alone_goes():
    # TimeML dropped the `[` of an editor's insertion and kept its `]`: the demo showed
    # Jobs saying "been inspired by the work it has] done on the iPad" on his page
    assert bc.detokenise('" been inspired by the work it has ] done on the iPad . "'.split()) \
        == '"been inspired by the work it has done on the iPad."'
    assert bc.detokenise('as " n ] either one has'.split()) == 'as "neither one has'
    assert bc.detokenise("a list [ 1 ] here".split()) == "a list [1] here"
