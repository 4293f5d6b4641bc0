"""Rules of quote attribution that PolNeAR's dev split showed missing: quotes signed with a
dash, curly quotes nested in curly quotes, a spaced straight closing mark, the speaking verb
nearest the quote, a parenthetical `X said,`, and `it` for an organisation; and those the
demo corpus's pages showed wrong (speakers and names a reader saw misattributed)."""
from __future__ import annotations

import pytest

from newsdesk.enrich.nlp import model_text
from newsdesk.enrich.quote_marks import quote_spans
from newsdesk.enrich.quotes import _speaker_label
from newsdesk.enrich.who import analyse
from newsdesk.models import Article, Block, Source


def _quotes(*paragraphs: str):
    article = Article(url="t", title="", source=Source("x"),
                      body=[Block("paragraph", p) for p in paragraphs])
    result = analyse(article)
    return result, [q for q in result.quotes if q.kind == "direct"]


def _said(quote, body) -> str:
    block, start, end = quote.speaker_at
    return body[block][start:end]


def test_signed_quotes_take_the_name_after_the_dash():
    line = ("Readers sent us their thoughts after the debate.\n"
            "“He never answered a single question about the budget, and nobody pressed him.” ― Pamela Padilla\u00a0\n"
            "“I am so ashamed of how this campaign has talked about people like my parents.”\u00a0― Julie A. Diaz Martinez.\n"
            "“Maybe we can build a wall around the whole campaign and leave it there.” — Steve Quinlan")
    result, quotes = _quotes(line)
    assert [q.speaker for q in quotes] == ["Pamela Padilla", "Julie A. Diaz Martinez", "Steve Quinlan"]
    # the dash and the no-break space are not part of the person's name
    assert not any(m.text.startswith(("―", "—", "\u00a0")) for m in result.entities)
    # a line that opens with a quote and ends with a signed one is one person's words
    _, quotes = _quotes("“No woman I know wants a man who talks about women like that.” And that "
                        "is all he has, “the root of all evil.” ― Christina Lastra\n")
    assert [q.speaker for q in quotes] == ["Christina Lastra", "Christina Lastra"]


def test_a_dash_before_words_that_are_not_a_name_signs_nothing():
    text = "“We will not stop until the plant is closed for good,” — a promise the mayor repeated on Monday."
    # a rule taking any words after the dash would name "a promise the mayor repeated ..."
    assert not any("promise" in q.speaker for q in _quotes(text)[1])


def test_curly_quotes_nested_in_curly_quotes_stay_one_quote():
    text = "“I’d rather live in what he calls “hell” than live in a world where he is president.” ― Adriana Rodarte"
    assert [text[a:b] for a, b in quote_spans(text)] == [
        "I’d rather live in what he calls “hell” than live in a world where he is president."]
    # an unbalanced opening mark is not taken for nesting
    text = "“First one,” she said. “Second one starts “and never closes."
    assert [text[a:b] for a, b in quote_spans(text)] == ["First one,", "Second one starts “and never closes."]


def test_a_straight_mark_spaced_on_both_sides_closes_an_open_quote():
    text = "\"I've always been insulted with the term 'African American outreach,' \" he told the group."
    assert [text[a:b] for a, b in quote_spans(text)] == [
        "I've always been insulted with the term 'African American outreach,'"]
    body = ["Speaking to black business leaders at the Northern Virginia Urban League, Scott joked "
            "that, among African Americans, Trump ranks fourth in a two-way race.",
            text + " He added that the phrase suggests a campaign has to go outside itself."]
    _, quotes = _quotes(*body)
    assert _said(quotes[0], body) == "he" and quotes[0].cue == "told"


def test_the_speaking_verb_nearest_the_quote_names_who_speaks():
    body = ["Rep. Adam Schiff called on President Obama to retaliate against Russia for meddling "
            "the California congressman said is designed to \"sow discord\" in American politics."]
    _, quotes = _quotes(*body)
    assert _said(quotes[0], body) == "the California congressman" and quotes[0].cue == "said"
    # a thing that `suggests` does not speak: the person who said it does
    body = ["City Attorney Brad Holm said in the letter that the advertisement \"unmistakably and "
            "wrongfully\" suggests that the city and its officers support the campaign."]
    _, quotes = _quotes(*body)
    assert quotes[0].speaker == "Brad Holm"


def test_a_parenthetical_said_attributes_its_clause():
    body = ["During his years in office, Mr. Obama said, a majority of Americans have come to believe "
            "\"that climate change is real, that it's important and we should do something about it.\""]
    _, quotes = _quotes(*body)
    assert quotes[0].speaker == "Obama" and quotes[0].cue == "said"


def test_it_after_a_quote_is_the_organisation_named_before():
    body = ["\"He was left holding some $8.8 billion in debt by 1991,\" the New York Times wrote.",
            "\"But since then, his fortunes have changed and he keeps building towers,\" it further wrote."]
    _, quotes = _quotes(*body)
    assert quotes[1].speaker == quotes[0].speaker and "Times" in quotes[1].speaker
    assert _said(quotes[1], body) == "it" and quotes[1].cue == "wrote"


def test_the_model_reads_no_break_spaces_as_spaces_at_the_same_offsets():
    text = "blamed\u00a0police shootings ― on bias"
    seen = model_text(text)
    assert len(seen) == len(text) and "\u00a0" not in seen and "―" not in seen


def test_a_transcript_turn_is_its_labelled_speaker_s():
    body = ["Fox News host Chris Wallace asked Mike Pence about the debate on Sunday.",
            "PENCE: Well, look, Hillary Clinton apparently thinks this is an episode of “Shark Tank.” "
            "But this is America, Chris."]
    _, quotes = _quotes(*body)
    assert quotes[0].speaker == "Mike Pence" and _said(quotes[0], body) == "PENCE"
    # a label that names nobody in the article is not a speaker
    text = "Mike Pence spoke on Sunday.\n\nVIDEO: “We will win this state,” he said."
    spans = [(0, 10, "PERSON", "Mike Pence")]
    assert _speaker_label(text, spans, text.index("We will")) is None
    assert _speaker_label(text.replace("VIDEO", "PENCE"), spans, text.index("We will")) == ("Mike Pence", (29, 34))


def test_a_person_in_footage_speaks_not_the_footage():
    body = ["The ad uses footage of Hillary Clinton asking, “Why aren’t I 50 points ahead, you might ask?”",
            "The spot concludes with footage of Trump saying during the debate last week, "
            "“That makes me smart,” when Clinton blasted him."]
    _, quotes = _quotes(*body)
    assert [q.speaker for q in quotes] == ["Hillary Clinton", "Trump"]


def test_going_on_about_is_speaking():
    body = ["“You winning?” Melanie asked her son, but he was drifting off again, and as Trump went on "
            "about “how the system is rigged,” Melanie said yes, yes, yes, over and over again."]
    _, quotes = _quotes(*body)
    assert quotes[1].speaker == "Trump"



def test_what_was_said_starts_after_that_and_its_comma():
    found = _quotes("A company insider said that, over the past few weeks, Jobs' health "
                    "appeared to be deteriorating.")[0].quotes
    assert [(q.kind, q.speaker, q.text) for q in found] == [
        ("indirect", "A company insider",
         "over the past few weeks, Jobs' health appeared to be deteriorating")]


def test_a_clause_hung_on_the_verb_past_a_comma_is_nobody_s_words():
    # the parser makes "Virgin will be in the UK" what Apple announced: a run-on sentence
    found = _quotes("Apple also announced an iTunes-compatible cell phone, the Motorola ROKR "
                    "E1, which will be available exclusively from Cingular Wireless in the "
                    "United States, Virgin will be in the UK.")[0].quotes
    assert found == []


def test_a_person_stating_words_after_the_outlet_that_quoted_them_speaks_them():
    # Wikinews, "Reports: 'streamlined' UK asylum process ..." (2023, CC BY 2.5; in the demo
    # corpus): the paper that quoted the critics is not who says the words
    _, quotes = _quotes(
        "The Guardian cited examples of complicated questions with over fifty words, including: "
        "\"Were you subject to human trafficking during your journey to or after you arrived in "
        "the UK?\"",
        "It quoted critics like immigration barrister Colin Yeo, and Joint Council for the "
        "Welfare of Immigrants campaigner Caitlin Boswell, with Boswell stating: \"People "
        "fleeing desperate circumstances clearly need this government to make quicker and "
        "fairer asylum decisions, but this latest move from government is clumsy, unthinking "
        "and could put people’s safety at risk.",
        "\"No one’s right to refuge should be jeopardised because they weren't able to fill in "
        "an unwieldy form in a language they don’t speak.\"")
    assert [q.speaker for q in quotes][1:] == ["Caitlin Boswell", "Caitlin Boswell"]


def test_a_rare_first_name_before_the_models_surname_is_the_persons():
    # same article: the model names "Solomon" alone, after an organisation
    result, quotes = _quotes(
        "After the leak, CEO of the Refugee Council Enver Solomon told Sky News any process "
        "\"must be well thought out\".")
    assert [q.speaker for q in quotes] == ["Enver Solomon"]
    assert "Solomon" not in {m.canonical for m in result.entities}
    # an office before a surname stays the office (CoNLL: `Ambassador Albright`)
    result, _ = _quotes("Ambassador Albright met the ministers in Geneva on Tuesday.")
    assert "Ambassador Albright" not in {m.canonical for m in result.entities}


def test_what_someone_is_kept_from_saying_is_no_report():
    # same article: the laws bar migrants from claiming asylum; nobody claims anything
    result, _ = _quotes(
        "Sunak has made tackling migration one of his main priorities, with laws banning "
        "illegal migrants from claiming asylum in the UK expected next month.")
    assert not [q for q in result.quotes if q.cue == "claiming"]
    # a range of things said is still said
    result, _ = _quotes("Her answers ranged from claiming the plan would save money to "
                        "recounting how it began.")
    assert [q.cue for q in result.quotes if q.kind == "indirect"] == ["claiming"]


def test_a_word_the_article_named_alone_before_is_no_surname():
    # (a PolNeAR article's case, reworded): the model reads every "Twitter" as a person;
    # the account "Wilayat Twitter" must not rename the company's mentions
    result, _ = _quotes("Twitter said it had closed thousands of accounts. Some of them gave "
                        "their location as ''Wilayat Twitter,'' or the province of Twitter.")
    assert {m.canonical for m in result.entities if m.text == "Twitter"} == {"Twitter"}


@pytest.mark.parametrize("text, speaker", [
    # Wikinews, Chrysler restructuring (demo corpus, CC BY 2.5): the person named after a
    # role at an organisation and a comma speaks
    ("\"It's hard to say if it's enough... but the stock is reacting nicely,\" said chief "
     "investment officer at Solaris Asset Management, Tim Ghriskey.", "Tim Ghriskey"),
    # Wikinews, the US Air Force tanker contract: of two subjects the parser hangs on the
    # verb, the person speaks
    ("USAF's chief of staff General Duncan McNab stated \"The tanker is the number-one "
     "procurement priority for us right now.\"", "Duncan McNab"),
])
def test_the_person_the_parse_half_lost_speaks(text, speaker):
    assert [q.speaker for q in _quotes(text)[1]] == [speaker]


def test_no_indirect_report_is_cut_from_inside_a_direct_quote():
    # Wikinews, GM bankruptcy (demo corpus): the parser began a sentence inside the quote, and
    # "said" got "'s why they're going to have to file for bankruptcy" as what was said
    result, quotes = _quotes(
        "\"They said no. That's it. They tried. That's why they're going to have to file for "
        "bankruptcy,\" said a university professor from the University of Michigan who "
        "specializes in bankruptcy.")
    assert [q.text[:14] for q in quotes] == ["They said no. "]
    assert not [q for q in result.quotes if q.kind == "indirect" and q.text.startswith("'")]


def test_a_source_lists_cited_headlines_are_no_quotes():
    # Wikinews' "Sources" (demo corpus, CC BY 2.5): quoted titles, each with outlet and date
    result, quotes = _quotes(
        "\"Sensitive government document found on rainy Ottawa street\" — CBC.ca, August 15, 2008\n"
        "\"Environment Canada security report found on street\" — Toronto Star, August 15, 2008\n"
        "“We will not stop until the plant is closed for good.” — Pamela Padilla\n")
    assert [q.speaker for q in quotes] == ["Pamela Padilla"]


def test_said_to_is_whom_the_words_were_said_to_not_what_to_follows():
    """`according to X` names the speaker, and after `responded to` or `pointed to` comes
    what was answered or meant: neither is whom the words were said to, which the article
    page shows after the speaker ("Bill Gates, to Jobs' death"). Sentences from the demo's
    Wikinews articles (CC BY 2.5)."""
    _, quotes = _quotes('Former Microsoft CEO Bill Gates responded to Jobs\' death with a statement '
                        'on his blog: "The world rarely sees someone who has had the profound '
                        'impact Steve has had."')
    assert [(q.speaker, q.said_to) for q in quotes] == [("Bill Gates", "")]
    result, _ = _quotes("The number of people claiming weekly unemployment benefits rose 15,000 "
                        "last week, according to the Associated Press.")
    indirect = [q for q in result.quotes if q.kind == "indirect"]
    assert indirect and all(q.said_to == "" for q in indirect)
    _, quotes = _quotes('He said to the general public that "I will not pretend that the hard '
                        'times are over."')
    assert [q.said_to for q in quotes] == ["public"]
    _, quotes = _quotes('"We can only wait," Lee Jae Myung told NHK.')
    assert [(q.speaker, q.said_to) for q in quotes] == [("Lee Jae Myung", "NHK")]
