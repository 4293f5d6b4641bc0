"""Key phrases for articles: TF-IDF against a general-language background.

Candidates are runs of up to three content words between stop words and punctuation (as in
RAKE). A phrase scores by how often the article uses it times how unusual its words are in
the language at large, the "IDF" coming from wordfreq's word frequencies, so `Kilmarnock`
beats `club` and `Friday` even when used less. A phrase is boosted when it appears in the
title or the lead, and a name's shorter form (`Locke`) folds into its full form (`Gary
Locke`). A phrase of one word must be a noun (the who stage's tagger says which) or a
name, and rarer than "president"; the headline's kicker ("Opinion | ") is left out. YAKE was
tried first; it ran at ~300 ms an article here, over the enrich budget.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Iterable

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from wordfreq import zipf_frequency

from newsdesk.enrich.names import COMMON_WORD_ZIPF
from newsdesk.models import Article
from newsdesk.normalise import split_kicker

MAX_WORDS = 3
# wordfreq's Zipf scale: ~7.7 for "the", ~3 for a rare word, 0 when unknown; words at or
# above this are function words in any language, so no per-language stop list is needed.
FUNCTION_ZIPF = 5.8
BACKGROUND_CEILING = 7.0  # specificity = ceiling - zipf: unknown names get the most
# One common word this frequent ("president" 5.45, "month" 5.25, "decision" 5.09, "end") says
# too little to be a key word or a trending topic on its own; "economy" (4.87) still does.
GENERAL_ZIPF = COMMON_WORD_ZIPF  # 5.0: one threshold for "names nothing, says nothing"
# A word this common in lower case ("debris" 3.9, "stock" 4.9) is written so when only its
# place gave it a capital; a rarer one ("Kalshi", "Goma") may be a name the model missed.
COMMON_ZIPF = 3.0
TITLE_BOOST = 1.5
LEAD_BOOST = 1.25  # phrases in the first paragraph
_EXTRA_STOP = {"said", "says", "told", "according", "also", "just", "like", "year", "years",
               "new", "people", "time", "week", "day", "per", "cent", "percent", "mr", "mrs",
               "ms", "dr", "image", "caption", "copyright", "pictured", "scroll", "video"}
# Calendar words date a story; alone they are not what it is about ("Friday" as a keyword or
# a topic), though a phrase may be ("Black Friday"). "may" and "march" are left out: "may" is a
# function word anyway, and "march" is a topic too.
CALENDAR_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday january "
                           "february april june july august september october november "
                           "december".split())
# a token: letters (with inner apostrophes, hyphens, dots as in "U.S."), or a number
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’.-]*[^\W_])?|\d[\d,.]*")
_BREAK = re.compile(r"[.!?;:,()\[\]{}\"“”‘«»—–|/]|\s[-']\s|’\s|'\s")


@lru_cache(maxsize=200_000)
def _zipf(word: str, language: str) -> float:
    try:
        return zipf_frequency(word, language)
    except LookupError:  # a language wordfreq does not know: fall back to English figures
        return zipf_frequency(word, "en")


def is_general(word: str, language: str = "en") -> bool:
    """A word too common to be a keyword or a topic on its own (GENERAL_ZIPF), or a day or
    month name."""
    low = word.lower()
    return low in CALENDAR_WORDS or _zipf(low, language) >= GENERAL_ZIPF


def _is_stop(word: str, language: str) -> bool:
    low = word.lower()
    if len(low) < 2 or low[0].isdigit() or low in _EXTRA_STOP:
        return True
    if language == "en" and low in ENGLISH_STOP_WORDS:
        return True
    return _zipf(low, language) >= FUNCTION_ZIPF


def _clean(word: str) -> str:
    word = word.rstrip(".")
    for suffix in ("'s", "’s"):  # possessives: "Locke's" counts as "Locke"
        if word.lower().endswith(suffix):
            return word[: -len(suffix)]
    return word


def _candidates(text: str, language: str) -> list[tuple[str, ...]]:
    """Every 1..MAX_WORDS-gram of content words inside each stop-word-free run."""
    return [gram for gram, _ in _placed_candidates(text, language)]


def _placed_candidates(text: str, language: str) -> list[tuple[tuple[str, ...], bool]]:
    """The candidates, each with whether its first word opens a sentence (where a capital
    letter says nothing about the word)."""
    out: list[tuple[tuple[str, ...], bool]] = []
    opens = {m.end() for m in _SENTENCE_OPENS.finditer(text)}  # one pass: texts can be long
    chunk_start = 0
    for chunk in _BREAK.split(text):
        run: list[str] = []
        run_opens: list[bool] = []
        tokens = [(m.group(), chunk_start + m.start()) for m in _TOKEN.finditer(chunk)]
        for raw, at in tokens + [("", 0)]:
            word = _clean(raw) if raw else ""
            if word and not _is_stop(word, language):
                run.append(word)
                run_opens.append(at in opens)
                continue
            for n in range(1, MAX_WORDS + 1):
                out.extend((tuple(run[i:i + n]), run_opens[i]) for i in range(len(run) - n + 1))
            run, run_opens = [], []
        chunk_start += len(chunk)
        match = _BREAK.match(text, chunk_start)  # the break itself, which split() dropped
        chunk_start = match.end() if match else chunk_start
    return out


# where a sentence opens: the text's start, or after an end mark and any spaces and quotes
_SENTENCE_OPENS = re.compile(r"(?:^|[.!?:])[\s\"'“”‘’(\[«]*")


def _as_written(placed: Counter[str], positional: Counter[str], names: set[str] | None,
                language: str) -> str:
    """How to write a key phrase: as the text writes it inside a sentence. Where the body has
    it only opening a sentence, that capital says nothing: "Debris" and "Stock markets"
    looked like names, and are written in lower case. Kept as written: a name, an acronym,
    a word the language hardly knows (a name the model missed: "Kalshi"), a word of a name
    ("Trump" for Donald Trump), and a phrase whose other words have capitals too ("General
    Arthur Lichte"). `names` None: the names are not known, so neither is what a capital means."""
    if placed:
        return placed.most_common(1)[0][0]
    written = positional.most_common(1)[0][0]
    words = written.split()
    if names is None or written.lower() in names or any(w[:1].isupper() for w in words[1:]):
        return written
    first = words[0]
    if (first.isupper() or _zipf(first.lower(), language) < COMMON_ZIPF
            or any(first.lower() in name.split() for name in names)):  # "Trump", "San"
        return written
    return " ".join([first.lower()] + words[1:])


def _headline(article: Article) -> str:
    # ingest splits the kicker off (normalise.split_kicker); an article made elsewhere may not
    return split_kicker(article.title or "")[1]


def _language(article: Article) -> str:
    return (article.language or "en").split("-")[0].lower() or "en"


def _is_noun(key: str, nouns: frozenset[str]) -> bool:
    """A one-word phrase the model read as a noun (each part of a hyphenated one)."""
    return key in nouns or all(part in nouns for part in key.split("-") if part)


def _scored(article: Article, names: set[str] | None = None,
            nouns: frozenset[str] | None = None) -> list[tuple[float, str]]:
    language = _language(article)
    paragraphs = [b.text for b in article.body if b.text.strip()]
    counts: Counter[str] = Counter()
    # how each phrase is written: inside a sentence, and where a capital says nothing
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    positional: dict[str, Counter[str]] = defaultdict(Counter)
    lead_keys: set[str] = set()  # phrases in the first paragraph
    for i, text in enumerate(paragraphs):
        for gram, opens in _placed_candidates(text, language):
            key = " ".join(gram).lower()
            counts[key] += 1
            (positional if opens else surface)[key][" ".join(gram)] += 1
            if i == 0:
                lead_keys.add(key)
    title_grams = _candidates(_headline(article), language)
    title_keys = {" ".join(g).lower() for g in title_grams}
    in_body = set(counts)
    for gram in title_grams:  # a title phrase counts even if the body never repeats it
        key = " ".join(gram).lower()
        if key not in counts:
            # a headline capitalises its first word and, in Title Case, every word: its
            # capitals say no more than a sentence opening's ("Consumers", "Seeds"), so a name
            # keeps them only as `names` or a rare word tells (the caller gives the names the
            # store knows for the headline's words: the model misreads names in headlines)
            counts[key] += 1
            positional[key][" ".join(gram)] += 1
    scored: list[tuple[float, str]] = []
    for key, count in counts.items():
        words = key.split()
        if len(words) > 1 and count < 2 and key not in title_keys and (
                names is None or key not in names):
            # a multi-word phrase said once is a chance juxtaposition, unless it is a name
            # the article has: a teaser names "Donald Trump" once, and his parts alone
            # ("Donald", "Trump") were its keywords
            continue
        if len(words) > 1 and names is not None and key not in in_body and key not in names:
            # a run of a Title Case headline's words ("Certifies Gulfstream Jets") is no
            # phrase: one the body never uses counts only when it is a name the article has
            continue
        if len(words) == 1 and (names is None or key not in names) and (
                (nouns is not None and not _is_noun(key, nouns)) or is_general(key, language)):
            # a verb or an adjective ("sowed", "touring", "global") is no topic, nor a word
            # as general as "president": one word must be a noun of some weight, or a name
            continue
        specificity = sum(max(0.0, BACKGROUND_CEILING - _zipf(w, language)) for w in words)
        score = count * specificity
        score *= TITLE_BOOST if key in title_keys else 1.0
        score *= LEAD_BOOST if key in lead_keys else 1.0
        scored.append((score, _as_written(surface[key], positional[key], names, language)))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return scored


def _contains(longer: str, shorter: str) -> bool:
    return f" {shorter.lower()} " in f" {longer.lower()} "


def _overlaps(a: str, b: str) -> bool:
    """True when one phrase runs on into the other ("Marie Claire career" / "Claire career supplement")."""
    x, y = a.lower().split(), b.lower().split()
    return any(x[-n:] == y[:n] or y[-n:] == x[:n] for n in range(1, min(len(x), len(y))))


def _select(scored: list[tuple[float, str]], k: int) -> list[str]:
    """The top k phrases, with a phrase and its parts never both listed."""
    chosen: list[str] = []
    for _, phrase in scored:
        if len(chosen) >= k:
            break
        if any(_contains(c, phrase) or _overlaps(c, phrase) for c in chosen):
            continue  # a part of a phrase already listed, or a shifted window over one
        inside = [c for c in chosen if _contains(phrase, c)]
        if inside:  # the fuller form of a listed phrase ("Gary Locke" for "Locke") replaces it
            chosen[chosen.index(inside[0])] = phrase
            chosen = [c for c in chosen if c == phrase or not _contains(phrase, c)]
            continue
        chosen.append(phrase)
    return chosen


def headline_phrases(article: Article) -> list[str]:
    """The phrases that only the article's headline has: `keywords` keeps one of several
    words only when it is a name, and writes one of one word with its capital only when it
    is a name or part of one (the caller tells which are)."""
    language = _language(article)
    body = {" ".join(g).lower() for b in article.body if b.text.strip()
            for g in _candidates(b.text, language)}
    return list(dict.fromkeys(" ".join(g) for g in _candidates(_headline(article), language)
                              if " ".join(g).lower() not in body))


def keywords(article: Article, k: int = 8, names: Iterable[str] | None = None,
             nouns: Iterable[str] | None = None) -> list[str]:
    """Up to k key phrases of the article, most characteristic first. `names`, the entity
    names found in it (any case): a phrase only its headline has must be one of them.
    `nouns`, the words a tagger read as nouns (lower case): a phrase of one word must be
    one of them or a name."""
    if k <= 0:
        return []
    return _select(_scored(article, None if names is None else {n.lower() for n in names},
                           None if nouns is None else frozenset(nouns)), k)
