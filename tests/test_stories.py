"""Stories: online clustering on real ECB+ articles, story pages, merging, the evaluation gate."""
from __future__ import annotations

import json
import random
from collections import Counter
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.models import Story
from newsdesk.rank.related import related_articles
from newsdesk.stories.stage import assign, story_stages
from newsdesk.web.app import create_app

FIXTURE = Path(__file__).parent / "fixtures" / "stories" / "ecbplus_4topics.jsonl"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from stories import b_cubed, to_article  # noqa: E402  (the benchmark's own scoring)


def docs(seed: int = 13) -> list[dict]:
    rows = [json.loads(line) for line in FIXTURE.open()]
    random.Random(seed).shuffle(rows)
    return rows


def load(store, rows):
    ids = {}
    for d in rows:
        a = to_article(d)
        a.id = store.add_article(a)
        assign(store, a, [])
        ids[d["doc_id"]] = a.id
    return {doc: store.get_article(aid).story_id for doc, aid in ids.items()}, ids


def test_same_event_joins_and_other_event_of_same_kind_does_not(store):
    rows = docs()
    pred, _ = load(store, rows[:30])
    gold = {d["doc_id"]: d["subtopic"] for d in rows[:30]}
    p, r, f = b_cubed(pred, gold)
    assert f > 0.7, (p, r, f)
    assert len(set(pred.values())) >= 4  # four topics hold eight events: never one story


def test_story_header_and_counts(store):
    rows = docs()[:20]
    pred, ids = load(store, rows)
    sid = max(set(pred.values()), key=list(pred.values()).count)
    story = store.get_story(sid)
    members = [d for d in rows if pred[d["doc_id"]] == sid]
    assert story.article_count == len(members)
    assert story.title in {to_article(d).title for d in members}
    assert story.keywords and story.summary


def test_reassigning_is_idempotent(store):
    rows = docs()[:5]
    pred, ids = load(store, rows)
    for doc, aid in ids.items():
        assert assign(store, store.get_article(aid), []) == pred[doc]


def test_merge_moves_articles_and_leaves_a_pointer(store):
    rows = docs()[:6]
    pred, ids = load(store, rows)
    a, b = sorted(set(pred.values()))[:2]
    store.merge_story_into(b, a)
    assert store.merged_into(b) == a
    assert all(store.get_article(i).story_id != b for i in ids.values())


def test_story_stage_runs_after_who():
    stage = story_stages()[0]
    assert stage.name == "stories" and stage.requires == ("who",)


def test_story_page_and_api(sqlite_store):
    pred, ids = load(sqlite_store, docs()[:12])
    sid = next(iter(pred.values()))
    client = TestClient(create_app(Settings.from_env(db=sqlite_store.url), sqlite_store))
    data = client.get(f"/api/stories/{sid}").json()
    assert data["id"] == sid and data["items"] and data["outlets"]
    page = client.get(f"/stories/{sid}")
    assert page.status_code == 200 and data["title"][:20] in page.text
    assert client.get("/api/stories/999999").status_code == 404


def test_story_list_page_and_api(sqlite_store):
    load(sqlite_store, docs()[:12])
    client = TestClient(create_app(Settings.from_env(db=sqlite_store.url), sqlite_store))
    items = client.get("/api/stories?limit=200").json()["items"]
    every = sqlite_store.list_stories(limit=1000)
    assert [s["id"] for s in items] == [s.id for s in every] and len(items) > 3
    assert {"title", "summary", "section", "articles", "outlets", "keywords", "first_seen",
            "last_seen"} <= set(items[0])
    # paged: the second page starts where the first ends, with no story twice
    first = client.get("/api/stories?limit=2").json()["items"]
    second = client.get("/api/stories?limit=2&offset=2").json()["items"]
    assert [s["id"] for s in first + second] == [s["id"] for s in items[:4]]
    story = sqlite_store.get_story(items[0]["id"])
    story.section = "Science"
    sqlite_store.save_story(story)
    assert [s["id"] for s in client.get("/api/stories?section=Science").json()["items"]] \
        == [story.id]
    assert client.get("/api/stories?limit=0").status_code == 422
    # the API takes a section in any case, as search's section filter does
    assert [s["id"] for s in client.get("/api/stories?section=SCIENCE").json()["items"]] \
        == [story.id]
    assert client.get("/api/stories?section=Sciense").json()["items"] == []
    one = sqlite_store.get_article(sqlite_store.story_article_rows(story.id)[0]["id"])
    listed = client.get(f"/api/articles?section={one.section.lower()}&limit=200").json()
    assert one.id in [a["id"] for a in listed["items"]], one.section
    page = client.get("/stories")
    assert page.status_code == 200
    for s in items[:5]:
        assert f'href="/stories/{s["id"]}"' in page.text
    science = client.get("/stories?section=Science")
    assert f'href="/stories/{story.id}"' in science.text and "Stories in Science" in science.text
    assert f'href="/stories/{items[1]["id"]}"' not in science.text
    assert "No stories in Culture" in client.get("/stories?section=Culture").text
    # as /sections/science: the site's own spelling, and a section it does not have is a 404
    moved = client.get("/stories?section=science", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/stories?section=Science"
    missing = client.get("/stories?section=Sciense")
    assert missing.status_code == 404 and "There is no section Sciense" in missing.text
    assert 'href="/stories?section=Science"' in client.get("/sections/Science").text
    # the command line lists the same stories, through the same service
    from typer.testing import CliRunner

    from newsdesk.cli import app as cli_app
    out = CliRunner().invoke(cli_app, ["stories", "--db", sqlite_store.url, "--json",
                                       "--limit", "200"])
    assert out.exit_code == 0, out.output
    assert [s["id"] for s in json.loads(out.output)["items"]] == [s.id for s in every]
    for name in ("Science", "science"):  # any case, as search's section: takes it
        out = CliRunner().invoke(cli_app, ["stories", "--db", sqlite_store.url, "--section",
                                           name])
        assert out.exit_code == 0 and story.title in out.output, out.output
        assert items[1]["title"] not in out.output
    assert CliRunner().invoke(cli_app, ["stories", "--db", sqlite_store.url, "--limit",
                                        "0"]).exit_code != 0
    # the home page's JSON twin carries the top stories the home page shows
    sections = client.get("/api/sections").json()["items"]
    assert all("stories" in s for s in sections)
    assert 'href="/stories"' in client.get("/").text


def test_related_same_story_first(sqlite_store):
    pred, ids = load(sqlite_store, docs())
    total = 0
    for doc, aid in list(ids.items())[:20]:
        rel = related_articles(sqlite_store, sqlite_store.get_article(aid), 5)
        assert aid not in [r.id for r in rel]
        reasons = [r.reason for r in rel]
        # "same story" items come before any other reason
        assert reasons == sorted(reasons, key=lambda r: r != "same story")
        total += 1
    assert total == 20


def test_related_same_story_closest_first_whatever_the_outlet(sqlite_store):
    """A stray from a look-alike event inside the story, from another outlet, comes after the
    article's own event from its own outlet: closeness first, the outlet only between equals."""
    rows = [json.loads(line) for line in FIXTURE.open()]
    own = [d for d in rows if d["subtopic"] == "3_ecb"]  # two events of one kind
    stray = next(d for d in rows if d["subtopic"] == "3_ecbplus")
    ids = {}
    for d, outlet in [(own[0], "Same"), (own[1], "Same"), (stray, "Other")]:
        a = to_article(d)
        a.source.name = outlet
        ids[d["doc_id"]] = a.id = sqlite_store.add_article(a)
    story = sqlite_store.save_story(Story(title="one story"))
    for aid in ids.values():
        sqlite_store.update_article_fields(aid, story_id=story)
    first = sqlite_store.get_article(ids[own[0]["doc_id"]])
    rel = [r.id for r in related_articles(sqlite_store, first, 5) if r.reason == "same story"]
    assert rel == [ids[own[1]["doc_id"]], ids[stray["doc_id"]]]


def test_evaluation_gate(sqlite_store):
    """Floors slightly under what the clusterer and related rail scored on these 69 articles
    (4 ECB+ topics, 8 events); see bench/stories.py for the whole set."""
    rows = docs()
    pred, ids = load(sqlite_store, rows)
    gold = {d["doc_id"]: d["subtopic"] for d in rows}
    p, r, f = b_cubed(pred, gold)
    by_id = {aid: doc for doc, aid in ids.items()}
    hits = sum(1 for doc, aid in ids.items()
               for rel in related_articles(sqlite_store, sqlite_store.get_article(aid), 5)
               if gold[by_id[rel.id]] == gold[doc])
    p5 = hits / (5 * len(ids))
    print(f"gate: B3 P {p:.3f} R {r:.3f} F1 {f:.3f}, related P@5 {p5:.3f}")
    assert f >= GATE_F1
    assert p >= GATE_PRECISION  # falls to 0.900 if story splitting stops working
    assert p5 >= GATE_P5


GATE_F1 = 0.90  # measured 0.919 (0.915 before story splitting)
GATE_PRECISION = 0.93  # measured 0.959 (0.900 before story splitting)
GATE_P5 = 0.90  # measured 0.930 (0.919 with other outlets strictly first, 0.780 before splitting)


def test_story_summary_draws_on_its_outlets_without_repeats(store):
    from newsdesk.enrich.summary import summarise_article

    rows = docs()[:30]
    ids, pred = {}, {}
    for d in rows:  # as the pipeline runs it: the summary stage before the story stage
        a = to_article(d)
        a.summary, a.summary_generated = summarise_article(a)[0], True
        a.id = ids[d["doc_id"]] = store.add_article(a)
        pred[d["doc_id"]] = assign(store, a, [])
    outlets = {}
    for doc, sid in pred.items():
        outlets.setdefault(sid, set()).add(store.get_article(ids[doc]).source.name)
    sid = max(outlets, key=lambda s: len(outlets[s]))
    assert len(outlets[sid]) >= 2
    summary = store.get_story(sid).summary
    assert summary.endswith(f"Drawn from {len(outlets[sid])} outlets.")
    sentences = [s for s in summary.split(". ") if s]
    assert len(sentences) == len(set(sentences)) >= 3  # several sentences, none twice
    # a store whose stories were made by the previous version gets the summaries on re-run
    story = store.get_story(sid)
    story.summary = "Old one-line summary."
    store.save_story(story)
    from newsdesk.stories.stage import run_stories
    run_stories(store, [store.get_article(ids[d]) for d in pred if pred[d] == sid])
    assert store.get_story(sid).summary == summary


def test_a_story_one_outlet_covered_in_several_pieces_draws_on_several_of_them(store):
    """A feed's several teasers on one event used to give the story one teaser's sentence
    ("What comes next would present its own set of challenges. Drawn from 1 outlet."): a
    story summary drew on each outlet's lead only."""
    from newsdesk.enrich.summary import split_sentences, summarise_article
    from newsdesk.models import Source

    rows = docs()
    event = max(sorted({d["subtopic"] for d in rows}),
                key=lambda t: sum(d["subtopic"] == t for d in rows))
    summaries, ids = {}, []
    for d in [d for d in rows if d["subtopic"] == event][:5]:
        a = to_article(d)
        a.source = Source(name="One Outlet")  # one outlet's pieces, not several outlets'
        a.summary, a.summary_generated = summarise_article(a)[0], True
        a.id = store.add_article(a)
        summaries[a.id] = set(split_sentences(a.summary))
        ids.append(a.id)
        assign(store, a, [])
    sid = max({store.get_article(i).story_id for i in ids},
              key=lambda s: sum(store.get_article(i).story_id == s for i in ids))
    members = [i for i in ids if store.get_article(i).story_id == sid]
    assert len(members) >= 3
    summary = store.get_story(sid).summary
    assert summary.endswith("Drawn from 1 outlet.")
    sentences = split_sentences(summary.removesuffix("Drawn from 1 outlet.").strip())
    drawn = {i for i in members for s in sentences if s in summaries[i] or s[:-1] in summaries[i]}
    assert len(drawn) >= 2, summary


def test_story_summary_passes_over_sentences_that_lean_on_the_one_before():
    from newsdesk.enrich.summary import leans_back, summarise_story
    from newsdesk.models import Article, Source

    assert leans_back("But the deal collapsed.") and leans_back("“It was a shock,” he said.")
    assert not leans_back("Thousands marched in Paris.") and not leans_back("Theirs was not.")
    assert leans_back("An escalating trade war would be another matter, however.")
    assert leans_back("Ford cut jobs in Ohio, too.") and not leans_back("Ford cut two jobs.")
    # connectives set off by a comma point back; the same words naming what they add to do not
    assert leans_back("In addition, the markets have also had difficulties.")
    assert leans_back("Additionally, Ford said its share rose to 17%.")
    assert leans_back("In contrast, Toyota is expected to beat last year's profit.")
    assert not leans_back("As a result of strong Christmas sales, revenue doubled.")
    assert not leans_back("In addition to cars, Ford makes trucks.")
    a = Article(url="a", title="Port strike", source=Source(name="A", id=1),
                summary="Dock workers in Rotterdam walked out on Monday over pay. "
                        "This is the third such stoppage this year.")
    b = Article(url="b", title="Rotterdam strike", source=Source(name="B", id=2),
                summary="It hit container traffic hard. "
                        "Shipping lines diverted vessels to Antwerp as the Rotterdam strike "
                        "entered its second day.")
    text = summarise_story([a, b])
    assert "Dock workers" in text and "Antwerp" in text
    assert "This is the third" not in text and "It hit" not in text, text
    # nor a teaser's question (the demo's Economist story opened "Are Meta and Google ads
    # really recession-proof?")
    q = Article(url="q", title="Ads", source=Source(name="C", id=3),
                summary="Are Meta and Google ads really recession-proof? Advertisers cut "
                        "budgets across Europe in January.")
    text = summarise_story([q, b])
    assert "recession-proof" not in text and "Advertisers cut" in text, text


def test_a_story_follows_its_articles_when_they_are_classified_after_it_was_made(store,
                                                                              monkeypatch):
    """The demo trains its section classifier after its articles are placed in stories, then
    re-classifies them: the stories kept the section of the moment they were made (58 of a
    fresh demo's were Uncategorised, or under another section than their articles)."""
    from newsdesk.enrich.sections import SectionClassifier, section_text
    from newsdesk.enrich.stages import SECTION_MODEL_BLOB, enrich_stages

    rows = docs()
    event = [d for d in rows if d["topic"] == 3][:6]
    ids = []
    for d in event:  # no model yet: the section stage leaves them Uncategorised
        a = to_article(d)
        a.section = "Uncategorised"
        a.id = store.add_article(a)
        ids.append(a.id)
        assign(store, a, [])
    stories = {store.get_article(i).story_id for i in ids}
    assert {store.get_story(s).section for s in stories} <= {"Uncategorised", ""}
    # a model that learned topic 3 as World from other articles of it, and the rest as Business
    train = [d for d in rows if d not in event]
    model = SectionClassifier.train([section_text(*_title_body(d)) for d in train],
                                    ["World" if d["topic"] == 3 else "Business" for d in train])
    store.put_blob(SECTION_MODEL_BLOB, model.to_bytes())
    section = [s for s in enrich_stages() if s.name == "section"]
    from newsdesk.pipeline import enrich_articles
    # a site of these two sections: the model knows every one of them, so it decides
    monkeypatch.setenv("NEWSDESK_SECTIONS", "World,Business")
    assert enrich_articles(store, ids, section) == {"section": 0}
    assert {store.get_article(i).section for i in ids} == {"World"}
    assert {store.get_story(s).section for s in stories} == {"World"}


def _title_body(d: dict) -> tuple[str, str]:
    a = to_article(d)
    return a.title, a.text


def test_story_keywords_show_a_name_once_and_no_stop_words_or_figures():
    from newsdesk.stories.cluster import display_terms
    # weights as a story's centroid holds them: word terms (w:) and name terms (n:), where a
    # headline's capital letter made "After" a name and an entity ran past its end
    centroid = {"n:trump": 0.5, "w:supreme": 0.45, "w:court": 0.44, "n:supreme court": 0.4,
                "w:president": 0.3, "n:after": 0.28, "w:tariff": 0.27, "w:tariffs": 0.26,
                "n:250": 0.25, "n:tariff man”—to": 0.24, "n:apple computer's mac os": 0.2,
                "n:canada": 0.1}
    # "president" (a word as common as Zipf 5.45) is no keyword; the name term would be
    assert display_terms(centroid) == ["trump", "supreme court", "tariff", "canada"]
    assert "president" in display_terms({"n:president": 0.3, "w:tariff": 0.2})


def _stories_of_teasers(store, tag: str, teasers: list[tuple[str, str]]) -> list[int]:
    """(headline, text) teasers of one day from as many outlets, through the clusterer: each
    one's story, as merges left them."""
    from datetime import datetime, timezone

    from newsdesk.models import Article, Block, Source
    ids = []
    for i, (title, text) in enumerate(teasers):
        a = Article(url=f"https://{tag}.test/{i}", title=title, source=Source(name=f"Outlet {i}"),
                    body=[Block("paragraph", text)], content_hash=f"{tag}{i}",
                    published_at=datetime(2026, 2, 20, tzinfo=timezone.utc))
        a.id = store.add_article(a)
        assign(store, a, [])
        ids.append(a.id)
    return [store.get_article(i).story_id for i in ids]


def test_teasers_sharing_only_one_name_stay_apart(store):
    # Between texts of a few dozen words one shared name made the cosine: a column on China's
    # central bank joined (by the merge check) a story of a Chinese missile test.
    final = _stories_of_teasers(store, "t", [
        ("China fires a missile over the sea",
         "China fired a ballistic missile into the sea on Monday, officials said."),
        ("What China wants from its central bank", "China wants lower rates."),
        ("China test-fires ballistic missile into the sea",
         "A ballistic missile fired by China fell into the sea, officials said.")])
    assert final[0] == final[2] != final[1]


def test_a_place_and_its_people_are_one_shared_word(store):
    # The demo's Economist and WSJ teasers (feeds of 2026-02-20/21) shared only "China" and
    # "Chinese", counted as two words: a property-market piece joined an arms-sale story.
    from newsdesk.stories.cluster import shared_words
    assert shared_words({"w:china": 1.0, "w:chinese": 1.0, "w:sale": 1.0},
                        {"w:china": 1.0, "w:chinese": 1.0, "w:homebuyers": 1.0}) == 1
    # the two alone (the demo's other articles made the cosine): they stay apart
    final = _stories_of_teasers(store, "c", [
        ("Chinese homebuyers are enraged by shoddy building standards",
         "Crooked walls and broken promises are harming China’s property market"),
        ("U.S. Arms Sale to Taiwan in Limbo Amid Pressure Campaign From China",
         "The development follows pressure from Chinese leader Xi Jinping and concerns that "
         "the sale would derail President Trump’s coming visit to Beijing.")])
    assert final[0] != final[1]


def _one_story_of(store, tag: str, title: str, texts: list[str]) -> tuple[list[int], Story]:
    """Articles of these texts under one headline, through the who and story stages: the
    story they make together (asserted to be one)."""
    from datetime import datetime, timezone

    from newsdesk.enrich.stages import enrich_stages
    from newsdesk.models import Article, Block, Source
    from newsdesk.pipeline import enrich_articles
    ids = [store.add_article(Article(
        url=f"https://{tag}.test/{i}", title=title, source=Source(name=f"Outlet {i}"),
        body=[Block("paragraph", t)], content_hash=f"{tag}{i}",
        published_at=datetime(2026, 2, 20, tzinfo=timezone.utc))) for i, t in enumerate(texts)]
    stages = [s for s in enrich_stages() if s.name == "who"] + list(story_stages())
    enrich_articles(store, ids, stages)
    story = store.get_story(store.get_article(ids[0]).story_id)
    assert all(store.get_article(i).story_id == story.id for i in ids)
    return ids, story


def test_story_keywords_are_written_as_its_articles_write_them(store):
    ids, story = _one_story_of(store, "k", "Supreme Court strikes down Donald Trump tariffs", [
        "Donald Trump said on Friday that the Supreme Court ruling on tariffs was a "
        "disgrace. Donald Trump vowed new tariffs on imports from Canada.",
        "The Supreme Court struck down the tariffs of Donald Trump on Friday. Donald "
        "Trump answered with threats of new tariffs on Canada."])
    assert "Donald Trump" in story.keywords and "donald trump" not in story.keywords
    # where no article's keywords write a name, its entity does
    from newsdesk.store.base import EntityLink
    from newsdesk.stories.stage import run_stories
    for aid in ids:
        links = [EntityLink(e.entity_id, e.mentions) for e in store.article_entities(aid)]
        store.replace_article_enrichment(aid, links, [], [], [])
    run_stories(store, [store.get_article(i) for i in ids])
    keywords = store.get_story(story.id).keywords
    assert "Donald Trump" in keywords and "donald trump" not in keywords, keywords


def test_a_title_made_a_name_by_its_capital_is_no_story_keyword(store):
    # "President Trump" makes a name term of "president" (a capital letter is all the
    # centroid sees); "China" is as general a word, but an entity writes it, so it stays.
    # A story's one-word keywords are those its articles' keywords or entities write
    _, story = _one_story_of(store, "p", "President Trump threatens China with tariffs", [
        "President Donald Trump said on Friday that China must cut tariffs. President "
        "Trump vowed new tariffs on steel from China, and President Trump met advisers.",
        "President Trump threatened China with tariffs on Friday. President Donald Trump "
        "said China had broken its promises, President Trump told reporters."])
    lowered = [k.lower() for k in story.keywords]
    assert "president" not in lowered, story.keywords
    # nor a verb or a weekday, which the centroid cannot tell from a noun but keywords can
    assert not {"threatens", "threatened", "friday"} & set(lowered), story.keywords
    assert "tariffs" in lowered, story.keywords
    assert "China" in story.keywords and "Donald Trump" in story.keywords, story.keywords


def test_a_story_is_headed_by_a_headline_not_a_standfirst_sent_as_a_title(store):
    """A feed that sends a standfirst as an item's title ("Key inflation metrics tracked by the
    Fed accelerated at the end of last year, underscoring why ...") headed the demo's Fed
    story: the headline score sums its words' weight, so the longest sentence won."""
    from newsdesk.stories import cluster

    rows = docs()
    sizes = Counter(d["subtopic"] for d in rows)
    headed = 0
    for event in sorted(sizes, key=lambda t: (-sizes[t], t))[:4]:  # the four largest events
        articles = [to_article(d) for d in rows if d["subtopic"] == event][:4]
        # one outlet's item titled with its own lead sentences, as such feeds do
        long = next(a for a in articles
                    if len(" ".join(b.text for b in a.body[:2]).split()) > 30)
        long.title = " ".join(b.text for b in long.body[:2])
        for a in articles:
            a.id = store.add_article(a)
            assign(store, a, [])
        sid = store.get_article(long.id).story_id
        together = [a for a in articles if store.get_article(a.id).story_id == sid]
        if len(together) < 2:
            continue
        headed += 1
        title = store.get_story(sid).title
        assert title != long.title and len(title.split()) <= cluster.HEADLINE_MAX_WORDS, title
        assert title in {a.title for a in together}
    assert headed >= 2  # it did share a story with other articles, more than once
