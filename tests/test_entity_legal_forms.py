"""One entity per organisation whether or not the copy writes its legal form: `Apple Inc.`
and `Apple`, `Barclays PLC` and `Barclays`; a form that is also a word of the name
(`Corporation`, `Company`) only goes where the shorter name is known."""
from __future__ import annotations

from newsdesk.enrich.entities import canonical_names
from newsdesk.enrich.names import core_name, entity_key
from newsdesk.enrich.stages import run_who
from newsdesk.models import Article, Block, Source


class _Known:
    """The store side of KnownEntities: which organisation keys some article links."""

    def __init__(self, keys: set[str]):
        self.keys = keys

    def lookup(self, key: str, type: str) -> list[str]:
        return []

    def weight(self, key: str, type: str) -> int:
        return int(type == "ORG" and key in self.keys)


def test_abbreviated_legal_forms_are_dropped():
    for written, name in (("Apple Inc.", "Apple"), ("Apple Inc.’s", "Apple"),
                          ("Barclays PLC", "Barclays"), ("Fiat S.p.A.", "Fiat"),
                          ("EADS N.V.", "EADS"), ("Tesla, Inc.", "Tesla"),
                          ("Chrysler Holding LLC", "Chrysler Holding"),
                          ("Nissan Motor Co., Ltd.", "Nissan Motor Co.")):
        assert core_name(written, "ORG") == name, written
    assert entity_key("Apple Inc.", "ORG") == entity_key("Apple", "ORG")
    # `Co.` and `Corp.` are read as the words they stand for: one key however written
    assert entity_key("Ford Motor Co.", "ORG") == entity_key("Ford Motor Company", "ORG")
    assert entity_key("News Corp", "ORG") == entity_key("News Corporation", "ORG")
    # Only an organisation's: a person or a place has no legal form.
    assert core_name("Apple Inc.", "PERSON") == "Apple Inc."


def test_a_name_that_would_be_a_common_word_or_nothing_stays_whole():
    for written in ("News Corp", "General Inc.", "The Company", "Limited", "Marine Corps",
                    "Apple Corps"):
        assert core_name(written, "ORG") == core_name(written, "ORG", legal_form=True), written


def test_spelled_out_forms_go_only_where_the_shorter_name_is_known():
    # In the same article
    names = canonical_names([("General Motors Corporation", "ORG"), ("General Motors", "ORG")])
    assert names == ["General Motors", "General Motors"]
    # in the store
    known = _Known({"general motors", "bank of america"})
    assert canonical_names([("General Motors Corporation", "ORG")], known) == ["General Motors"]
    assert canonical_names([("Bank of America Corp.", "ORG")], known) == ["Bank of America"]
    # nowhere: `Corporation` is a word of these names
    assert canonical_names([("Federal Deposit Insurance Corporation", "ORG"),
                            ("Australian Broadcasting Corporation", "ORG")], known) == [
        "Federal Deposit Insurance Corporation", "Australian Broadcasting Corporation"]


def test_an_acronym_is_matched_with_the_name_as_written():
    # EADS is not the initials of `European Aeronautic Defence and Space Company`, nor of
    # its `N.V.`: the acronym stays the one entity it was, not one of the name's spellings.
    names = canonical_names([("European Aeronautic Defence and Space Company N.V.", "ORG"),
                             ("EADS", "ORG")])
    assert names[1] == "EADS"
    names = canonical_names([("General Motors Corporation", "ORG"), ("General Motors", "ORG"),
                             ("GM", "ORG")])
    assert names == ["General Motors"] * 3


def test_a_company_goes_by_the_acronym_of_its_name_less_its_legal_form():
    # The legal form's letter kept the written name from matching: EADS and its full name
    # were two entities of one article (the demo's RAF airtanker article).
    for full in ("European Aeronautic Defence & Space NV",
                 "European Aeronautic Defence and Space Company N.V."):
        assert canonical_names([(full, "ORG"), ("EADS", "ORG"), ("Airbus", "ORG")]) == [
            "EADS", "EADS", "Airbus"], full
    assert canonical_names([("International Business Machines Corp.", "ORG"),
                            ("IBM", "ORG")]) == ["IBM", "IBM"]
    # Not without the acronym, nor where a name as written spells it out
    assert canonical_names([("European Aeronautic Defence & Space NV", "ORG")]) == [
        "European Aeronautic Defence & Space"]
    assert canonical_names([("General Motors Corporation", "ORG"), ("General Motors", "ORG"),
                            ("GM", "ORG")]) == ["General Motors"] * 3
    # The name of the two that the store links in more articles wins: the demo's Saturn
    # article had GM beside the store's General Motors
    mentions = [("General Motors Corporation", "ORG"), ("GM", "ORG")]
    assert canonical_names(mentions) == ["GM", "GM"]
    assert canonical_names(mentions, _Known({"general motors"})) == ["General Motors"] * 2


def test_an_acronym_with_an_ampersand():
    # demo: "Standard & Poor" (3 articles) and "S&P" (2) were two entities
    assert canonical_names([("Standard & Poor's", "ORG"), ("S&P", "ORG")])[1] == "Standard & Poor"
    assert canonical_names([("Procter & Gamble", "ORG"), ("P&G", "ORG"), ("AT&T", "ORG")]) == [
        "Procter & Gamble", "Procter & Gamble", "AT&T"]


def test_a_plural_product_is_the_one_it_counts():
    names = canonical_names([("iPod", "ORG"), ("iPods", "ORG"), ("iPod Touches", "ORG"),
                             ("iPod Touch", "ORG"), ("Airbus", "ORG"), ("Lehman Brothers", "ORG"),
                             ("Afghans", "NORP"), ("Afghan", "NORP")])
    assert names == ["iPod", "iPod", "iPod Touch", "iPod Touch", "Airbus", "Lehman Brothers",
                     "Afghans", "Afghan"]  # a people's plural is its name (GUM, Wikipedia)
    assert canonical_names([("iPhones", "ORG")], _Known({"iphone"})) == ["iPhone"]
    assert canonical_names([("iPhones", "ORG")]) == ["iPhones"]
    # a name with its `s` left off is the name the store or the article says more (demo:
    # "General Motor's chief executive"); and the name is not taken for its plural
    mentions = [("General Motors", "ORG"), ("General Motor's", "ORG")]
    assert canonical_names(mentions, _Known({"general motors"})) == ["General Motors"] * 2
    assert canonical_names(mentions + [("General Motors", "ORG")]) == ["General Motors"] * 3
    # ... and so is an acronym that was read as it (the demo's Canadian loans article had 9
    # mentions under "General Motor")
    mentions = [("General Motors", "ORG"), ("GM", "ORG"), ("General Motor's", "ORG"), ("GM", "ORG")]
    assert canonical_names(mentions, _Known({"general motors"})) == ["General Motors"] * 4


def _article(url: str, text: str) -> Article:
    return Article(url=url, title="", source=Source("x"), body=[Block("paragraph", text)])


def test_articles_that_write_the_form_and_that_do_not_link_one_entity(store):
    ids = []
    for url, text in (("a", "Apple Inc. said on Tuesday that it would open a store in Mumbai, "
                             "its first in the country."),
                      ("b", "Shares of Apple rose 3 percent after the company reported record "
                            "sales of the iPhone."),
                      ("c", "Regulators in London fined Barclays PLC on Monday, and Barclays said "
                            "it would not appeal.")):
        ids.append(store.add_article(_article(url, text)))
    run_who(store, [store.get_article(i) for i in ids])
    orgs = {i: {(e.name, e.type) for e in store.article_entities(i) if e.type == "ORG"} for i in ids}
    assert ("Apple", "ORG") in orgs[ids[0]] and ("Apple", "ORG") in orgs[ids[1]]
    assert orgs[ids[2]] >= {("Barclays", "ORG")}
    assert not any("Inc" in name or "PLC" in name for o in orgs.values() for name, _ in o)


def test_the_entity_page_shows_each_spelling_once(store):
    from newsdesk import services
    from newsdesk.models import Entity

    eid = store.upsert_entity(Entity(name="Apple", type="ORG",
                                     aliases=["Apple Inc", "Apple Inc.", "APPLE", "Apple Computer"]),
                              "apple")
    view = services.entity_view(store, eid)
    assert view["aliases"] == ["Apple Computer", "Apple Inc."]
    assert store.get_entity(eid).aliases == ["APPLE", "Apple Computer", "Apple Inc", "Apple Inc."]


def test_the_entity_page_shows_each_role_once(store):
    # the demo's Steve Jobs page listed `CEO`, `current Apple CEO` and `the Apple Chief
    # Executive Officer` beside `Apple CEO`
    from newsdesk import services
    from newsdesk.models import Entity

    roles = ["Apple CEO", "current Apple CEO", "the Apple Chief Executive Officer", "CEO",
             "former Apple CEO", "apple ceo"]
    eid = store.upsert_entity(Entity(name="Steve Jobs", type="PERSON", roles=roles), "steve jobs")
    view = services.entity_view(store, eid)
    assert view["roles"] == ["Apple CEO", "Apple Chief Executive Officer", "former Apple CEO"]
    assert store.get_entity(eid).roles == roles  # the store keeps them all
