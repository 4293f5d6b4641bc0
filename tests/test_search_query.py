"""The query language: what parses to what, what each backend is asked, and where errors are."""
from __future__ import annotations

import pytest

from newsdesk.errors import QueryError
from newsdesk.search.query import And, Leaf, Not, Or, parse, positive_words, split, to_fts, \
    to_tsquery


def test_the_analysts_exact_question():
    tree = parse('"export controls" AND (Japan OR Korea) -tariff section:Politics '
                 'after:2025-11-01')
    assert isinstance(tree, And) and len(tree.items) == 5
    assert tree.items[0] == Leaf("export controls", "", True, 0)
    assert isinstance(tree.items[1], Or)
    assert tree.items[2] == Not(Leaf("tariff", "", False, 40))
    match, preds, params = split(tree, "sqlite")
    assert match == '(("export controls" AND ("Japan" OR "Korea")) NOT "tariff")'
    assert preds == "LOWER(a.section) = ? AND a.published_at >= ?"
    assert params[0] == "politics" and params[1].isoformat().startswith("2025-11-01")
    pg_match, _, _ = split(tree, "postgres")
    assert pg_match == "('export controls' & ('Japan' | 'Korea') & !('tariff'))"


def test_precedence_and_implicit_and():
    assert parse("a OR b c") == Or((Leaf("a", pos=0), And((Leaf("b", pos=5), Leaf("c", pos=7)))))
    assert parse("NOT a") == Not(Leaf("a", pos=4))


def test_fields_apply_to_groups_and_compile_per_backend():
    tree = parse("title:(china japan) supply-chain")
    assert to_fts(tree) == '((title : "china" AND title : "japan") AND "supply chain")'
    assert to_tsquery(tree) == "(('china':A & 'japan':A) & 'supply chain')"
    assert positive_words(tree) == ["china", "japan", "supply", "chain"]


def test_input_is_never_fts_syntax():
    # FTS5 operators and prefixes typed as words are searched as words; an FTS5 column
    # name that is not one of our fields is an error, not a column filter.
    with pytest.raises(QueryError):
        parse("body:x")
    assert to_fts(parse("NEAR(a b) x*")) == '("NEAR" AND ("a" AND "b") AND "x" *)'


def test_negation_alone_filters_without_ranking():
    match, preds, params = split(parse("-tariff"), "sqlite")
    assert match is None and preds.startswith("NOT (a.id IN (SELECT rowid FROM article_fts")
    assert params == ['"tariff"']


def test_punctuation_and_colons_in_pasted_titles_are_words():
    assert parse("Hey, Jamal Williams: Hire a Driver - now") is not None
    assert positive_words(parse("10:30 train")) == ["10", "30", "train"]


@pytest.mark.parametrize("query, position, words", [
    ('"export controls" AND (Japan', 22, "not closed"),
    ("Japan OR", 8, "ends where a word"),
    ('"export controls', 0, "quote is not closed"),
    ("colour:red", 0, "unknown field"),
    ("after:2025-13-01", 6, "not a date"),
    ("Japan )", 6, "no '('"),
    ("AND Japan", 0, "needs a word on each side"),
    ("", 0, "empty"),
    ("title: Japan", 0, "no space may follow"),
    ("x" * 501, 500, "longer than"),
    # 250 levels ran this recursive parser out of stack: a 500 on every search route
    ("(" * 249 + "a" + ")" * 249, 32, "nest more than 32 deep"),
    ("NOT " * 100 + "a", 128, "nest more than 32 deep"),
])
def test_errors_say_where(query, position, words):
    with pytest.raises(QueryError) as err:
        parse(query)
    assert err.value.position == position
    assert words in str(err.value) and f"at character {position}" in str(err.value)
