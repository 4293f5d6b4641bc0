"""Who said what on the seed page and a Wikinews article: entities, quotes, dates."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsdesk.enrich.who import HEADLINE, analyse, analyse_many
from newsdesk.models import Article, Block, Source

FIXTURES = Path(__file__).parent / "fixtures" / "who"


def _seed() -> Article:
    data = json.loads((FIXTURES / "seed_article.json").read_text(encoding="utf-8"))
    return Article(url="seed", title=data["title"], source=Source(data["source_name"]),
                   body=[Block(b["kind"], b["text"]) for b in data["blocks"]],
                   published_at=datetime.fromisoformat(data["published_at"]))


def _wikinews() -> Article:
    data = json.loads((FIXTURES / "wikinews_iphone4.json").read_text(encoding="utf-8"))
    return Article(url="wikinews", title=data["title"], source=Source("Wikinews"),
                   body=[Block("paragraph", p) for p in data["paragraphs"]],
                   published_at=datetime.fromisoformat(data["published_at"]))


@pytest.fixture(scope="module")
def seed():
    article = _seed()
    return article, analyse(article)


def test_seed_entities_each_once_as_canonical(seed):
    _, result = seed
    expected = {
        "Sanae Takaichi": "PERSON", "Lee Jae Myung": "PERSON", "Xi Jinping": "PERSON",
        "Donald Trump": "PERSON", "Yoon Suk Yeol": "PERSON", "Benoit Hardy-Chartrand": "PERSON",
        "Temple University": "ORG", "AFP": "ORG", "NHK": "ORG", "APEC": "ORG",
        "Nara": "PLACE", "Beijing": "PLACE", "Tokyo": "PLACE", "Seoul": "PLACE",
        "Taiwan": "PLACE", "Gyeongju": "PLACE",
    }
    canon = {(m.canonical, m.type) for m in result.entities}
    for name, typ in expected.items():
        assert (name, typ) in canon, name
    names = {m.canonical for m in result.entities}
    # Short forms are merged into the full name, never left as entities of their own.
    for short in ("Takaichi", "Ms. Takaichi", "Lee", "President Lee", "Hardy-Chartrand"):
        assert short not in names


def test_seed_mentions_point_into_the_body(seed):
    article, result = seed
    for m in result.entities:  # a headline's mention points into the title
        where = article.title if m.block == HEADLINE else article.body[m.block].text
        assert where[m.start:m.end] == m.text
    assert {m.canonical for m in result.entities if m.block == HEADLINE} >= {
        "Japan", "Nara", "China", "Taiwan"}  # names the body also gives
    takaichi = [m for m in result.entities if m.canonical == "Sanae Takaichi"]
    assert {m.text for m in takaichi} >= {"Sanae Takaichi", "Takaichi"}
    assert all(m.type == "PERSON" for m in takaichi)


def test_seed_roles(seed):
    _, result = seed
    roles = {(m.canonical, m.role) for m in result.entities if m.role}
    assert ("Sanae Takaichi", "Japanese Prime Minister") in roles
    assert any(n == "Benoit Hardy-Chartrand" and "expert at Temple University" in r for n, r in roles)
    assert any(n == "Lee Jae Myung" and "President" in r for n, r in roles)


def test_seed_quotes(seed):
    article, result = seed
    direct = [q for q in result.quotes if q.kind == "direct"]

    def find(prefix):
        return next(q for q in direct if q.text.startswith(prefix))

    q1 = find("Tense regional geopolitics could provide Takaichi and Lee further impetus")
    assert (q1.speaker, q1.cue) == ("Benoit Hardy-Chartrand", "said")
    assert "expert" in q1.speaker_role
    q2 = find("Beijing's export controls will have an impact on Korea as well")
    assert (q2.speaker, q2.said_to, q2.cue) == ("Benoit Hardy-Chartrand", "AFP", "told")
    q3 = find("From the standpoint of peace and stability in Northeast Asia")
    assert (q3.speaker, q3.said_to) == ("Lee Jae Myung", "NHK")
    q4 = find("We can only wait for China and Japan")  # the quote split by its attribution
    assert q4.speaker == "Lee Jae Myung"
    q5 = find("neighbours sharing a front yard")  # a partial quote
    assert q5.speaker == "Lee Jae Myung"
    for q in direct:
        assert article.body[q.block].text[q.start:q.end] == q.text
    # Terms in scare quotes are not speech.
    assert not any(q.text.startswith(("dual-use", "America First", "shuttle diplomacy")) for q in direct)


def test_seed_indirect(seed):
    _, result = seed
    indirect = [q for q in result.quotes if q.kind == "indirect"]
    talks = next(q for q in indirect if q.text.startswith("talks will likely focus"))
    assert talks.speaker == "officials" and talks.cue == "say"


def test_seed_dates(seed):
    _, result = seed
    got = {(d.text, d.value, d.granularity) for d in result.dates}
    # Published Monday 2026-01-12: "will host ... on Tuesday" is the next day.
    assert ("Tuesday", "2026-01-13", "day") in got
    assert ("December 2024", "2024-12", "month") in got
    assert ("2025", "2025", "year") in got
    assert ("October", "2025-10", "month") in got  # "last met in October": the past one
    assert ("August", "2025-08", "month") in got  # "since August"
    tuesday = next(d for d in result.dates if d.text == "Tuesday")
    assert tuesday.sentence.startswith("Japanese Prime Minister Sanae Takaichi will host")


def test_wikinews_article():
    article = _wikinews()
    result = analyse_many([article])[0]
    names = {m.canonical for m in result.entities if m.type == "PERSON"}
    assert "Steve Jobs" in names and "Jobs" not in names
    stop = next(q for q in result.quotes if q.text.startswith("Stop me if you've already seen this"))
    assert stop.speaker == "Steve Jobs"
    dates = {(d.text, d.value) for d in result.dates}
    assert ("Yesterday", "2010-06-07") in dates
    assert ("April", "2010-04") in dates


def test_empty_and_batched():
    empty = Article(url="e", title="", source=Source("x"))
    results = analyse_many([empty, _seed(), empty])
    assert len(results) == 3
    assert results[0].entities == [] and results[0].quotes == [] and results[2].dates == []
    assert any(q.speaker == "Lee Jae Myung" for q in results[1].quotes)
