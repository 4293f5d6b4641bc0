"""The story page: quotes by speaker across the story's articles (wire copies repeat quotes),
and a timeline with one entry per sentence however many dates it gives."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.models import Article, Block, DateMention, Entity, Quote, Source, Story
from newsdesk.stories.views import QUOTE_SPEAKERS, SPEAKER_QUOTES, story_full
from newsdesk.web.app import create_app

T0 = datetime(2025, 11, 3, 8, tzinfo=timezone.utc)
OCCUPATION = ("Bitter memories of Japan's occupation of the Korean Peninsula from 1910 to 1945 "
              "continue to cast a long shadow over Tokyo-Seoul relations.")
OFFICE = "Lee, who took office in 2025, is viewed as relatively more dovish toward North Korea."
LOWEST = "The won fell to its lowest level since 2009 after the meeting."
WAIT = "We can only wait for China and Japan to resolve matters amicably through dialogue."


def _article(store, story_id: int, n: int, outlet: str) -> int:
    a = Article(url=f"https://{outlet.lower().replace(' ', '')}.example/{n}",
                title=f"Leaders meet in Nara ({outlet})", source=Source(name=outlet),
                body=[Block("paragraph", f"Article {n} of the summit story, from {outlet}.")],
                published_at=T0 + timedelta(hours=n), content_hash=f"hash-{n}")
    aid = store.add_article(a)
    store.update_article_fields(aid, story_id=story_id)
    return aid


def _dates(sentence: str, *values: str) -> list[DateMention]:
    return [DateMention(text=v, sentence=sentence, value=v, granularity="year") for v in values]


def build(store) -> dict:
    sid = store.save_story(Story(title="Leaders meet in Nara", first_seen=T0, last_seen=T0))
    lee = store.upsert_entity(Entity("Lee Jae Myung", "person"), "lee jae myung")
    first = _article(store, sid, 1, "Outlet One")
    copy = _article(store, sid, 2, "Outlet Two")  # runs the first one's wire text
    later = _article(store, sid, 3, "Outlet Three")
    store.set_wire_copy(first, first, 1.0)
    store.set_wire_copy(copy, first, 0.9)
    store.replace_article_enrichment(first, [], [
        Quote(WAIT, "Lee Jae Myung", speaker_entity_id=lee, said_to="NHK"),
        Quote("Confrontation between China and Japan is undesirable,", "Lee Jae Myung",
              speaker_entity_id=lee),
        Quote("the summit will focus on supply chains", "Lee Jae Myung", kind="indirect",
              speaker_entity_id=lee),
        Quote("Tense regional geopolitics could provide further impetus,", "Benoit Hardy-Chartrand"),
        Quote("Beijing's export controls will have an impact on Korea as well,",
              "Benoit Hardy-Chartrand"),
    ], _dates(OCCUPATION, "1910", "1945") + _dates(OFFICE, "2025"), [])
    store.replace_article_enrichment(copy, [], [
        # the wire copy retouches a word and names him shortly: still one quote, one speaker
        Quote(WAIT.replace("amicably ", ""), "Lee", speaker_entity_id=lee),
        Quote("Tense regional geopolitics could provide further impetus,", "benoit hardy-chartrand"),
    ], _dates(OCCUPATION, "1945", "1910"), [])
    store.replace_article_enrichment(later, [], [
        Quote("We hope to meet again next year.", "Lee Jae Myung", speaker_entity_id=lee),
        *[Quote(f"Point number {i} of the briefing is about {w}.", "A Spokesman")
          for i, w in enumerate(["ports", "chips", "fish", "visas", "rice", "steel", "tourism"])],
        *[Quote(f"Comment {i} from a bystander.", f"Bystander {chr(65 + i)}") for i in range(10)],
    ], [DateMention(text="2009", sentence=LOWEST, value="2009", granularity="year",
                    role="reference")], [])
    return {"story": sid, "lee": lee, "first": first, "copy": copy, "later": later}


def test_quotes_grouped_by_speaker_without_wire_repeats(store):
    ids = build(store)
    data = story_full(store, ids["story"])
    quotes = data["quotes"]
    assert len(quotes) == QUOTE_SPEAKERS  # capped: ten one-quote bystanders do not all show
    names = [q["speaker"]["name"] for q in quotes]
    # most quoted first: 7 distinct, then Lee's 3 (the retouched copy is not a 4th), then 2
    assert names[:3] == ["A Spokesman", "Lee Jae Myung", "Benoit Hardy-Chartrand"]
    spokesman, lee, hardy = quotes[:3]
    assert spokesman["count"] == 7 and len(spokesman["quotes"]) == SPEAKER_QUOTES
    assert lee["speaker"]["entity_id"] == ids["lee"] and lee["count"] == 3
    assert lee["articles"] == 3
    texts = [q["text"] for q in lee["quotes"]]
    assert texts.count(WAIT) == 1 and not any("supply chains" in t for t in texts)  # direct only
    wait = lee["quotes"][texts.index(WAIT)]
    assert wait["article"]["id"] == ids["first"] and wait["said_to"] == "NHK"
    assert [c["id"] for c in wait["also"]] == [ids["copy"]]
    assert hardy["count"] == 2 and hardy["speaker"]["entity_id"] is None


def test_timeline_lists_each_sentence_once_with_its_dates(store):
    ids = build(store)
    timeline = story_full(store, ids["story"])["timeline"]
    # the won's fall is not an event of 2009: the sentence only compares with it
    assert [t["text"] for t in timeline] == [OCCUPATION, OFFICE]
    assert [d["value"] for d in timeline[0]["dates"]] == ["1910", "1945"]
    assert timeline[0]["date"] == "1910" and timeline[0]["article_id"] == ids["first"]


def test_story_page_and_api_show_quotes_by_speaker(store):
    ids = build(store)
    client = TestClient(create_app(Settings.from_env(db=store.url), store))
    api = client.get(f"/api/stories/{ids['story']}").json()
    assert api["quotes"][1]["speaker"] == {"name": "Lee Jae Myung", "entity_id": ids["lee"]}
    html = client.get(f"/stories/{ids['story']}").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Quotes by speaker" in text
    assert text.count("We can only wait") == 1 and f'href="/entities/{ids["lee"]}"' in html
    assert f'href="/articles/{ids["first"]}"' in html and "also in" in text
    assert "2 more in this story" in text  # the spokesman's 7 quotes, 5 shown
    assert text.count("Bitter memories") == 1  # one timeline entry for 1910 and 1945


def test_a_timeline_sentence_that_leans_back_comes_with_what_it_leans_on(store):
    """'He was released on bail on Thursday' says nothing out of its article: the entry
    carries the sentence before it (and the one before that, where it leans too); a
    sentence that stands alone carries none."""
    sid = store.save_story(Story(title="Defector arrested", first_seen=T0, last_seen=T0))
    named = "Police arrested Marc Headley, a former church member, in Los Angeles in May 2009."
    leans = "He was held overnight."
    bail = "He was released on US$20,000 bail on 21 May 2009."
    alone = "The church filed a second lawsuit in June 2009."
    aid = store.add_article(Article(
        url="https://outlet.example/defector", title="Defector arrested", source=Source(name="Outlet"),
        body=[Block("paragraph", f"{named} {leans}"), Block("paragraph", f"{bail} {alone}")],
        published_at=T0, content_hash="defector"))
    store.update_article_fields(aid, story_id=sid)
    store.replace_article_enrichment(aid, [], [], [
        DateMention(text="21 May 2009", sentence=bail, value="2009-05-21", granularity="day", block=1),
        DateMention(text="June 2009", sentence=alone, value="2009-06", granularity="month", block=1),
    ], [])
    timeline = story_full(store, sid)["timeline"]
    assert [(t["text"], t["context"]) for t in timeline] == [
        (bail, f"{named} {leans}"), (alone, "")]
    client = TestClient(create_app(Settings.from_env(db=store.url), store))
    html = client.get(f"/stories/{sid}").text
    assert f'<span class="context">{named} {leans}</span> {bail}' in html


def test_timeline_context_found_where_the_parser_ended_the_sentence_elsewhere(store):
    """The dates stage's parser may end a sentence inside a quotation where the body's
    splitter does not: the entry still finds the sentence it leans on."""
    sid = store.save_story(Story(title="Appeal lost", first_seen=T0, last_seen=T0))
    lost = "The club lost its appeal on 2 June 2009."
    said = 'It said in a statement: "We will appeal again in July 2009.'  # the parser's cut
    aid = store.add_article(Article(
        url="https://outlet.example/appeal", title="Appeal lost", source=Source(name="Outlet"),
        body=[Block("paragraph", f'{lost} {said} The ruling is wrong." Fans protested.')],
        published_at=T0, content_hash="appeal"))
    store.update_article_fields(aid, story_id=sid)
    store.replace_article_enrichment(aid, [], [], [
        DateMention(text="July 2009", sentence=said, value="2009-07", granularity="month")], [])
    assert [t["context"] for t in story_full(store, sid)["timeline"]] == [lost]
