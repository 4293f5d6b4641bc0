"""Quotation marks: where quotes open and close in a text, and what a quoted passage is
(speech, or a name or title in quotes). Hand-written because publishers mix the styles
within one paragraph (`"... ,” said X.`), nest curly quotes in curly quotes, and leave a
multi-paragraph quote open until its last paragraph; no tokenizer's quote handling pairs
those up, and the spaCy model does not pair marks across sentences.
"""
from __future__ import annotations

import re

# Curly marks say which way they face; straight ones (and the `` '' of tokenised text) are
# read from the characters around them.
QUOTE_MARK = re.compile(r"``|''|[“”\"«»„]")
_OPENERS, _CLOSERS = {"“", "``", "«", "„"}, {"”", "''", "»"}


def _facing(text: str, m: re.Match) -> str:
    mark = m.group(0)
    if mark in _OPENERS:
        return "open"
    if mark in _CLOSERS:
        return "close"
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end()] if m.end() < len(text) else " "
    if before.isspace() or before in "([{—–-/:" or m.start() == 0:
        return "open"
    if after.isspace() or after in ".,;:!?)]}—–-":
        return "close"
    return "open" if not before.isalnum() else "close"


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words inside each pair of quotation marks, per paragraph; an
    unclosed quote runs to the end of its paragraph (the next one re-opens it)."""
    out = []
    pos = 0
    for para in text.split("\n\n"):
        out.extend((pos + a, pos + b) for a, b in _paragraph_pairs(para))
        pos += len(para) + 2
    trimmed = []
    for start, end in out:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            trimmed.append((start, end))
    return trimmed


def _paragraph_pairs(para: str) -> list[tuple[int, int]]:
    """Each opening mark pairs with the next closing one, except a curly pair nested in
    another (`“... what he calls “hell” than live ...”`, where single quotes belong): that
    stays inside the outer quote."""
    out, opened = [], None
    marks = list(QUOTE_MARK.finditer(para))
    skip = 0
    for i, m in enumerate(marks):
        if skip:
            skip -= 1
            continue
        facing = _facing(para, m)
        if m.group(0) == '"' and para[m.end():m.end() + 1] in ("", " ", "\n") and m.start() \
                and para[m.start() - 1] == " ":
            # spaced on both sides (`outreach,' " he told`): it closes an open quote
            facing = "close" if opened is not None else "open"
        if facing == "open" and opened is None:
            opened = m.end()
        elif facing == "open" and m.group(0) == "“" and [x.group(0) for x in marks[i + 1:i + 3]] == ["”", "”"] \
                and "\n" not in para[opened:marks[i + 2].start()]:
            out.append((opened, marks[i + 2].start()))
            opened, skip = None, 2
        elif facing == "close" and opened is not None:
            out.append((opened, m.start()))
            opened = None
    if opened is not None:
        out.append((opened, len(para)))
    return out


def is_quote(text: str, q: tuple[int, int]) -> bool:
    """Speech rather than a term in scare quotes: several words, or a clause's punctuation."""
    words = text[q[0]:q[1]].split()
    return len(words) >= 4 or (len(words) >= 2 and text[q[1] - 1] in ",.?!")


def is_title(text: str, q: tuple[int, int]) -> bool:
    """A name, title or slogan in quotes (`"America First"`): every word capitalised."""
    words = re.findall(r"[A-Za-z][\w'’-]*", text[q[0]:q[1]])
    small = {"of", "the", "and", "a", "an", "in", "on", "for", "to", "at", "with"}
    return 0 < len(words) <= 6 and all(w[0].isupper() or w in small for w in words) \
        and not text[q[1] - 1] in ",.?!"
