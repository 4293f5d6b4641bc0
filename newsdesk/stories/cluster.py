"""Online story clustering: each article joins the closest recent story or starts its own.

An article is a TF-IDF vector of two unit-length parts: its words, and its names and numbers
(capitalised tokens, figures, and the entities the "who" stage resolved), the second weighted
more because two stories of the same kind (two earthquakes, two rehab check-ins) share their
words but not their places, people and figures. Document frequencies are counted online, as
articles arrive. A story is the sum of its articles' vectors (pruned to its heaviest terms).

Candidate stories come from an index of each story's salient terms by day of activity, so
finding them costs index lookups bounded by the recent window, whatever the archive's size.
A story that has grown is checked now and then for two events inside it (split_groups); the
smaller one then becomes a story of its own.
Thresholds were tuned on the odd ECB+ topics; bench/stories.py reports odd and even apart.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ..enrich.keywords import is_general

THRESHOLD = 0.25  # join the best story at or above this cosine, else start a new one
# ... and sharing at least this many words with it: between teasers of a few dozen words one
# shared name ("China") made the cosine, joining a central-bank column to a nuclear test.
# ECB+ B-cubed F1 (bench/stories.py): full texts 0.9296 either way; headline and first line
# only (--lead 1) 0.8142 -> 0.8151.
MIN_SHARED_WORDS = 2
MERGE = 0.5  # two stories whose centroids come this close after a join become one
NAME_WEIGHT = 2.0
QUERY_TERMS = 15
CANDIDATES = 30
CENTROID_TERMS = 300
WINDOW_BACK, WINDOW_AHEAD = 7, 1  # days of story activity an article is compared with

_WORD = re.compile(r"(?u)\b\w\w+\b")
_NAME = re.compile(r"\b[A-Z][a-zA-Z'-]+|\b\d[\d,.]*\d\b|\b\d\b")
_PLAIN_NAME = re.compile(r"[\w.&'’-]+(?: [\w.&'’-]+)*")
_POSSESSIVE = re.compile(r"['’]s\b")
_FIGURE = re.compile(r"[\d,.%$€£-]+")
STOP = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "say", "saying", "told", "tell", "year",
                                        "years"}


def term_counts(title: str, text: str, entities: list[str] = ()) -> Counter:
    """Raw counts of word terms (`w:`) and name terms (`n:`) of one article."""
    full = f"{title}\n{text}"
    counts: Counter = Counter()
    for w in _WORD.findall(full.lower()):
        if w not in STOP:
            counts["w:" + w] += 1
    for n in _NAME.findall(full):
        counts["n:" + n.lower()] += 1
    for e in entities:
        counts["n:" + e.casefold()] += 2  # a resolved entity is surer than a capital letter
    return counts


def idf(df: int, n: int) -> float:
    # sklearn's smoothed idf, here with counts kept online
    return math.log((1 + n) / (1 + df)) + 1


def vectorise(counts: Counter, df: dict[str, int], n: int) -> dict[str, float]:
    """Sublinear TF-IDF, each part (words, names) unit length, names weighted, then unit."""
    parts: dict[str, dict[str, float]] = {"w": {}, "n": {}}
    for term, c in counts.items():
        parts[term[0]][term] = (1 + math.log(c)) * idf(df.get(term, 0), n)
    vec: dict[str, float] = {}
    for kind, weight in (("w", 1.0), ("n", NAME_WEIGHT)):
        norm = math.sqrt(sum(x * x for x in parts[kind].values())) or 1.0
        vec.update({t: weight * x / norm for t, x in parts[kind].items()})
    return unit(vec)


def unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
    return {t: x / norm for t, x in vec.items()}


def dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(x * get(t, 0.0) for t, x in a.items())


def norm(vec: dict[str, float]) -> float:
    return math.sqrt(sum(x * x for x in vec.values())) or 1.0


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return dot(a, b) / (norm(a) * norm(b))


def add_vectors(centroid: dict[str, float], vec: dict[str, float],
                keep: int = CENTROID_TERMS) -> dict[str, float]:
    out = dict(centroid)
    for t, x in vec.items():
        out[t] = out.get(t, 0.0) + x
    top = sorted(out.items(), key=lambda kv: -kv[1])[:keep]
    return {t: round(x, 5) for t, x in top}


def top_terms(vec: dict[str, float], k: int = QUERY_TERMS) -> list[str]:
    return [t for t, _ in sorted(vec.items(), key=lambda kv: -kv[1])[:k]]


def best_story(vec: dict[str, float], candidates: dict[int, tuple[dict[str, float], int]],
               norms: dict[int, float] | None = None) -> tuple[int | None, float]:
    """The candidate story closest to `vec` if close enough and sharing at least
    MIN_SHARED_WORDS words with it; `norms`, the candidates' centroid norms where the caller
    has them (they are reused for the merge check). Returns (None, best cosine) otherwise."""
    own = norm(vec)
    scored = sorted(((dot(vec, c) / (own * (norms[sid] if norms else norm(c))), sid)
                     for sid, (c, _n) in candidates.items()), key=lambda x: (-x[0], x[1]))
    for s, sid in scored:
        if s < THRESHOLD:
            break
        if shared_words(vec, candidates[sid][0]) >= MIN_SHARED_WORDS:
            return sid, s
    return None, (scored[0][0] if scored else 0.0)


def shared_words(vec: dict[str, float], centroid: dict[str, float]) -> int:
    """How many things both hold: each shared name of several words once ("donald trump"),
    and each other shared word once (a name of one word and its word are one)."""
    names: set[str] = set()
    words: set[str] = set()
    for t in vec:
        if t in centroid:
            parts = [w for w in t[2:].split() if len(w) > 2 and w not in STOP]
            (names.add(" ".join(parts)) if len(parts) > 1 else words.update(parts))
    in_names = {w for n in names for w in n.split()}
    # a place and its people are one thing: `china` and `chinese`, `iran` and `iranian` (by
    # their first four letters, which also folds `trade` and `trader`)
    return len(names) + len({w[:4] for w in words - in_names})


def day_number(when: datetime | None) -> int:
    """Days since 1970 (0 when the date is unknown), the unit of the candidate window."""
    return 0 if when is None else int(when.timestamp() // 86400)


def display_terms(centroid: dict[str, float], k: int = 8) -> list[str]:
    """A story's keywords: its heaviest terms, in lower case, a name and its word once.

    A word that is part of a heavier-listed phrase among the story's terms shows as that
    phrase ("supreme", "court" -> "supreme court"; "smith" -> "john smith"). Stop words that
    a capital letter made into name terms ("After Tariff Decision" -> "after") and bare
    figures ("250") are not keywords: they say nothing about what the story is about."""
    # a plain word as common as "president" is no keyword on its own (as for articles'); a
    # name term ("n:") is kept whatever its frequency
    terms = [t[2:] for t in top_terms(centroid, k * 4)
             if len(t) > 4 and not (t.startswith("w:") and is_general(t[2:]))]
    # a name the parser ran past its end ("tariff man”—to", "apple computer's mac os") is no
    # keyword either: names here are plain words
    terms = [t for t in dict.fromkeys(terms) if t not in STOP and not _FIGURE.fullmatch(t)
             and _PLAIN_NAME.fullmatch(t) and not _POSSESSIVE.search(t)]
    phrases = [t for t in terms if " " in t]
    out: list[str] = []
    for t in terms:
        longer = next((p for p in phrases if p != t and f" {t} " in f" {p} "), None)
        t = longer or t
        if not any(t == o + "s" or o == t + "s" for o in out):  # "tariffs" after "tariff"
            out.append(t)
    return list(dict.fromkeys(out))[:k]


def headline_score(title: str, centroid: dict[str, float]) -> float:
    """How well a headline names a story: its words' weight in the story's centroid."""
    words = [w for w in _WORD.findall(title.lower()) if w not in STOP]
    return sum(centroid.get("w:" + w, 0.0) for w in words) / math.sqrt(len(words) or 1)


# Longer "titles" are standfirsts a feed sent as titles ("Key inflation metrics tracked by the
# Fed accelerated at the end of last year, underscoring why ...", 26 words): 355 of the demo's
# 369 titles hold at most 15 words, and each of the 14 longer ones is such a sentence.
HEADLINE_MAX_WORDS = 15


def headline_length(title: str) -> bool:
    """Whether a title is of a headline's length, not a standfirst's: a story is headed by
    one of those first, then by the one that best names it (headline_score, a sum over the
    title's words, alone favoured the longest sentence)."""
    return len(title.split()) <= HEADLINE_MAX_WORDS


# -- splitting: a story whose articles have drifted into two events ------------------------
SPLIT_MIN = 8  # stories smaller than this are never checked
SPLIT_EVERY = 4  # ... and larger ones at most once every this many additions
SPLIT_WINDOW = 200  # the newest articles examined, so a check costs the same at any size
SPLIT_PART = 4  # each side of a split holds at least this many articles
SPLIT_GAIN = 0.04  # each side's mean cosine to its centre beats the whole's by this much
SPLIT_SEP = 0.45  # and the two centres are no closer than this cosine (under MERGE)


def split_groups(vectors: list[dict[str, float]]) -> list[int] | None:
    """Two coherent groups among these article vectors (a 0/1 label each), or None.

    2-means on the unit vectors (spherical in effect, as cosine is what the clusterer uses);
    the split stands only when both groups are big, each tighter than the whole, and their
    centres far apart, so a coherent story is left alone.
    """
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.preprocessing import normalize

    if len(vectors) < 2 * SPLIT_PART:
        return None
    x = normalize(DictVectorizer().fit_transform(vectors))
    labels = KMeans(n_clusters=2, n_init=3, random_state=0).fit_predict(x).tolist()
    groups = [[v for v, g in zip(vectors, labels) if g == k] for k in (0, 1)]
    if min(len(g) for g in groups) < SPLIT_PART:
        return None
    whole = tightness(vectors)
    if any(tightness(g) < whole + SPLIT_GAIN for g in groups):
        return None
    if cosine(mean_vector(groups[0]), mean_vector(groups[1])) >= SPLIT_SEP:
        return None
    return labels


def mean_vector(vectors: list[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in vectors:
        for t, x in v.items():
            out[t] = out.get(t, 0.0) + x
    return out


def tightness(vectors: list[dict[str, float]]) -> float:
    """Mean cosine of the vectors to their centre: 1 for identical articles."""
    centre = mean_vector(vectors)
    return sum(cosine(v, centre) for v in vectors) / len(vectors)
