"""The search query language: parse to a small tree, compile to SQLite FTS5 or PostgreSQL.

    "export controls" AND (Japan OR Korea) -tariff section:Politics after:2025-11-01

Words, "phrases", AND / OR / NOT / -word, parentheses (AND binds tighter than OR; words side
by side are ANDed), `word*` prefixes, and fields: title: (words in the title), source:,
section:, entity:, keyword: (an article's key phrase, whole), speaker:, after: and before:
(dates, `before` exclusive). A field applies
to a word, a phrase or a parenthesised group.

Hand-written recursive descent: the grammar is a dozen lines, and errors must name the
character where they occur; luqum (Lucene syntax, ply-based) has no `after:` dates or our
field semantics, and pyparsing's error positions point at where backtracking gave up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable
from datetime import datetime, timezone

from ..errors import QueryError

TEXT_FIELDS = ("title",)  # fields the full-text index answers
META_FIELDS = ("source", "section", "entity", "keyword", "speaker", "after", "before")
FIELDS = TEXT_FIELDS + META_FIELDS
WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY = 500
_TOKEN = re.compile(r'\s+|(?P<lp>\()|(?P<rp>\))|(?P<q>")|(?P<w>[^\s()"]+)')


@dataclass(frozen=True, slots=True)
class Leaf:
    value: str
    field: str = ""  # "" for the whole text
    phrase: bool = False
    pos: int = 0


@dataclass(frozen=True, slots=True)
class And:
    items: tuple


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple


@dataclass(frozen=True, slots=True)
class Not:
    item: object


# -- lexing and parsing ----------------------------------------------------------------
def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, position): kinds ( ) phrase word AND OR NOT - field."""
    out: list[tuple[str, str, int]] = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m.group("lp"):
            out.append(("(", "(", i))
        elif m.group("rp"):
            out.append((")", ")", i))
        elif m.group("q"):
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError("a quote is not closed", i)
            out.append(("phrase", text[i + 1:end], i))
            i = end + 1
            continue
        elif m.group("w"):
            word = m.group("w")
            if word in ("AND", "OR", "NOT"):
                out.append((word, word, i))
            elif word.startswith("-") and len(word) > 1 and (not out or out[-1][0] != "field"):
                out.append(("-", "-", i))
                i += 1
                continue
            elif ":" in word and re.match(r"[A-Za-z]+:", word):
                name, _, rest = word.partition(":")
                if name.lower() not in FIELDS and not rest:  # "Williams: ..." is a word
                    out.append(("word", word, i))
                    i = m.end()
                    continue
                if name.lower() not in FIELDS:
                    raise QueryError(f"unknown field '{name}:'; fields are "
                                     + ", ".join(f + ":" for f in FIELDS), i)
                out.append(("field", name.lower(), i))
                i += len(name) + 1
                continue
            elif WORD.search(word):  # bare punctuation ("-", "&") pasted with a title: skip
                out.append(("word", word, i))
        i = m.end()
    return out


# Brackets and NOTs nest at most this deep: each level is a few frames of this recursive
# parser (and of the compilers that walk the tree), and 250 levels of "((((a))))" ran out
# of Python's stack, a 500. No query a person writes comes near.
MAX_NESTING = 32


class _Parser:
    # A class only for the cursor over the token list; the tree it builds is plain data.
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def deeper(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise QueryError(f"brackets and NOTs nest more than {MAX_NESTING} deep", pos)

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self):
        if not self.toks:
            raise QueryError("the query is empty", 0)
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:
            raise QueryError("')' has no '(' to close" if tok[0] == ")"
                             else f"unexpected '{tok[1]}'", tok[2])
        return node

    def or_expr(self):
        items = [self.and_expr()]
        while (tok := self.peek()) and tok[0] == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self):
        items = [self.unary()]
        while (tok := self.peek()) and tok[0] not in ("OR", ")"):
            if tok[0] == "AND":
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self):
        tok = self.peek()
        if tok is None:
            raise QueryError("the query ends where a word was expected", len(self.text))
        if tok[0] in ("NOT", "-"):
            self.take()
            self.deeper(tok[2])
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.primary("")

    def primary(self, field: str):
        tok = self.peek()
        if tok is None:
            raise QueryError("the query ends where a word was expected", len(self.text))
        kind, value, pos = self.take()
        if kind == "(":
            self.deeper(pos)
            node = self.or_expr()
            close = self.peek()
            if close is None or close[0] != ")":
                raise QueryError("'(' is not closed", pos)
            self.take()
            self.depth -= 1
            return _with_field(node, field, pos) if field else node
        if kind == "field":
            if field:
                raise QueryError(f"a field inside the field '{field}:'", pos)
            nxt = self.peek()
            if nxt is None or nxt[0] not in ("word", "phrase", "("):
                raise QueryError(f"'{value}:' needs a value right after it", pos)
            if nxt[2] != pos + len(value) + 1:
                raise QueryError(f"no space may follow '{value}:'", pos)
            return self.primary(value)
        if kind in ("word", "phrase"):
            return _leaf(value, field, kind == "phrase", pos)
        if kind == ")":
            raise QueryError("')' where a word was expected", pos)
        raise QueryError(f"'{value}' needs a word on each side", pos)


def _with_field(node, field: str, pos: int):
    if isinstance(node, Leaf):
        return _leaf(node.value, field, node.phrase, node.pos)
    if isinstance(node, Not):
        return Not(_with_field(node.item, field, pos))
    return type(node)(tuple(_with_field(n, field, pos) for n in node.items))


def _leaf(value: str, field: str, phrase: bool, pos: int) -> Leaf:
    if field in ("after", "before"):
        parse_date(value, pos)
    elif not phrase and not WORD.search(value):
        raise QueryError(f"'{value}' has no letters or digits to search for", pos)
    return Leaf(value=value, field=field, phrase=phrase, pos=pos)


def parse_date(value: str, pos: int = 0) -> datetime:
    """YYYY, YYYY-MM or YYYY-MM-DD as the first instant of that period, UTC."""
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise QueryError(f"'{value}' is not a date (write YYYY-MM-DD, YYYY-MM or YYYY)", pos)


def parse(text: str):
    """The query as a tree of Leaf/And/Or/Not; QueryError (with a position) when it cannot."""
    if len(text) > MAX_QUERY:
        raise QueryError(f"the query is longer than {MAX_QUERY} characters", MAX_QUERY)
    return _Parser(text).parse()


# -- questions about a tree ---------------------------------------------------------------
def is_text(node) -> bool:
    """True when the full-text index alone answers this subtree."""
    if isinstance(node, Leaf):
        return node.field in ("",) + TEXT_FIELDS
    if isinstance(node, Not):
        return is_text(node.item)
    return all(is_text(n) for n in node.items)


def positive_words(node, with_fields: bool = False) -> list[str]:
    """Words the reader wants to see (not negated), for highlighting and for semantic search."""
    if isinstance(node, Leaf):
        if node.field and node.field not in TEXT_FIELDS and not with_fields:
            return []
        return WORD.findall(node.value)
    if isinstance(node, Not):
        return []
    return [w for n in node.items for w in positive_words(n, with_fields)]


def with_short_forms(node, names_for: Callable[[str], list[str]]):
    """The query with each bare word that articles use for one organisation (`GM`, `Fed`,
    `UAW`) also matching the organisation's name, as a phrase: `GM bankruptcy` finds
    "General Motors seeks bankruptcy protection". `names_for(word)` gives the names a word
    stands for (the store's short forms). A word of several organisations, a name holding
    the word itself (`Commission`: European Commission adds nothing), a phrase, a field, a
    prefix and a negated word stay as typed."""
    if isinstance(node, Leaf):
        if node.field or node.phrase or node.value.endswith("*") or not WORD.fullmatch(node.value):
            return node
        names = names_for(node.value)
        if len(names) != 1 or node.value.lower() in WORD.findall(names[0].lower()):
            return node
        return Or((node, Leaf(value=names[0], phrase=True, pos=node.pos)))
    if isinstance(node, (And, Or)):
        return type(node)(tuple(with_short_forms(n, names_for) for n in node.items))
    return node


def conjuncts(node) -> list:
    return list(node.items) if isinstance(node, And) else [node]


# -- SQLite FTS5 --------------------------------------------------------------------------
def fts_leaf(leaf: Leaf) -> str:
    # Each word quoted, so no input is read as FTS5 syntax; a hyphenated word is a phrase.
    words = WORD.findall(leaf.value)
    prefix = " *" if leaf.value.endswith("*") and not leaf.phrase and len(words) == 1 else ""
    expr = '"' + " ".join(words) + '"' + prefix
    return f"title : {expr}" if leaf.field == "title" else expr


def to_fts(node) -> str | None:
    """The subtree as an FTS5 MATCH expression, or None when FTS5 cannot say it (a NOT with
    nothing positive beside it)."""
    if isinstance(node, Leaf):
        return fts_leaf(node) if is_text(node) else None
    if isinstance(node, Not):
        return None
    if isinstance(node, Or):
        parts = [to_fts(n) for n in node.items]
        return None if None in parts else "(" + " OR ".join(parts) + ")"
    pos = [n for n in node.items if not isinstance(n, Not)]
    neg = [n.item for n in node.items if isinstance(n, Not)]
    parts = [to_fts(n) for n in pos]
    negs = [to_fts(n) if is_text(n) else None for n in neg]
    if not parts or None in parts or None in negs:
        return None
    expr = "(" + " AND ".join(parts) + ")"
    for n in negs:
        expr = f"({expr} NOT {n})"
    return expr


# -- PostgreSQL to_tsquery ----------------------------------------------------------------
def tsq_leaf(leaf: Leaf) -> str:
    words = WORD.findall(leaf.value)
    weight = ":A" if leaf.field == "title" else ""
    prefix = "*" if leaf.value.endswith("*") and not leaf.phrase and len(words) == 1 else ""
    # Quoted, a multi-word string is a phrase to to_tsquery; \w+ words need no escaping.
    return "'" + " ".join(words) + "'" + (":" + prefix + weight[1:] if prefix or weight else "")


def to_tsquery(node) -> str | None:
    """The subtree as to_tsquery text, or None when it has metadata fields."""
    if not is_text(node):
        return None
    if isinstance(node, Leaf):
        return tsq_leaf(node)
    if isinstance(node, Not):
        return "!(" + to_tsquery(node.item) + ")"
    joiner = " | " if isinstance(node, Or) else " & "
    return "(" + joiner.join(to_tsquery(n) for n in node.items) + ")"


# -- SQL for anything -----------------------------------------------------------------------
def meta_sql(leaf: Leaf) -> tuple[str, list]:
    """A metadata field as a predicate on `a` (articles) and `s` (sources)."""
    value = leaf.value.strip()
    if leaf.field == "after":
        return "a.published_at >= ?", [parse_date(value, leaf.pos)]
    if leaf.field == "before":
        return "a.published_at < ?", [parse_date(value, leaf.pos)]
    if leaf.field == "section":
        return "LOWER(a.section) = ?", [value.lower()]
    if leaf.field == "source":
        # A sub-select on the small sources table, so the articles' source index does the rest.
        sql, params = source_sql(value)
        return f"a.source_id IN (SELECT s.id FROM sources s WHERE {sql})", params
    if leaf.field == "entity":
        from ..enrich.names import name_keys  # not entities.py: that loads spaCy (0.5-1.4 s)

        # `entity:U.S.` also finds the entity the who stage files it under (United States),
        # `entity:Ford Motor Company` the Ford its articles name; `entity:General Motors`: a
        # person's title is not stripped from an organisation's name
        keys = name_keys(value) or [""]
        marks = ", ".join("?" * len(keys))
        # and the entities articles called by that short form (`entity:GM`: General Motors)
        return ("a.id IN (SELECT ae.article_id FROM article_entities ae JOIN entities e ON "
                f"e.id = ae.entity_id WHERE e.key IN ({marks}) OR e.id IN (SELECT f.entity_id "
                f"FROM entity_short_forms f WHERE f.key IN ({marks})))", keys + keys)
    if leaf.field == "keyword":
        # a whole key phrase in any case, as the keyword facet lists them (index 0014)
        return ("a.id IN (SELECT k.article_id FROM article_keywords k WHERE "
                "LOWER(k.keyword) = ?)", [" ".join(value.lower().split())])
    if leaf.field == "speaker":
        return ("a.id IN (SELECT q.article_id FROM quotes q WHERE LOWER(q.speaker) LIKE ?)",
                [f"%{value.lower()}%"])
    raise QueryError(f"unknown field '{leaf.field}:'", leaf.pos)


def source_host(text: str) -> str:
    """The host a site or a typed value names, without scheme, port, path or `www.`
    (`https://www.AP.org/news` -> `ap.org`); "" when it cannot be a host."""
    text = text.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    host = re.split(r"[/?#:]", text, maxsplit=1)[0].strip(".")
    host = host[4:] if host.startswith("www.") else host
    return "" if not host or re.search(r"\s", host) else host


def source_sql(value: str) -> tuple[str, list]:
    """`source:` as a predicate on `s` (sources): the whole name (with or without a leading
    "The"), or the site's host (with or without www.), case-insensitively. Not a substring: `source:AP` must not match "Japan
    Times". The text index (textindex.py) looks the sources up with this same predicate."""
    name = " ".join(value.split()).lower()
    # Outlets are named with and without their article ("The Economist", `source:economist`).
    bare = name[4:] if name.startswith("the ") else name
    host = source_host(value)
    esc = re.sub(r"([\\%_])", r"\\\1", host)
    likes = [scheme + www + esc + rest for scheme in ("", "%://") for www in ("", "www.")
             for rest in ("", "/%", ":%")] if host else []
    sql = "LOWER(s.name) IN (?, ?)" + "".join(" OR LOWER(s.site) LIKE ? ESCAPE '\\'" for _ in likes)
    return f"({sql})", [bare, "the " + bare, *likes]


def to_sql(node, dialect: str) -> tuple[str, list]:
    """Any subtree as a WHERE predicate; text parts become sub-selects on the text index."""
    if is_text(node):
        if dialect == "sqlite":
            fts = to_fts(node)
            if fts is not None:
                return ("a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)",
                        [fts])
        else:
            return "a.tsv @@ to_tsquery('newsdesk_english', ?)", [to_tsquery(node)]
    if isinstance(node, Leaf):
        return meta_sql(node)
    if isinstance(node, Not):
        sql, params = to_sql(node.item, dialect)
        return f"NOT ({sql})", params
    parts = [to_sql(n, dialect) for n in node.items]
    joiner = " OR " if isinstance(node, Or) else " AND "
    return ("(" + joiner.join(p[0] for p in parts) + ")",
            [v for p in parts for v in p[1]])


def split(node, dialect: str) -> tuple[str | None, str, list]:
    """(text match for ranking, other predicates, their params) for a whole query.

    The conjuncts the text index can answer together become one MATCH (or tsquery) that
    ranks; the rest are SQL predicates beside it.
    """
    items = conjuncts(node)
    text = [n for n in items if is_text(n)]
    others = [n for n in items if not is_text(n)]
    match = None
    if text:
        whole = text[0] if len(text) == 1 else And(tuple(text))
        match = to_fts(whole) if dialect == "sqlite" else (
            to_tsquery(whole) if positive_words(whole) else None)
        if match is None:  # nothing positive to rank by: filter only
            others = items
    preds = [to_sql(n, dialect) for n in others]
    return (match, " AND ".join(p[0] for p in preds),
            [v for p in preds for v in p[1]])
