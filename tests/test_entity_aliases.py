"""One entity per country however the copy writes it: `U.S.`, `US` and `United States`;
abbreviations that only share letters with a country stay what they are."""
from __future__ import annotations

from newsdesk.enrich import places
from newsdesk.enrich.entities import canonical_names
from newsdesk.enrich.who import analyse
from newsdesk.models import Article, Block, Source


def test_abbreviations_of_countries_take_the_cldr_name():
    names = canonical_names([("U.S.", "PLACE"), ("US", "PLACE"), ("the U.K.", "PLACE"),
                             ("UK", "PLACE"), ("UAE", "PLACE"), ("U.N.", "ORG"),
                             ("E.U.", "ORG")])
    assert names == ["United States", "United States", "United Kingdom", "United Kingdom",
                     "United Arab Emirates", "United Nations", "European Union"]


def test_only_a_place_or_a_dotted_abbreviation():
    # An undotted `US` the model calls an organisation may be the pronoun of a headline.
    assert canonical_names([("US", "ORG"), ("IT", "ORG")]) == ["US", "IT"]


def test_shared_letters_are_not_an_abbreviation():
    # Codes that are not the initials (`ME` Montenegro, `IL` Israel, `GB`), initials of
    # several names (`SA`: Saudi Arabia, South Africa, South America) and regions (`LA`).
    for text in ("ME", "IL", "IN", "GB", "SA", "S.A.", "LA", "CA", "D.C."):
        assert canonical_names([(text, "PLACE")]) == [text], text
    assert places.expansion("USA") == ""  # not initials; CLDR has no alpha-3 codes
    # Full names and names CLDR does not hold stay as written.
    assert canonical_names([("United States", "PLACE"), ("Korea", "PLACE"),
                            ("England", "PLACE"), ("Latin America", "PLACE")]) == [
        "United States", "Korea", "England", "Latin America"]


def test_an_everyday_name_of_a_country_is_the_country():
    # the demo linked 26 articles to "United Kingdom" (they wrote "U.K.") and 5 to "Britain"
    names = canonical_names([("Britain", "PLACE"), ("Great  Britain", "PLACE"),
                             ("America", "PLACE"), ("Burma", "PLACE"), ("America", "ORG")])
    assert names == ["United Kingdom", "United Kingdom", "United States", "Myanmar", "America"]


def test_a_name_in_the_article_comes_first():
    # `NC` is New Caledonia's code and initials, but the article says which place it means.
    names = canonical_names([("North Carolina", "PLACE"), ("N.C.", "PLACE")])
    assert names == ["North Carolina", "North Carolina"]


def test_the_article_links_one_entity_for_the_country():
    body = ("U.S. officials met their counterparts in Geneva on Monday. "
            "The United States wants a deal before the summer, the officials said. "
            "Talks with the U.K. resume next week.")
    article = Article(url="t", title="Talks", source=Source("x"),
                      body=[Block(kind="paragraph", text=body)])
    found = analyse(article)
    places_named = {(m.text, m.canonical) for m in found.entities if m.type == "PLACE"}
    assert ("U.S.", "United States") in places_named
    assert ("United States", "United States") in places_named
    assert ("U.K.", "United Kingdom") in places_named


def test_country_name_for_a_bare_name():
    assert places.country_name("U.S.") == places.country_name("US") == "United States"
    assert places.country_name("US", place=False) == ""  # may be the pronoun
    assert places.country_name("U.K.", place=False) == "United Kingdom"
    assert places.country_name("ME") == places.country_name("Britain", place=False) == ""
    assert places.country_name("Britain") == "United Kingdom"  # `entity:Britain` finds it


def test_a_state_after_its_city_is_not_a_country():
    names = canonical_names([("Raleigh", "PLACE"), ("N.C.", "PLACE"), ("U.S.", "PLACE")],
                            before=["in ", "in Raleigh, ", "the "])
    assert names == ["Raleigh", "N.C.", "United States"]


def test_a_country_after_a_comma_that_follows_no_place_is_still_the_country():
    # Wikinews (demo corpus): "As Heald told The Huffington Post, US surface ozone has dropped"
    names = canonical_names([("The Huffington Post", "ORG"), ("US", "PLACE")],
                            before=["told ", "As Heald told The Huffington Post, "])
    assert names[1] == "United States"
