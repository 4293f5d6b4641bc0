"""Extractive summaries for articles and stories.

An article summary is two or three body sentences, in document order, each traceable to the
body block it came from. Sentences are scored by a lead prior (news puts the key facts
first), their centrality in the article (mean TF-IDF cosine to its sentences), a fragment
penalty and a page-furniture penalty (navigation prompts and photo-caption cues such as
"Scroll down for video" or "(pictured)" that extraction left glued into a paragraph: such a
"sentence" is mostly a caption), then picked greedily with maximal marginal relevance so two sentences never
say the same thing; a third sentence is added only while the first two are short of a
highlight-sized word budget. The weights were tuned on one deterministic half of FRANK's
CNN/DailyMail articles (bench/summaries.py reports both halves).

A story summary pools the leading sentences of several outlets' articles, favours sentences
that other outlets agree with, removes repeats across outlets with MMR, and ends with how
many outlets it draws on.
"""
from __future__ import annotations

import math
import re
from datetime import datetime, timezone

import numpy as np
import sentencex
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.models import Article

# Tuned on the tuning half of FRANK CNN/DM (bench/summaries.py); see the module docstring.
LEAD_DECAY = 8.0  # position prior exp(-i / LEAD_DECAY), i = sentence index in the body
CENTRALITY_WEIGHT = 1.0
REDUNDANCY_WEIGHT = 1.0  # MMR: subtract this times the max cosine to an already chosen one
# Stop after two sentences once they hold this many words (\w+ tokens): CNN/DM highlights run
# ~50 words and ROUGE F pays for length, so a third sentence only helps short picks.
WORD_BUDGET = 65
MIN_WORDS = 6  # shorter "sentences" are fragments: "He was 88.", "No wonder."
# Enough to let a plain sentence of about the same score win over one holding page furniture;
# any value from 0.1 to 0.5 picked the same sentences on the tuning half.
FURNITURE_PENALTY = 0.1
STAMP_PENALTY = 2.0  # more than any lead prior and centrality: a bare date is never picked
DUPLICATE_COSINE = 0.6  # two sentences this similar state the same fact
# Across outlets the same fact comes reworded ("scheduled for December 15 ... will be held on
# a two-party basis" / "planned for December 15, 2013, will be held on a two-party basis",
# 0.53 over one ECB+ story's sentences, where its distinct facts were 0.03-0.18).
STORY_DUPLICATE_COSINE = 0.4
STORY_SENTENCES = 4
STORY_LEAD_SENTENCES = 6  # each outlet's candidates: its first few sentences

# sentencex (like most rule splitters) sometimes breaks after an honorific ("Ms. | Takaichi");
# rejoining after these tokens is cheaper than running a second, slower splitter.
_HONORIFIC_END = re.compile(
    r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Capt|Cmdr|Rev|Hon|St|Mt|Fr|Pres|Supt|Insp|[A-Z])\.$"
)
_WORD = re.compile(r"\w+")
_UNENDED = re.compile(r"[\w)%]$")  # ends on a word, figure or bracket: no end mark
# Page furniture: navigation prompts, dateline stamps, and photo-caption cues (a positional
# parenthesis, "pictured"); a sentence holding one is mostly a caption, not the story.
_FURNITURE = re.compile(
    r"PUBLISHED:|UPDATED:|Scroll down for|Click here|Read more\b|\bpictured\b"
    r"|\((?:left|right|centre|center|top|bottom|above|below|inset|pictured)\b[^)]*\)",
    re.IGNORECASE,
)


# A line that is only a date or time stamp ("Updated Saturday, December 05, 2009 8: 28 PM",
# "MONDAY, MAY 23, 2005"): pages and archives leave them above the text, and they say nothing.
_STAMP_WORDS = frozenset(
    "updated published posted last modified on at am pm a.m. p.m. gmt utc est edt bst cet et "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split())


# A sentence that opens by leaning on the one before it ("But he said ...", "This is ...",
# "Its shares fell"): in a story summary, which joins sentences of several articles, the
# thing it points back to is not there. Left out whenever the story has other sentences, as
# a question is (`asks`).
_LEANS_BACK = re.compile(
    r"^[\"'“‘(]*(?:and|but|or|so|yet|still|however|also|meanwhile|instead|then|thus|hence|"
    r"moreover|nevertheless|nonetheless|he|she|it|they|we|his|her|its|their|this|that|these|"
    r"those|such)\b"
    # connectives set off by a comma ("In addition, the markets ...", "In contrast, Toyota
    # ..."); without it "As a result of the sales" and "In addition to X" name what they add to
    r"|^[\"'“‘(]*(?:additionally|furthermore|likewise|similarly|consequently|therefore|"
    r"besides|in addition|as a result|in contrast|by contrast|on the other hand)\s*,",
    re.IGNORECASE)


# ... or that ends on one: "An escalating trade war would be another matter, however."
_LEANS_BACK_END = re.compile(r",\s*(?:however|though|too|as well|instead|by contrast)\W*$",
                             re.IGNORECASE)


def leans_back(sentence: str) -> bool:
    """True for a sentence that opens, or ends, with a pronoun or connective pointing
    before it."""
    return bool(_LEANS_BACK.match(sentence) or _LEANS_BACK_END.search(sentence))


def asks(sentence: str) -> bool:
    """True for a question (`Are Meta and Google ads really recession-proof?`): a teaser's
    hook, which states nothing a story summary can tell."""
    return sentence.rstrip(" \"'”’)").endswith("?")


def is_stamp(sentence: str) -> bool:
    """True for a 'sentence' made only of date and time words and figures."""
    words = re.findall(r"[^\W\d_]+(?:\.[^\W\d_]+\.?)?|\d+", sentence.lower())
    return bool(words) and all(w.isdigit() or w in _STAMP_WORDS for w in words)


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences of one paragraph, stripped; abbreviations, decimals and quotes kept whole."""
    try:
        parts = list(sentencex.segment(language or "en", text))
    except Exception:  # an unknown language code: English rules are the safest fallback
        parts = list(sentencex.segment("en", text))
    out: list[str] = []
    for part in parts:  # raw parts keep their whitespace, so rejoined ones stay verbatim
        if out and _HONORIFIC_END.search(out[-1].rstrip()):
            out[-1] += part
        else:
            out.append(part)
    return [s.strip() for s in out if s.strip()]


def body_sentences(article: Article) -> list[tuple[int, str]]:
    """(block index, sentence) for every sentence of the article's paragraphs."""
    lang = (article.language or "en").split("-")[0].lower()
    return [
        (i, s)
        for i, block in enumerate(article.body)
        if block.kind == "paragraph" and block.text.strip()
        for s in split_sentences(block.text, lang)
    ]


def needs_summary(article: Article) -> bool:
    """True when a summary should be generated: a given (outlet's) summary is never replaced."""
    return not article.summary.strip() or article.summary_generated


def _similarity(sentences: list[str]) -> np.ndarray | None:
    """Cosine similarity of the sentences' TF-IDF vectors; None when no word survives."""
    try:
        x = TfidfVectorizer(sublinear_tf=True).fit_transform(sentences)
    except ValueError:  # only stop words or punctuation
        return None
    return (x @ x.T).toarray()


def _base_scores(sentences: list[str], sim: np.ndarray | None) -> np.ndarray:
    n = len(sentences)
    position = np.exp(-np.arange(n) / LEAD_DECAY)
    centrality = sim.mean(axis=1) if sim is not None else np.zeros(n)
    if centrality.max() > 0:
        centrality = centrality / centrality.max()
    words = np.array([len(_WORD.findall(s)) for s in sentences])
    furniture = np.array([bool(_FURNITURE.search(s)) for s in sentences])
    # a long-sentence and an opening-quote penalty were tried too; neither helped on the tuning
    # half, nor did PacSum's directed centrality or lead-biased TextRank in place of the mean
    stamp = np.array([is_stamp(s) for s in sentences])
    return (position + CENTRALITY_WEIGHT * centrality - 0.5 * (words < MIN_WORDS)
            - FURNITURE_PENALTY * furniture - STAMP_PENALTY * stamp)


def _mmr(scores: np.ndarray, sim: np.ndarray | None, k: int,
         duplicate: float = DUPLICATE_COSINE) -> list[int]:
    """Greedy maximal-marginal-relevance pick of up to k indices, skipping near-repeats."""
    chosen: list[int] = []
    candidates = set(range(len(scores)))
    while candidates and len(chosen) < k:
        def gain(j: int) -> float:
            if sim is None or not chosen:
                return float(scores[j])
            return float(scores[j] - REDUNDANCY_WEIGHT * max(sim[j, c] for c in chosen))

        best = max(candidates, key=lambda j: (gain(j), -j))
        candidates.discard(best)
        if sim is not None and chosen and max(sim[best, c] for c in chosen) > duplicate:
            continue
        chosen.append(best)
    return chosen


def _within_budget(ranked: list[int], sentences: list[str]) -> list[int]:
    """The ranked picks, best first, stopping after two once they hold WORD_BUDGET words."""
    chosen: list[int] = []
    words = 0
    for i in ranked:
        if len(chosen) >= 2 and words >= WORD_BUDGET:
            break
        chosen.append(i)
        words += len(_WORD.findall(sentences[i]))
    return chosen


def summarise_article(article: Article, max_sentences: int = 3) -> tuple[str, list[int]]:
    """An extractive summary of up to `max_sentences` body sentences, and each one's block index.

    Two sentences suffice when they already hold WORD_BUDGET words; otherwise up to
    `max_sentences` are taken. Sentences come back in document order and verbatim, so each is traceable to its block.
    Returns ("", []) for an article without paragraph text.
    """
    pairs = body_sentences(article)
    if not pairs or max_sentences <= 0:
        return "", []
    sentences = [s for _, s in pairs]
    sim = _similarity(sentences)
    chosen = sorted(_within_budget(_mmr(_base_scores(sentences, sim), sim, max_sentences),
                                   sentences))
    return " ".join(sentences[i] for i in chosen), [pairs[i][0] for i in chosen]


def trace_summary(article: Article) -> list[tuple[str, int | None]]:
    """The article's generated summary as (sentence, body block index) pairs: the summary
    stage keeps no offsets, but its sentences are the body's own, verbatim and in order, so
    each is found again by walking the body's sentences along the summary. A sentence not
    found (a summary made by an older splitter, or a given one) has block None."""
    summary = article.summary.strip()
    out: list[tuple[str, int | None]] = []
    pos = 0
    for block, sentence in body_sentences(article):
        start = summary.find(sentence, pos)
        if start < 0 or summary[pos:start].strip():
            continue  # not the next thing the summary says
        out.append((sentence, block))
        pos = start + len(sentence)
    if summary[pos:].strip() or not out:
        return [(s, None) for s in split_sentences(summary)] if summary else []
    return out


def outlet_count(articles: list[Article]) -> int:
    """How many distinct outlets the articles come from (by source id, else name)."""
    keys = {a.source.id if a.source.id is not None else a.source.name.strip().lower() for a in articles}
    return len(keys)


def drawn_from(n_outlets: int) -> str:
    """The line that ends a story summary: how many outlets it draws on."""
    return f"Drawn from {n_outlets} outlet{'s' if n_outlets != 1 else ''}."


def summarise_story(articles: list[Article]) -> str:
    """A story summary from several outlets' articles, without repeats, ending with its outlet count.

    Candidates are each article's leading sentences (or its given summary's sentences);
    a candidate scores by its place in its own article plus how much the other outlets'
    candidates agree with it, and MMR drops anything a chosen sentence already says.
    """
    articles = [a for a in articles if a is not None]
    if not articles:
        return ""
    candidates: list[tuple[int, int, str]] = []  # (article index, position, sentence)
    for ai, article in enumerate(articles):
        if article.summary.strip() and not article.summary_generated:
            lang = (article.language or "en").split("-")[0].lower()
            sents = split_sentences(article.summary, lang)
        else:
            sents = [s for _, s in body_sentences(article)]
        for pos, s in enumerate(sents[:STORY_LEAD_SENTENCES]):
            candidates.append((ai, pos, s))
    tail = drawn_from(outlet_count(articles))
    candidates = [c for c in candidates if not leans_back(c[2]) and not asks(c[2])] or candidates
    if not candidates:
        return tail
    sentences = [s for _, _, s in candidates]
    sim = _similarity(sentences)
    position = np.array([math.exp(-pos / 2.0) for _, pos, _ in candidates])
    words = np.array([len(_WORD.findall(s)) for s in sentences])
    penalty = 0.5 * (words < MIN_WORDS) + STAMP_PENALTY * np.array([is_stamp(s) for s in sentences])
    agree = np.zeros(len(candidates))
    owner = np.array([ai for ai, _, _ in candidates])
    owners = sorted(set(owner.tolist()))
    if sim is not None and len(owners) > 1:
        # agreement: how well each sentence is matched, on average, by every other article
        for i in range(len(candidates)):
            agree[i] = np.mean([sim[i, owner == aj].max() for aj in owners if aj != owner[i]])
    scores = position + CENTRALITY_WEIGHT * agree - penalty
    # picked best first: across outlets there is no document order to keep; as long as an
    # article's summary at most (a reader scans it), however many articles it draws on
    chosen = _within_budget(_mmr(scores, sim, STORY_SENTENCES if len(owners) > 1 else 3,
                                 STORY_DUPLICATE_COSINE), sentences)
    return " ".join([ended(sentences[i]) for i in in_time_order(chosen, candidates, articles)]
                    + [tail])


def in_time_order(chosen: list[int], candidates: list[tuple[int, int, str]],
                  articles: list[Article]) -> list[int]:
    """The picks of a story that ran over several days, told as it happened: read best
    first, a running story's sentences jumbled its days ("markets fell today", then "rose
    after the banks' joint effort", then "trading suspended for a second day"). Picks of
    one day, or undated, stay best first."""
    def utc(i: int) -> datetime | None:  # naive read as UTC, as the store writes them
        d = articles[candidates[i][0]].published_at
        return d if d is None or d.tzinfo else d.replace(tzinfo=timezone.utc)

    dated = [utc(i) for i in chosen]
    if None in dated or len({d.date() for d in dated}) < 2:
        return chosen
    return sorted(chosen, key=lambda i: (utc(i), candidates[i][0], candidates[i][1]))


def ended(sentence: str) -> str:
    """The sentence with a full stop when it has no end mark: a standfirst or a one-line
    paragraph often has none, and joined to the next sentence it would run on into it
    ("... will be more uncertainty Companies will ...")."""
    return sentence + "." if _UNENDED.search(sentence) else sentence
