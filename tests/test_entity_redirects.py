"""An entity that re-enrichment leaves without a mention is removed, and its old links move to
the entity that took its mentions (U.S. -> United States), on both backends."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.errors import NotFound
from newsdesk.models import Article, Block, Entity, Quote, Source
from newsdesk.store.base import EntityLink
from newsdesk.store.entity_successor import successor
from newsdesk.web.app import create_app


def add_article(store, n: int) -> int:
    return store.add_article(Article(
        url=f"https://example.org/{n}", title=f"Headline number {n}",
        source=Source(name="Outlet A"), content_hash=f"hash-{n}",
        body=[Block(kind="paragraph", text=f"The U.S. said so in article {n}.")]))


def entity(store, name: str, type_: str = "PLACE", aliases=(), key: str | None = None) -> int:
    return store.upsert_entity(Entity(name=name, type=type_, aliases=list(aliases)),
                               key or name.casefold())


def enrich(store, article_id: int, links: dict[int, int], quotes: list[Quote] = ()) -> None:
    """What the who stage writes for one article: {entity id: mentions}."""
    store.replace_article_enrichment(
        article_id, [EntityLink(entity_id=e, mentions=n) for e, n in links.items()],
        list(quotes), [], [])


def gone(store, entity_id: int) -> bool:
    try:
        store.get_entity(entity_id)
    except NotFound:
        return True
    return False


def test_an_entity_merged_away_is_removed_and_redirects_to_its_successor(store):
    a1, a2 = add_article(store, 1), add_article(store, 2)
    us, japan = entity(store, "U.S.", key="us"), entity(store, "Japan")
    enrich(store, a1, {us: 3, japan: 1})
    enrich(store, a2, {us: 1})

    # The rule that merges U.S. into United States ships; a1 is re-enriched first.
    united = entity(store, "United States", aliases=["U.S."])
    enrich(store, a1, {united: 3, japan: 1})
    assert not gone(store, us) and store.entity_redirect(us) is None  # a2 still names it

    enrich(store, a2, {united: 1})
    assert gone(store, us)
    assert store.entity_redirect(us) == united
    assert not gone(store, japan) and store.entity_redirect(japan) is None
    assert {e.id for e, _ in store.list_entities()} == {united, japan}


def test_redirect_chains_collapse_and_end_where_nothing_took_the_mentions(store):
    a1 = add_article(store, 1)
    us, other = entity(store, "U.S.", key="us"), entity(store, "Acme Widgets", "ORG")
    enrich(store, a1, {us: 2, other: 1})
    united = entity(store, "United States", aliases=["U.S."])
    enrich(store, a1, {united: 2, other: 1})
    usa = entity(store, "United States of America", aliases=["United States"])
    # Nothing in the article now resembles Acme Widgets: it has no successor.
    enrich(store, a1, {usa: 2})

    assert gone(store, us) and gone(store, united) and gone(store, other)
    assert store.entity_redirect(us) == usa  # a -> b, then b -> c: a -> c
    assert store.entity_redirect(united) == usa
    assert store.entity_redirect(other) is None

    # ... and when the last successor goes with no heir, the chain ends with it.
    enrich(store, a1, {})
    assert gone(store, usa)
    assert [store.entity_redirect(i) for i in (us, united, usa)] == [None, None, None]


def test_a_quoted_speaker_is_still_mentioned_and_stays(store):
    a1, a2 = add_article(store, 1), add_article(store, 2)
    lee = entity(store, "Lee Jae Myung", "PERSON")
    enrich(store, a1, {lee: 2})
    # a2 quotes him (the who stage links its speakers too; a quote alone still holds him).
    enrich(store, a2, {}, [Quote(text="We will talk.", speaker="Lee Jae Myung",
                                 speaker_entity_id=lee)])
    enrich(store, a1, {})
    assert not gone(store, lee)
    # The article's own new quote keeps its speaker too.
    enrich(store, a2, {}, [Quote(text="Again.", speaker="Lee Jae Myung", speaker_entity_id=lee)])
    assert not gone(store, lee)
    enrich(store, a2, {})
    assert gone(store, lee) and store.entity_redirect(lee) is None


def test_a_removed_id_is_never_issued_again(store):
    a1 = add_article(store, 1)
    first = entity(store, "Nara")
    newest = entity(store, "Kyoto")  # the largest id: SQLite would hand it out again
    enrich(store, a1, {first: 1, newest: 1})
    enrich(store, a1, {first: 1})
    assert gone(store, newest)
    later = entity(store, "Osaka")
    assert later > newest
    assert store.get_entity(later).name == "Osaka"


def test_the_successor_is_told_from_names_within_the_article():
    def e(i, name, type_="PERSON", aliases=()):
        return Entity(id=i, name=name, type=type_, aliases=list(aliases))

    dashed = e(1, "― Lee")
    lee = e(2, "Lee Jae Myung", aliases=["Lee"])
    # Found under the old name beats a name that only overlaps it.
    assert successor(e(9, "Lee"), [(lee, 1), (e(3, "Lee Kuan Yew"), 5)]) == 2
    # The old span grown or cut at word boundaries, same type only.
    assert successor(dashed, [(lee, 2), (e(4, "Lee County", "PLACE"), 7)]) == 2
    assert successor(e(5, "America", "PLACE"), [(e(6, "Bank of America", "ORG"), 3)]) is None
    # The most mentions wins; a tie cannot be told.
    assert successor(e(7, "U.S."), [(e(8, "United States", "PLACE", ["U.S."]), 3),
                                    (e(10, "US Army", "ORG", ["U.S."]), 1)]) == 8
    assert successor(e(7, "U.S."), [(e(8, "United States", "PLACE", ["U.S."]), 2),
                                    (e(10, "US Army", "ORG", ["U.S."]), 2)]) is None
    assert successor(dashed, []) is None


def test_the_migration_clears_entities_earlier_runs_left_without_mentions(store):
    a1, a2 = add_article(store, 1), add_article(store, 2)
    us = entity(store, "U.S.", key="us")  # left behind: United States took its name
    united = entity(store, "United States", aliases=["U.S.", "US"])
    lone = entity(store, "Ghost Name")  # left behind, nothing took it
    lee = entity(store, "Lee", "PERSON")  # left behind, two people took the name
    lee_a = entity(store, "Lee Jae Myung", "PERSON", ["Lee"])
    lee_b = entity(store, "Lee Kuan Yew", "PERSON", ["Lee"])
    unlinked = entity(store, "United Kingdom", aliases=["U.K."])
    uk = entity(store, "U.K.", key="uk")  # its namesake has no mention either
    enrich(store, a1, {united: 1, lee_a: 1})
    enrich(store, a2, {lee_b: 1})
    # The store as it was before this migration.
    with store.transaction():
        store._execute("DROP TABLE entity_redirects")
        store._execute("DELETE FROM migrations WHERE name = '0011_entity_redirects'")

    assert store.migrate() == ["0011_entity_redirects"]
    for old in (us, lone, lee, unlinked, uk):
        assert gone(store, old), old
    assert store.entity_redirect(us) == united
    assert [store.entity_redirect(i) for i in (lone, lee, unlinked, uk)] == [None] * 4
    assert not any(gone(store, i) for i in (united, lee_a, lee_b))


@pytest.fixture
def client(store, store_url):
    settings = Settings(db=store_url, admin_token="admin-secret", secret="form-secret")
    with TestClient(create_app(settings, store), follow_redirects=False) as c:
        yield c


def test_old_entity_links_move_permanently_to_the_successor(store, client):
    a1 = add_article(store, 1)
    us, gadget = entity(store, "U.S.", key="us"), entity(store, "Gadget Corp", "ORG")
    enrich(store, a1, {us: 2, gadget: 1})
    united = entity(store, "United States", aliases=["U.S."])
    enrich(store, a1, {united: 2})

    r = client.get(f"/entities/{us}")
    assert r.status_code in (301, 308) and r.headers["location"] == f"/entities/{united}"
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and "United States" in page.text

    r = client.get(f"/api/entities/{us}")
    assert r.status_code in (301, 308)
    assert r.headers["location"] == f"/api/entities/{united}"
    assert r.json()["moved_to"] == united
    assert client.get(r.headers["location"]).json()["name"] == "United States"

    # A feed reader subscribed to the old entity's feed follows it too.
    r = client.get(f"/feeds/entities/{us}")
    assert r.status_code == 308 and r.headers["location"] == f"/feeds/entities/{united}"
    assert "United States" in client.get(r.headers["location"]).text
    assert client.get(f"/feeds/entities/{gadget}").status_code == 404

    # Removed with no successor, or never there: a 404 page, and JSON on the API.
    for missing in (gadget, 999_999):
        r = client.get(f"/entities/{missing}")
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "<h1>Not found</h1>" in r.text
        r = client.get(f"/api/entities/{missing}")
        assert r.status_code == 404 and r.headers["content-type"] == "application/json"
        assert "detail" in r.json()
