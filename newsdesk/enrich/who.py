"""Who said what, and when: entities, quotes and dates of articles, in one batched pass.

Public interface: `analyse_many(articles, known=None)`, `analyse(article, known=None)`,
`entity_key(name, type)` and the `KnownEntities` protocol the store implements.
"""
from __future__ import annotations

from newsdesk.enrich import dates, entities, quotes
from newsdesk.enrich.entities import KnownEntities, entity_key
from newsdesk.enrich.nlp import article_texts, locate, parse
from newsdesk.models import Article, EntityMention, Enrichment

__all__ = ["analyse", "analyse_many", "entity_key", "KnownEntities"]


def analyse_many(articles: list[Article], known: KnownEntities | None = None) -> list[Enrichment]:
    """Entities, quotes and dates of each article; block indexes and offsets refer to
    article.body."""
    prepared = [article_texts(a) for a in articles]
    docs = parse(text for text, _ in prepared)
    return [_enrich(article, doc, text, starts, known)
            for article, doc, (text, starts) in zip(articles, docs, prepared)]


def analyse(article: Article, known: KnownEntities | None = None) -> Enrichment:
    return analyse_many([article], known)[0]


def _enrich(article: Article, doc, text: str, starts: list[int],
            known: KnownEntities | None) -> Enrichment:
    spans = entities.raw_spans(doc, text)
    if known is not None:
        spans = entities.known_types(text, spans, known)
    names = entities.canonical_names([(text[s:e], t) for s, e, t in spans], known,
                                     before=[text[max(0, s - 40):s] for s, _, _ in spans])
    mentions = []
    for (s, e, t), name in zip(spans, names):
        block, offset = locate(starts, s)
        role = entities.role_of(doc, s, e, text) if t == "PERSON" else ""
        mentions.append(EntityMention(text=text[s:e], type=t, block=block, start=offset,
                                      end=offset + e - s, canonical=name, role=role))
    spans_named = [(s, e, t, n) for (s, e, t), n in zip(spans, names)]
    found_quotes = quotes.find_quotes(doc, text, starts, spans_named)
    found_dates = dates.find_dates(doc, text, starts, article.published_at)
    return Enrichment(entities=mentions, quotes=found_quotes, dates=found_dates)
