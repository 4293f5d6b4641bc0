"""Quotes and dates of many articles in one query per 500 ids, and a story page whose number
of store queries does not grow with its number of articles (it asked twice per article)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.models import Article, Block, DateMention, Entity, Quote, Source, Story
from newsdesk.store.sql import IN_CHUNK
from newsdesk.stories.views import story_full
from newsdesk.web.app import create_app

T0 = datetime(2025, 11, 3, 8, tzinfo=timezone.utc)


def _article(store, n: int, story_id: int | None = None) -> int:
    aid = store.add_article(Article(
        url=f"https://outlet{n % 3}.example/{n}", title=f"Leaders meet in Nara, part {n}",
        source=Source(name=f"Outlet {n % 3}"),
        body=[Block("paragraph", f"Article {n} of the summit story.")],
        published_at=T0 + timedelta(hours=n), content_hash=f"hash-{n}"))
    if story_id is not None:
        store.update_article_fields(aid, story_id=story_id)
    return aid


def _quotes(n: int, entity_id: int) -> list[Quote]:
    """Stored out of order (block 1 before block 0) to check each article's order."""
    return [Quote(f"The second point, said in article {n}.", "Lee Jae Myung", cue="said",
                  said_to="NHK", speaker_role="President", speaker_entity_id=entity_id,
                  block=1, start=4, end=40),
            Quote(f"The first point of article {n}.", f"Spokesman {n}", kind="direct",
                  block=0, start=10, end=38),
            Quote(f"the talks of article {n} went well", f"Spokesman {n}", kind="indirect",
                  block=0, start=2, end=9)]


def _dates(n: int) -> list[DateMention]:
    return [DateMention(text="2025", sentence=f"Lee took office in 2025 ({n}).", value="2025",
                        granularity="year", block=2),
            DateMention(text="1910", sentence=f"From 1910 to 1945 ({n}).", value="1910",
                        granularity="year", block=0),
            DateMention(text="1945", sentence=f"From 1910 to 1945 ({n}).", value="1945",
                        granularity="year", block=0)]


def _by_position(quotes: list[Quote]) -> list[Quote]:
    return sorted(quotes, key=lambda q: (q.block, q.start))


def test_batched_quotes_and_dates_equal_the_per_article_answers(store):
    lee = store.upsert_entity(Entity("Lee Jae Myung", "person"), "lee jae myung")
    ids = [_article(store, n) for n in range(4)]
    for n, aid in enumerate(ids[:3]):  # the last article has no quotes or dates
        store.replace_article_enrichment(aid, [], _quotes(n, lee), _dates(n), [])
    asked = [ids[2], ids[0], ids[3], ids[0], 999_999]  # any order, repeats, an unknown id
    quotes, dates = store.quotes_of_articles(asked), store.dates_of_articles(asked)
    assert set(quotes) == set(dates) == set(asked)
    for n, aid in enumerate(ids):
        if aid not in asked:
            continue
        assert quotes[aid] == store.article_quotes(aid)
        assert dates[aid] == store.article_dates(aid)
        # what was stored, by block and position (dates: by block, then as stored)
        want_q = _by_position(_quotes(n, lee)) if n < 3 else []
        want_d = [d for b in (0, 2) for d in _dates(n) if d.block == b] if n < 3 else []
        assert quotes[aid] == want_q and dates[aid] == want_d
    assert quotes[999_999] == [] and dates[999_999] == []
    assert store.quotes_of_articles([]) == {} and store.dates_of_articles([]) == {}
    # the per-article answers are the stored ones too
    assert store.article_quotes(ids[1]) == _by_position(_quotes(1, lee))
    assert [d.value for d in store.article_dates(ids[1])] == ["1910", "1945", "2025"]


def _counting(store, monkeypatch) -> list[str]:
    """Every statement the store sends to its database from now on (the real store: each
    mixin's SQL goes through `_execute`)."""
    sent: list[str] = []
    execute = store._execute

    def counted(sql, params=()):
        sent.append(sql)
        return execute(sql, params)

    monkeypatch.setattr(store, "_execute", counted)
    return sent


def test_ids_past_one_in_list_are_chunked(store, monkeypatch):
    aid = _article(store, 0)
    store.replace_article_enrichment(aid, [], _quotes(0, None), _dates(0), [])
    many = [*range(10_000, 10_000 + 2 * IN_CHUNK + 3), aid]  # the real one in the last chunk
    sent = _counting(store, monkeypatch)
    quotes = store.quotes_of_articles(many)
    assert len(sent) == 3 and len(quotes) == len(many)
    assert quotes[aid] == _by_position(_quotes(0, None))
    assert store.dates_of_articles(many)[aid] == store.article_dates(aid)


def _story(store, size: int) -> int:
    lee = store.upsert_entity(Entity("Lee Jae Myung", "person"), "lee jae myung")
    sid = store.save_story(Story(title=f"Leaders meet in Nara ({size})", first_seen=T0,
                                 last_seen=T0))
    ids = [_article(store, size * 1000 + n, sid) for n in range(size)]
    store.set_wire_copy(ids[0], ids[0], 1.0)
    store.set_wire_copy(ids[1], ids[0], 0.9)
    for n, aid in enumerate(ids):
        store.replace_article_enrichment(aid, [], _quotes(n, lee), _dates(n), [])
    return sid


@pytest.mark.parametrize("face", ["service", "/api/stories/{}", "/stories/{}"])
def test_story_page_queries_do_not_grow_with_its_articles(store, monkeypatch, face):
    small, large = _story(store, 3), _story(store, 40)
    client = TestClient(create_app(Settings.from_env(db=store.url), store))
    client.get("/")  # the app's first request warms what it caches; not the story's cost

    def queries(story_id: int, size: int) -> int:
        sent = _counting(store, monkeypatch)
        if face == "service":
            data = story_full(store, story_id)
        else:
            assert client.get(face.format(story_id)).status_code == 200
        n = len(sent)
        monkeypatch.undo()
        if face != "service":
            data = client.get(f"/api/stories/{story_id}").json()
        # the page does show every article's quotes and dates
        assert len(data["published"]) == size and len(data["timeline"]) == 2 * size
        assert data["quotes"][0]["speaker"]["name"] == "Lee Jae Myung"
        assert data["quotes"][0]["articles"] == size
        return n

    assert queries(large, 40) == queries(small, 3)
