"""Article and story summaries: sentences verbatim and traceable, given summaries kept,
stories without repeats and with their outlet count; a ROUGE floor on real FRANK articles."""
from __future__ import annotations

import json
import statistics
from pathlib import Path

from rouge_score import rouge_scorer

from newsdesk.enrich.summary import (
    is_stamp,
    needs_summary,
    split_sentences,
    summarise_article,
    summarise_story,
)
from newsdesk.models import Article, Block, Source

FIX = Path(__file__).parent / "fixtures" / "summaries"


def _frank() -> list[dict]:
    return [json.loads(line) for line in (FIX / "frank_cnndm_16.jsonl").open(encoding="utf-8")]


def _ecb_articles() -> list[Article]:
    rows = [json.loads(line) for line in (FIX / "ecbplus_1_ecb_4.jsonl").open(encoding="utf-8")]
    return [
        Article(url=f"ecb:{r['doc_id']}", title="", source=Source(name=f"outlet {i}", id=i),
                body=[Block("paragraph", line) for line in r["text"].split("\n") if line.strip()])
        for i, r in enumerate(rows)
    ]


def _paragraph_article(text: str) -> Article:
    """A FRANK article as paragraphs of four sentences, with a subhead, so blocks matter."""
    sents = split_sentences(text)
    body: list[Block] = []
    for i in range(0, len(sents), 4):
        if i == 8:
            body.append(Block("subhead", "More details"))
        body.append(Block("paragraph", " ".join(sents[i:i + 4])))
    return Article(url="", title="", source=Source(name="fixture"), body=body, language="en")


def test_sentence_splitting_keeps_abbreviations_decimals_and_quotes():
    text = ('The U.S. economy grew 2.5 per cent, Ms. Smith told Dr. Jones on Friday. '
            '"We are happy," said Mr. Brown. She met Ms. Takaichi. Then they left.')
    assert split_sentences(text) == [
        "The U.S. economy grew 2.5 per cent, Ms. Smith told Dr. Jones on Friday.",
        '"We are happy," said Mr. Brown.',
        "She met Ms. Takaichi.",
        "Then they left.",
    ]
    spaced = "She met Ms.  Takaichi in Nara.\nThen Dr. No left."
    assert split_sentences(spaced) == ["She met Ms.  Takaichi in Nara.", "Then Dr. No left."]


def test_summary_sentences_are_verbatim_and_point_to_their_blocks():
    for row in _frank()[:6]:
        article = _paragraph_article(row["article"])
        summary, blocks = summarise_article(article)
        assert 2 <= len(blocks) <= 3
        assert blocks == sorted(blocks)
        sentences = split_sentences(summary)
        # each chosen sentence, in order, sits in the block its index names
        pos = 0
        for b in blocks:
            assert article.body[b].kind == "paragraph"
            found = [s for s in split_sentences(article.body[b].text) if summary.startswith(s, pos)]
            assert found, (summary[pos:pos + 80], article.body[b].text[:80])
            pos += len(found[0]) + 1
        assert pos >= len(summary)
        assert len(sentences) >= len(blocks)


def test_max_sentences_is_respected_and_empty_articles_are_safe():
    article = _paragraph_article(_frank()[0]["article"])
    summary, blocks = summarise_article(article, max_sentences=2)
    assert len(blocks) == 2 and summary
    empty = Article(url="", title="t", source=Source(name="x"))
    assert summarise_article(empty) == ("", [])
    only_subhead = Article(url="", title="t", source=Source(name="x"), body=[Block("subhead", "Intro")])
    assert summarise_article(only_subhead) == ("", [])


def test_a_third_sentence_only_when_the_first_two_are_short():
    long = ("The council voted on Tuesday to close the old library on Mill Street after "
            "a survey found cracks in its roof, walls and foundations that would cost more "
            "than the building is worth to repair, officials said.")
    other = ("Engineers who inspected the library in March said the damage to the roof "
             "was caused by years of water leaking through the gutters and the walls, "
             "which the council had not repaired.")
    tail = ["Readers will be sent to the branch on Park Road.", "The mayor said she was sorry.",
            "A public meeting on the library's future is planned for May."]
    article = Article(url="", title="", source=Source(name="x"),
                      body=[Block("paragraph", " ".join([long, other] + tail))])
    summary, blocks = summarise_article(article)
    assert len(split_sentences(summary)) == 2
    short = ["The library on Mill Street will close.", "Its roof and walls are cracked.",
             "Repairs would cost too much.", "Readers will go to Park Road instead."]
    article = Article(url="", title="", source=Source(name="x"),
                      body=[Block("paragraph", " ".join(short))])
    summary, _ = summarise_article(article)
    assert len(split_sentences(summary)) == 3


def test_a_given_summary_is_never_replaced():
    article = _paragraph_article(_frank()[0]["article"])
    assert needs_summary(article)
    article.summary = "The outlet's own standfirst."
    article.summary_generated = False
    assert not needs_summary(article)
    article.summary_generated = True  # one we generated earlier may be regenerated
    assert needs_summary(article)


def test_story_summary_has_no_repeats_and_counts_outlets():
    articles = _ecb_articles()
    text = summarise_story(articles)
    assert text.endswith("Drawn from 4 outlets.")
    body = text.removesuffix("Drawn from 4 outlets.").strip()
    sentences = split_sentences(body)
    assert 2 <= len(sentences) <= 5
    assert len({s.lower() for s in sentences}) == len(sentences)
    every = {x for a in articles for b in a.body for x in split_sentences(b.text)}
    assert all(s in every for s in sentences)


def test_story_summary_drops_the_same_fact_from_a_second_outlet():
    original = _ecb_articles()[0]
    copy = Article(url="copy", title="", source=Source(name="another outlet", id=99), body=list(original.body))
    text = summarise_story([original, copy])
    assert text.endswith("Drawn from 2 outlets.")
    sentences = split_sentences(text.removesuffix("Drawn from 2 outlets.").strip())
    assert len(sentences) == len(set(sentences))


def test_story_summary_works_with_one_article():
    text = summarise_story(_ecb_articles()[:1])
    assert text.endswith("Drawn from 1 outlet.")
    assert len(text) > len("Drawn from 1 outlet.") + 20
    assert summarise_story([]) == ""


def test_sentences_with_page_furniture_are_passed_over():
    # DailyMail pages leave captions glued into the text ("Scroll down for video Gordon Brown,
    # pictured campaigning this week, has warned ..."); a plain sentence should win over them
    rows = _frank()
    for row in (rows[8], rows[13]):
        assert "Scroll down for video" in row["article"]
        article = Article(url=row["url"], title="", source=Source(name="fixture"),
                          body=[Block("paragraph", row["article"])], language="en")
        summary, blocks = summarise_article(article)
        assert len(blocks) >= 2
        assert "Scroll down" not in summary and "pictured" not in summary.lower()


def test_rouge_gate_on_frank_sample():
    # measured 0.2018 ROUGE-2 F on these 16 articles (lead-3: 0.1953; 0.1943 before the
    # page-furniture penalty, 0.2011 before the word budget, which gained on all 75 FRANK
    # CNN/DM articles but not on this sample); the floor sits under it by about one changed
    # summary on 16 articles (0.005), as the floor before did, so a splitter release that
    # moves one sentence does not fail the suite while a real drop still does
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    scores = []
    for row in _frank():
        article = Article(url=row["url"], title="", source=Source(name="fixture"),
                          body=[Block("paragraph", row["article"])], language="en")
        summary, _ = summarise_article(article)
        scores.append(scorer.score(row["reference"], summary)["rouge2"].fmeasure)
    assert statistics.fmean(scores) >= 0.197


def test_story_summary_ends_each_sentence_it_joins():
    # Feeds give standfirsts without a full stop ("The immediate economic impact will be more
    # uncertainty"); joined to the next outlet's sentence it used to run on into it.
    lead = Article(url="a", title="Tariffs struck down", source=Source(name="A", id=1),
                   summary="The immediate economic impact of the tariff ruling will be more "
                           "uncertainty for importers")
    other = Article(url="b", title="Court rules on tariffs", source=Source(name="B", id=2),
                    summary="Companies will look to recover the tariffs they paid after the "
                            "court ruling. Importers face uncertainty over refunds.")
    text = summarise_story([lead, other])
    assert "uncertainty for importers." in text
    assert "importers Companies" not in text
    assert text.count("..") == 0


def test_date_stamp_lines_are_never_summary_sentences():
    # ECB+ texts, like saved pages, open with a stamp line; 18 of its 66 story summaries
    # carried one ("MONDAY, MAY 23, 2005 ... Drawn from 8 outlets.")
    stamps = ["Updated Saturday, December 05, 2009 8: 28 PM", "MONDAY, MAY 23, 2005",
              "May 2, 2013, 1: 12 PM", "12 January 2010 @ 09: 29 pm"]
    assert all(is_stamp(s) for s in stamps)
    assert not any(is_stamp(s) for s in ("He was 88.", "May is coming.",
                                         "On Monday, June 7, the court ruled."))
    articles = _ecb_articles()
    for article, stamp in zip(articles, stamps):
        article.body.insert(0, Block("paragraph", stamp))
    for text in [summarise_story(articles)] + [summarise_article(a)[0] for a in articles]:
        assert not any(s in text for s in stamps), text


def test_a_summary_is_traced_back_to_its_paragraphs():
    from newsdesk.enrich.summary import trace_summary

    for article in _ecb_articles():
        article.summary, blocks = summarise_article(article)
        traced = trace_summary(article)
        assert [b for _, b in traced] == blocks  # the paragraphs it was drawn from
        assert " ".join(s for s, _ in traced) == article.summary
    article.summary = "Words the body never says. Nor this."
    assert trace_summary(article) == [("Words the body never says.", None), ("Nor this.", None)]


def test_a_story_over_several_days_is_told_in_time_order():
    from datetime import datetime, timezone

    def day(d: int, text: str, outlet: int) -> Article:
        return Article(url=f"d{d}", title="", source=Source(name=f"o{outlet}", id=outlet),
                       published_at=datetime(2008, 9, d, 18, tzinfo=timezone.utc),
                       body=[Block("paragraph", text)])

    # the later days' articles are listed first, as a story's best-named articles can be
    articles = [
        day(19, "Markets across Asia and Europe rallied strongly on Friday after the central "
                "banks promised cheap dollar loans to every lender.", 1),
        day(17, "Trading on the Moscow exchange was suspended for a second day on Wednesday "
                "as Russian bank shares kept sliding.", 2),
        day(15, "Lehman Brothers filed for bankruptcy on Monday, and stock markets around the "
                "world fell sharply as lenders stopped trusting one another.", 3),
    ]
    text = summarise_story(articles).removesuffix("Drawn from 3 outlets.").strip()
    picked = split_sentences(text)
    assert len(picked) >= 2
    where = [next(i for i, a in enumerate(articles) if s in a.body[0].text) for s in picked]
    assert [articles[i].published_at for i in where] == sorted(articles[i].published_at
                                                               for i in where), picked
    # one day's (or undated) picks stay best first, as before
    for a in articles:
        a.published_at = None
    undated = split_sentences(summarise_story(articles).removesuffix("Drawn from 3 outlets.").strip())
    assert set(undated) == set(picked)
