"""Who said what, and when: entities, quotes and dates of articles, in one batched pass.

Public interface: `analyse_many(articles, known=None)` (and `analyse_each`, its lazy
form), `analyse(article, known=None)`,
`entity_key(name, type)` and the `KnownEntities` protocol the store implements.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator

from newsdesk.enrich import dates, entities, places, quotes, roles
from newsdesk.enrich.entities import KnownEntities, entity_key
from newsdesk.enrich.nlp import article_texts, locate, parse, sentence_case
from newsdesk.models import Article, EntityMention, Enrichment

__all__ = ["analyse", "analyse_each", "analyse_many", "entity_key", "KnownEntities"]


HEADLINE = -1  # the `block` of an entity mention found in the headline, not the body


def analyse_many(articles: list[Article], known: KnownEntities | None = None) -> list[Enrichment]:
    """Entities, quotes and dates of each article; block indexes and offsets refer to
    article.body (an entity named in the headline has block HEADLINE and offsets in the
    title)."""
    return list(analyse_each(articles, known))


def analyse_each(articles: list[Article], known: KnownEntities | None = None
                 ) -> Iterator[Enrichment]:
    """As analyse_many, one article at a time: the batch is parsed at once (spaCy's speed),
    but each article's names are read only when the one before it has been handed over, so
    a caller that stores each before taking the next lets `known` see it (the second article
    of a batch that says only `Obama` finds the Barack Obama the first one named)."""
    prepared = [article_texts(a) for a in articles]
    docs = list(parse(text for text, _ in prepared))
    is_name = _store_name(known)
    # English headlines only: Title Case is an English habit, and the word frequencies that
    # tell a common word are English ones (a German headline capitalises its nouns)
    heads = list(parse((sentence_case(a.title or "", text, is_name)
                        if (a.language or "en").lower().startswith("en") else a.title or ""
                        for a, (text, _) in zip(articles, prepared)), names_only=True))
    for article, doc, head, (text, starts) in zip(articles, docs, heads, prepared):
        yield _enrich(article, doc, head, text, starts, known)


def _store_name(known: KnownEntities | None):
    """Whether the store has a headline's word or words written so in a name (`Trump` of
    Donald Trump, `Australian`, `Supreme Court`; not `Aim` for AIM), for `sentence_case`;
    one answer per text for the batch. A KnownEntities without `names_written` (it is
    optional) knows none."""
    names_written = getattr(known, "names_written", None)
    if names_written is None:
        return lambda text: False

    @functools.lru_cache(maxsize=4096)
    def is_name(text: str) -> bool:
        words = text.split()
        for name in names_written(entity_key(text)):
            held = name.split()
            if any(held[i:i + len(words)] == words for i in range(len(held) - len(words) + 1)):
                return True
        return False

    return is_name


def analyse(article: Article, known: KnownEntities | None = None) -> Enrichment:
    return analyse_many([article], known)[0]


def _enrich(article: Article, doc, head, text: str, starts: list[int],
            known: KnownEntities | None) -> Enrichment:
    spans = entities.raw_spans(doc, text)
    title = article.title or ""
    head_spans = entities.raw_spans(head, title) if title.strip() else []
    if known is not None:
        spans = entities.known_types(text, spans, known)
        head_spans = entities.known_types(title, head_spans, known)
    # the model runs a headline's names on past a possessive ("Russia’s Central Bank", "Fed’s
    # Daly"), a whole nobody knows: an owner the body or the store names is a name apart
    body_types = {text[s:e]: t for s, e, t in spans}
    head_spans = entities.possessors_apart(
        title, head_spans, lambda owner: body_types.get(owner) or _known_type(owner, known))
    body = [(text[s:e], t) for s, e, t in spans]
    before = [text[max(0, s - 40):s] for s, _, _ in spans]
    names = entities.canonical_names(body, known, before=before)
    # the headline's names take the body's full forms ("Trump" -> Donald Trump), never the
    # other way: a run-on headline span ("Strike Down Trump") must not rename the body's
    head_names = entities.canonical_names(
        body + [(title[s:e], t) for s, e, t in head_spans], known,
        before=before + [title[max(0, s - 40):s] for s, _, _ in head_spans])[len(spans):]
    mentions = []
    for (s, e, t), name in zip(spans, names):
        block, offset = locate(starts, s)
        role = roles.role_of(doc, s, e, text) if t == "PERSON" else ""
        mentions.append(EntityMention(text=text[s:e], type=t, block=block, start=offset,
                                      end=offset + e - s, canonical=name, role=role))
    mentions += _headline_mentions(title, head_spans, head_names, mentions, known, head)
    spans_named = [(s, e, t, n) for (s, e, t), n in zip(spans, names)]
    found_quotes = quotes.find_quotes(doc, text, starts, spans_named)
    found_dates = dates.find_dates(doc, text, starts, article.published_at)
    # a headline's proper-noun tags say nothing in Title Case, where every word has one
    # ("Sowed", "Seeds"): there only its common nouns count; its names come as entities
    nouns = frozenset([t.text.lower() for t in doc if t.tag_.startswith("NN")]
                      + [t.text.lower() for t in head if t.tag_ in ("NN", "NNS")])
    return Enrichment(entities=mentions, quotes=found_quotes, dates=found_dates, nouns=nouns)


def _new_person(title: str, start: int, end: int, head) -> bool:
    """A person the headline alone names, taken when it looks like a full name: two or three
    capitalised words, none an acronym ("Christine Lagarde WSJ"), the last one a singular
    proper noun to the tagger ("Trump Mulls" ends in a plural one). On CoNLL sentences set
    in Title Case as headlines (bench/headline_names.py) this linked 0.70 of their people
    (0.14 before), three in four of those right; a possessive's owner is split off before."""
    words = title[start:end].split()
    tokens = [tok for tok in head if start <= tok.idx < end]
    return (2 <= len(words) <= 3 and bool(tokens) and tokens[-1].tag_ == "NNP"
            and all(w[0].isupper() and not (len(w) > 1 and w.isupper()) and
                    not w.endswith(("'s", "’s", "'", "’")) for w in words))


def _known_type(name: str, known: KnownEntities | None) -> str | None:
    """The type the store links `name` as most, or None where it knows no such name."""
    if known is None:
        return None
    weights = {t: known.weight(entity_key(name, t), t) for t in ("PERSON", "ORG", "PLACE", "NORP")}
    for t in ("PERSON", "ORG"):  # a short form (`Fed`, `Trump`) of a longer name
        if known.lookup(entity_key(name, t), t):
            weights[t] += 1
    best = max(weights, key=weights.get)
    return best if weights[best] > 0 else None


def _headline_mentions(title: str, spans: list[tuple[int, int, str]], names: list[str],
                       body: list[EntityMention], known: KnownEntities | None, head=None
                       ) -> list[EntityMention]:
    """The names a headline gives: those the body or the store already has, and a person's
    full name (`_new_person`). A feed's teaser often names nobody in its one sentence and
    everybody in its headline (a quarter of the demo's articles had no entity). But the
    model misreads headlines, even read in sentence case (nlp.sentence_case): it runs names
    on ("Trump Mulls", "Christine Lagarde WSJ"), so any other new name is left out."""
    in_body = {(m.canonical, m.type) for m in body}
    out = []
    for (s, e, t), name in zip(spans, names):
        if (name, t) not in in_body and not (
                known is not None and known.weight(entity_key(name, t), t) > 0) and not (
                t == "PERSON" and head is not None and _new_person(title, s, e, head)) and not (
                # a country is a name whoever writes it ("Vietnam’s growth is fast—but fragile"
                # over a teaser naming nothing)
                t == "PLACE" and title[s:e] in places.country_names()):
            continue
        out.append(EntityMention(text=title[s:e], type=t, block=HEADLINE, start=s, end=e,
                                 canonical=name))
    return out
