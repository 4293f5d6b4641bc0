"""What the pages and the API show of stories and wire copies, as plain dicts."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..enrich.summary import body_sentences, leans_back
from ..models import Article, DateMention, Quote, Story
from ..store.base import ArticleFilter, Store
from .dedup import changes

STORY_ARTICLES = 200
QUOTE_SPEAKERS = 8  # speakers shown on a story page, most quoted first
SPEAKER_QUOTES = 5  # quotes shown per speaker
CONTEXT_SENTENCES = 2  # the most a timeline entry borrows from before it
SAME_QUOTE = 0.8  # word overlap at which two quotes are one (wire copies retouch a word or two)


def _iso(dt) -> str | None:
    return dt.isoformat() if dt else None


def wire_copies(store: Store, article: Article) -> dict[str, Any] | None:
    """The other outlets that ran this article's wire text, the first copy, and what this
    copy changed against the first."""
    group = store.wire_group_of(article.id)
    if group is None:
        return None
    members = dict(store.wire_members(group))
    found = store.list_articles(ArticleFilter(ids=list(members), limit=len(members)))
    found.sort(key=lambda a: (a.published_at is None, a.published_at or 0, a.id))
    first = found[0]
    copies = []
    for a in found:
        copies.append({"id": a.id, "title": a.title, "source": a.source.name,
                       "published_at": _iso(a.published_at), "first": a.id == first.id,
                       "similarity": members.get(a.id, 1.0),
                       "changes": [] if a.id == first.id else changes(first.paragraphs,
                                                                      a.paragraphs)})
    return {"group_id": group, "first_id": first.id, "copies": copies}


def story_brief(s: Story) -> dict[str, Any]:
    """A story's header: what lists show of it, and what its page starts from."""
    return {"id": s.id, "title": s.title, "summary": s.summary, "section": s.section,
            "first_seen": _iso(s.first_seen), "last_seen": _iso(s.last_seen),
            "articles": s.article_count, "outlets": s.source_count, "keywords": s.keywords}


def story_full(store: Store, story_id: int) -> dict[str, Any]:
    """A story's whole coverage: header, outlets, articles (wire copies collapsed), timeline."""
    target = store.merged_into(story_id)
    if target is not None:
        return story_full(store, target)
    data = story_brief(store.get_story(story_id))
    articles = store.list_articles(ArticleFilter(story_id=story_id, limit=STORY_ARTICLES))
    articles.sort(key=lambda a: (a.published_at is None, a.published_at or 0, a.id))
    groups = store.wire_groups([a.id for a in articles])
    shown, by_group = [], {}
    for a in articles:
        g = groups.get(a.id)
        if g is not None and g in by_group:
            by_group[g]["also"].append({"id": a.id, "source": a.source.name})
            continue
        item = {"id": a.id, "title": a.title, "kicker": a.kicker, "source": a.source.name,
                "published_at": _iso(a.published_at), "summary": a.summary, "also": []}
        if g is not None:
            by_group[g] = item
        shown.append(item)
    outlets: dict[str, int] = {}
    for a in articles:
        outlets[a.source.name] = outlets.get(a.source.name, 0) + 1
    ids = [a.id for a in articles]  # dates and quotes of all at once, not a query per article
    data.update({"items": shown, "outlets": [{"name": k, "articles": v}
                                             for k, v in sorted(outlets.items())],
                 "timeline": _timeline(articles, store.dates_of_articles(ids))[:100],
                 "quotes": _quotes_by_speaker(articles, store.quotes_of_articles(ids)),
                 "published": [{"date": _iso(a.published_at), "article_id": a.id,
                                "source": a.source.name} for a in articles if a.published_at]})
    return data


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKD", text.casefold()))


def _timeline(articles: list[Article],
              dates: dict[int, list[DateMention]]) -> list[dict[str, Any]]:
    """One entry per sentence that dates something, with every date it gives, in order of its
    earliest date. A sentence repeated by wire copies is one entry (the first outlet's). A
    date the sentence only compares with ("its lowest level since 2003") places nothing."""
    entries: dict[tuple[str, ...], dict[str, Any]] = {}
    for a in articles:
        for d in dates[a.id]:
            if d.role == "reference":
                continue
            key = tuple(_words(d.sentence))
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = {"text": d.sentence, "article_id": a.id,
                                        "source": a.source.name, "dates": []}
            elif entry["article_id"] != a.id:
                continue  # another outlet's copy of a sentence already listed
            if all(x["value"] != d.value for x in entry["dates"]):
                entry["dates"].append({"value": d.value, "granularity": d.granularity,
                                       "text": d.text})
    by_id = {a.id: a for a in articles}
    split: dict[int, list[str]] = {}  # an article's sentences, split once for all its entries
    timeline = []
    for entry in entries.values():
        entry["context"] = ""
        if leans_back(entry["text"]):
            aid = entry["article_id"]
            if aid not in split:
                split[aid] = [s for _, s in body_sentences(by_id[aid])]
            entry["context"] = _context(split[aid], entry["text"])
        entry["dates"].sort(key=lambda x: x["value"])
        first = entry["dates"][0]  # "date" and "granularity" stay: what sorts the entry
        timeline.append({"date": first["value"], "granularity": first["granularity"], **entry})
    timeline.sort(key=lambda t: (t["date"], t["article_id"]))
    return timeline


def _context(sentences: list[str], sentence: str) -> str:
    """What a sentence of an article (its `sentences`) that leans on the one before ("He
    was released on bail on Thursday.", "It ended up 1.2%") leans on: that sentence, and
    the one before it too where it leans in turn (CONTEXT_SENTENCES at most). A timeline
    lists sentences out of their articles, and without it the reader cannot tell who or
    what they are about. "" for one that opens its article or is not the body's own words."""
    # the dates stage's parser may end a sentence elsewhere (around a quotation) than the
    # summary's splitter: the one that starts alike is it
    head = sentence[:40]
    at = next((i for i, s in enumerate(sentences) if s == sentence), None)
    if at is None:
        at = next((i for i, s in enumerate(sentences) if s[:40] == head), None)
    if at is None:
        return ""
    start = at - 1  # the sentence before, and the one before that while it leans too
    while start > 0 and at - start < CONTEXT_SENTENCES and leans_back(sentences[start]):
        start -= 1
    start = max(start, 0)
    return " ".join(sentences[start:at])


def _same_quote(a: set[str], b: set[str]) -> bool:
    """Near-duplicates: one quote's words nearly all in the other's (a wire copy that trimmed
    or retouched it, or the same words quoted again in a later article)."""
    small = min(len(a), len(b))
    return small > 0 and len(a & b) >= SAME_QUOTE * small


def _quotes_by_speaker(articles: list[Article],
                       quotes: dict[int, list[Quote]]) -> list[dict[str, Any]]:
    """The direct quotes of the story's articles grouped by speaker (the resolved entity, else
    the name), each once however many copies repeat it, with the article it is from (the
    earliest). Most-quoted speakers first, capped."""
    speakers: dict[object, dict[str, Any]] = {}
    for a in articles:  # oldest first, so a quote links its first appearance
        for q in quotes[a.id]:
            if q.kind != "direct" or not q.speaker.strip() or not q.text.strip():
                continue
            key = q.speaker_entity_id or q.speaker.strip().casefold()
            sp = speakers.setdefault(key, {"entity_id": q.speaker_entity_id, "names": {},
                                           "quotes": [], "articles": set()})
            sp["names"][q.speaker.strip()] = sp["names"].get(q.speaker.strip(), 0) + 1
            sp["articles"].add(a.id)
            _add_quote(sp["quotes"], q, a)
    ranked = sorted(speakers.values(),
                    key=lambda sp: (-len(sp["quotes"]), -len(sp["articles"]),
                                    max(sp["names"], key=sp["names"].get).casefold()))
    out = []
    for sp in ranked[:QUOTE_SPEAKERS]:
        quotes = [{k: v for k, v in q.items() if k != "words"} for q in sp["quotes"]]
        out.append({"speaker": {"name": max(sp["names"], key=sp["names"].get),
                                "entity_id": sp["entity_id"]},
                    "count": len(quotes), "articles": len(sp["articles"]),
                    "quotes": quotes[:SPEAKER_QUOTES]})
    return out


def _add_quote(quotes: list[dict[str, Any]], q: Quote, a: Article) -> None:
    words = set(_words(q.text))
    for seen in quotes:
        if _same_quote(words, seen["words"]):
            if a.id != seen["article"]["id"] and \
                    all(x["id"] != a.id for x in seen["also"]):
                seen["also"].append({"id": a.id, "source": a.source.name})
            return
    quotes.append({"text": q.text, "cue": q.cue, "speaker_role": q.speaker_role,
                   "said_to": q.said_to, "words": words,
                   "article": {"id": a.id, "title": a.title, "source": a.source.name,
                               "published_at": _iso(a.published_at)},
                   "also": []})


def top_stories(store: Store, section: str, limit: int = 3) -> list[dict[str, Any]]:
    """A section's stories with the widest coverage among its most recent ones."""
    recent = store.list_stories(section=section, limit=limit * 5)
    recent.sort(key=lambda s: (-s.source_count, -s.article_count))
    return [story_brief(s) for s in recent[:limit] if s.article_count > 1]

