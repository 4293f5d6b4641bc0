"""The story stage: wire-copy detection then online clustering, one article at a time.

Each article is assigned inside one transaction that first takes the story lock row
(`store.lock_stories()`), then re-reads the candidate stories: two workers adding articles of
the same event at once take turns, and the second sees the story the first created.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from ..enrich.keywords import is_general
from ..enrich.summary import drawn_from, outlet_count, summarise_story
from ..models import Article, Source, Story
from . import cluster, dedup

if TYPE_CHECKING:
    from ..pipeline import Stage
    from ..store.base import Store

VERSION = 12  # 2: a story's summary draws on each outlet's lead and says how many outlets;
# 3: keywords without stop words or figures, a name once and written as its articles write
# it; summary sentences end with a stop; 4, 5: a story summary draws on up to 8 articles (each
# outlet's lead first), passes over sentences that lean on what came before and is as long
# as an article's; 6: no word as general as "president" among a story's keywords, names
# written as their entities are;
# 7: nor a general word that only a capital letter made a name ("President Trump");
# 8: a summary drawn from several days tells them in time order; keywords as who v11 writes them
# 9: nor a sentence that ends leaning back ("..., however."); names as who v14 writes them
# 10: names as who v15 writes them
# 11: names as who v16 writes them; a place and its people are one shared word ("China");
# a summary passes over a teaser's question; 12: nor a sentence opening on a connective set
# off by a comma ("In addition, ...", "In contrast, ...")
MAX_COPY_CANDIDATES = 10
MAX_SUMMARY_ARTICLES = 8  # a story summary draws on this many articles at most
KEYWORD_ARTICLES = 50  # a story's keywords are written as this many of its newest articles do
NAME_ARTICLES = 10  # ... or as the entities of this many of them are named
STORY_KEYWORDS = 8
# Copies are looked for among articles published within this many days either way (a
# back-filled archive may bring the copy before its original): candidates that share only a
# boilerplate or quoted passage grow with the archive, and each costs an exact check.
COPY_WINDOW = timedelta(days=7)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def find_copy(store: "Store", article: Article) -> tuple[int | None, float, list[int]]:
    """The stored article this one copies (best match), its similarity, and its LSH bands."""
    sh = dedup.shingles(article.text)
    if len(sh) < dedup.MIN_SHINGLES:
        return None, 0.0, []
    bands = dedup.band_keys(dedup.signature(sh))
    best, score = None, 0.0
    when = article.published_at or article.fetched_at
    window = (when - COPY_WINDOW, when + COPY_WINDOW) if when else (None, None)
    for cid in store.dedup_candidates(bands, MAX_COPY_CANDIDATES + 1, *window):
        if cid == article.id:
            continue
        ok, sim = dedup.is_copy(sh, dedup.shingles(store.get_article(cid).text))
        if ok and sim > score:
            best, score = cid, sim
    return best, score, bands


def record_copy(store: "Store", article: Article) -> int | None:
    """Find and record the wire copy this article is of; returns the copied article's id."""
    copied, sim, bands = find_copy(store, article)
    if copied is not None:
        group = store.wire_group_of(copied)
        if group is None:
            group = copied
            store.set_wire_copy(copied, group, 1.0)
        store.set_wire_copy(article.id, group, round(sim, 4))
    store.add_dedup_bands(article.id, bands, article.published_at or article.fetched_at)
    return copied


def one_line(text: str, limit: int = 240) -> str:
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0] if text.strip() else ""
    return first if len(first) <= limit else first[:limit - 1].rsplit(" ", 1)[0] + "…"


def summary_sources(rows: list[dict], headline: dict[int, float],
                    limit: int = MAX_SUMMARY_ARTICLES) -> list[Article]:
    """What a story summary draws on: each outlet's article that best names the story (the
    outlets with most articles first), then, while fewer than `limit`, the story's other
    articles that best name it. A story that one outlet covered in several pieces (a feed's
    seven teasers on one war) draws on all of them, not on one teaser that leans on its
    headline ("What comes next would present its own set of challenges."). Their summaries
    (given, or generated from their bodies by the summary stage, which runs before this one)
    stand in for the bodies, so the summary costs no body reads inside the story lock."""
    by_outlet: dict[int, list[dict]] = {}
    for r in rows:
        by_outlet.setdefault(r["source_id"], []).append(r)
    outlets = sorted(by_outlet.values(), key=lambda rs: (-len(rs), rs[0]["id"]))[:limit]
    best = [max(rs, key=lambda r: (headline[r["id"]], -r["id"])) for rs in outlets]
    taken = {r["id"] for r in best}
    rest = sorted((r for r in rows if r["id"] not in taken),
                  key=lambda r: (-headline[r["id"]], r["id"]))
    return [Article(url="", title=r["title"], source=Source(name="", id=r["source_id"]),
                    summary=r["summary"] or r["title"], id=r["id"],
                    published_at=r["published_at"])
            for r in (best + rest)[:limit]]


def story_keywords_of(store: "Store", rows: list[dict], centroid: dict[str, float]) -> list[str]:
    """The story's keywords: its centroid's heaviest terms (`cluster.display_terms`), written
    as its newest articles write them where their own keywords (the who stage's) or entity
    names have them ("Donald Trump", "United States", not the centroid's lower case)."""
    newest = [r["id"] for r in rows[-KEYWORD_ARTICLES:]]
    written: dict[str, str] = {}
    for phrases in store.keywords_of_articles(newest).values():
        for phrase in phrases:
            written.setdefault(phrase.lower(), phrase)
    from_keywords = bool(written)
    terms = cluster.display_terms(centroid, STORY_KEYWORDS + 4)
    if any(t not in written for t in terms):  # "United States", not "united states", where
        # no keyword wrote it: its entity's name, from the newest few articles (this runs
        # inside the story lock on every arrival; asked of all 50 it cost the stage 4%)
        for named in store.entities_of_articles(newest[-NAME_ARTICLES:]).values():
            for entity in named:
                written.setdefault(entity.name.lower(), entity.name)
    # One word is a keyword where an article's keyword or entity writes it. The centroid
    # alone cannot tell a noun from a verb ("threatens") nor a name from a title that a
    # capital letter made a name term ("President Trump" -> "president"); articles' keywords
    # can (the who stage's tagger), so the centroid's word stands alone only in a store
    # without keywords, and then not a word as general as "president"
    terms = [t for t in terms if t in written or " " in t
             or not (from_keywords or is_general(t))]
    return [written.get(t, t) for t in terms[:STORY_KEYWORDS]]


def story_section(rows: list[dict], lead: dict) -> str:
    """The section most of a story's articles are in (Uncategorised ones aside), else its
    lead's."""
    sections = Counter(r["section"] for r in rows if r["section"] and r["section"] != "Uncategorised")
    return sections.most_common(1)[0][0] if sections else (lead["section"] or "")


def refresh_story_sections(store: "Store", story_ids: set[int]) -> None:
    """Re-derive these stories' sections from their articles'. The section stage calls it
    when it re-classifies articles already placed in stories (`newsdesk train-sections`, a new
    section model): a fresh demo store, whose classifier is trained after its articles are
    placed, left 58 stories Uncategorised or under another section than their articles.
    Under the story lock, like every other write of a story's header."""
    for story_id in sorted(story_ids):
        with store.transaction():
            store.lock_stories()
            rows = store.story_article_rows(story_id)
            story = store.get_story(story_id) if rows else None
            if story is None:
                continue
            lead = next((r for r in rows if r["title"] == story.title), rows[0])
            section = story_section(rows, lead)
            if section != story.section:
                story.section = section
                store.save_story(story)


def refresh_story(store: "Store", story_id: int, centroid: dict[str, float],
                  added: int | None = None) -> None:
    """Recompute a story's header from its articles: title, summary, section, counts, dates.
    `added`, the one article just placed in it: the summary is kept when that article is
    not one of the outlet leads it is drawn from and no outlet was added (most arrivals;
    a summary costs 1-2 ms, a third of placing an article)."""
    rows = store.story_article_rows(story_id)
    if not rows:
        return
    # The headline that best names the whole coverage, not merely the first one seen.
    headline = {r["id"]: cluster.headline_score(r["title"], centroid) for r in rows}
    lead = max(rows, key=lambda r: (cluster.headline_length(r["title"]), headline[r["id"]],
                                    -r["id"]))
    dates = [r["published_at"] for r in rows if r["published_at"]]
    story = store.get_story(story_id)
    story.title = lead["title"]
    sources = summary_sources(rows, headline)
    tail = drawn_from(outlet_count(sources))  # the outlets drawn on, as the summary says
    if added is None or added in {a.id for a in sources} or not story.summary.endswith(tail):
        story.summary = summarise_story(sources) or one_line(lead["summary"] or lead["title"])
    story.section = story_section(rows, lead)
    story.first_seen = min(dates) if dates else None
    story.last_seen = max(dates) if dates else None
    story.article_count = len(rows)
    story.source_count = len({r["source_id"] for r in rows})
    story.keywords = story_keywords_of(store, rows, centroid)
    store.save_story(story)


def assign(store: "Store", article: Article, entity_names: list[str]) -> int:
    """Put one article in a story (joining, starting or merging stories); returns its id."""
    if article.story_id is not None:  # already placed: re-running changes nothing
        return article.story_id
    with store.transaction():
        store.lock_stories()
        copied = record_copy(store, article)
        counts = cluster.term_counts(article.title, article.text, entity_names)
        df, n = store.term_df(counts)
        df = {t: df.get(t, 0) + 1 for t in counts}  # this article counts as seen
        vec = cluster.vectorise(counts, df, n + 1)
        store.bump_term_df(counts)
        when = article.published_at or article.fetched_at
        day = cluster.day_number(when)
        ids = store.story_candidates(cluster.top_terms(vec), day - cluster.WINDOW_BACK,
                                     day + cluster.WINDOW_AHEAD, cluster.CANDIDATES)
        candidates = store.story_vectors(ids)
        norms = {sid: cluster.norm(c) for sid, (c, _n) in candidates.items()}
        story_id, merged = None, False
        if copied is not None:  # a copy of wire text belongs where the text already is
            story_id = store.get_article(copied).story_id
        if story_id is None:
            story_id, _score = cluster.best_story(vec, candidates, norms)
        if story_id is None:
            story_id = store.save_story(Story(title=article.title, first_seen=when,
                                              last_seen=when))
        centroid, size = candidates.get(story_id) or store.story_vectors([story_id]).get(
            story_id, ({}, 0))
        centroid, size = cluster.add_vectors(centroid, vec), size + 1
        store.update_article_fields(article.id, story_id=story_id)
        store.add_story_postings(story_id, cluster.top_terms(vec), day)
        own_norm = cluster.norm(centroid)
        for other, (theirs, their_size) in candidates.items():
            if other != story_id and (cluster.dot(centroid, theirs) / (own_norm * norms[other])
                                      >= cluster.MERGE) and (cluster.shared_words(
                                          centroid, theirs) >= cluster.MIN_SHARED_WORDS):
                keep, gone = (story_id, other) if size >= their_size else (other, story_id)
                centroid = cluster.add_vectors(centroid, theirs)
                own_norm = cluster.norm(centroid)
                size += their_size
                store.merge_story_into(gone, keep)
                story_id, merged = keep, True
        store.save_story_vector(story_id, centroid, size)
        refresh_story(store, story_id, centroid, added=None if merged else article.id)
        if size >= cluster.SPLIT_MIN and size % cluster.SPLIT_EVERY == 0:
            new_id, moved = split_story(store, story_id, centroid, size)
            if article.id in moved:
                return new_id
        return story_id


def article_vectors(store: "Store", articles: list[Article]) -> list[dict[str, float]]:
    """The articles' vectors recomputed from their text, with today's document frequencies
    (the clusterer keeps only story centroids, so a split re-reads a bounded window)."""
    counts = []
    for a in articles:
        names = [e.name for e in store.article_entities(a.id)]
        counts.append(cluster.term_counts(a.title, a.text, names))
    df, n = store.term_df(set().union(*counts))
    return [cluster.vectorise(c, df, max(n, 1)) for c in counts]


def split_story(store: "Store", story_id: int, centroid: dict[str, float],
                size: int) -> tuple[int | None, set[int]]:
    """Move the smaller of two drifted groups of a story's newest articles to a new story.

    Runs inside the caller's transaction and story lock. Returns the new story's id and the
    moved article ids, or (None, empty set) when the story is coherent, so a repeat is a no-op.
    """
    rows = store.story_article_rows(story_id)
    window = [store.get_article(r["id"]) for r in rows[-cluster.SPLIT_WINDOW:]]
    vectors = article_vectors(store, window)
    labels = cluster.split_groups(vectors)
    if labels is None:
        return None, set()
    # the larger group keeps the story's id; on a tie, the group holding its oldest article
    move = 1 if labels.count(1) < labels.count(0) or (
        labels.count(1) == labels.count(0) and labels[0] == 0) else 0
    moved = [(r, v) for r, v, g in zip(window, vectors, labels) if g == move]
    kept = [v for v, g in zip(vectors, labels) if g != move]
    moved_sum = cluster.mean_vector([v for _r, v in moved])
    if len(window) == len(rows):
        kept_centroid = cluster.add_vectors({}, cluster.mean_vector(kept))
    else:  # older articles were not re-read: take the moved ones out of the running sum
        kept_centroid = cluster.add_vectors(
            {}, {t: x - moved_sum.get(t, 0.0) for t, x in centroid.items()
                 if x - moved_sum.get(t, 0.0) > 1e-6})
    first = moved[0][0]
    new_id = store.save_story(Story(title=first.title, first_seen=first.published_at,
                                    last_seen=first.published_at))
    for a, v in moved:
        store.update_article_fields(a.id, story_id=new_id)
        store.add_story_postings(new_id, cluster.top_terms(v),
                                 cluster.day_number(a.published_at or a.fetched_at))
    new_centroid = cluster.add_vectors({}, moved_sum)
    store.save_story_vector(story_id, kept_centroid, size - len(moved))
    store.save_story_vector(new_id, new_centroid, len(moved))
    refresh_story(store, story_id, kept_centroid)
    refresh_story(store, new_id, new_centroid)
    return new_id, {a.id for a, _v in moved}


def run_stories(store: "Store", articles: list[Article]) -> None:
    refreshed: set[int] = set()
    for article in articles:
        if article.story_id is not None:
            # Placed by an earlier version of this stage: placing is kept, the story's
            # header (its summary since version 2, keywords since 3) is made again, once per story.
            if article.story_id not in refreshed:
                refreshed.add(article.story_id)
                with store.transaction():
                    store.lock_stories()
                    vector, _n = store.story_vectors([article.story_id]).get(article.story_id, ({}, 0))
                    refresh_story(store, article.story_id, vector)
            continue
        names = [e.name for e in store.article_entities(article.id)]
        assign(store, article, names)


def story_stages() -> list["Stage"]:
    from ..pipeline import Stage

    return [Stage("stories", VERSION, run_stories, requires=("who",))]
