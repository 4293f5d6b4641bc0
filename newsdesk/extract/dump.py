"""Reading a plain-text page dump: what "select all, copy" gives of a rendered article page.

The article's lines are picked by the line model (`lines.py`); around that, the page's
usual layout is read: site name on the first line, the section just above the headline,
the headline (often printed twice), a photo caption with credits, a standfirst, body
paragraphs with short subhead lines, then chrome that is left out.
"""
from __future__ import annotations

import re

from newsdesk.errors import ExtractError
from newsdesk.extract.credits import is_credit_line, split_caption
from newsdesk.extract.lines import Line, line_scores, load_model, split_lines
from newsdesk.models import Block, Media

_END_PUNCT = re.compile(r"[.!?…:;,。！？]$")
_QUOTE_START = re.compile(r"^[\"“„«‘'(\[]")
_DATE_LINE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}\b|\b\d{1,2}:\d{2}\b")
# Labels of site navigation that open many pages; a first line like these is not a site name.
_NAV_WORDS = {
    "home", "homepage", "menu", "main menu", "navigation", "search", "skip to content",
    "skip to main content", "skip navigation", "log in", "login", "sign in", "subscribe", "news",
    "startseite", "suche", "accueil", "inicio", "toggle navigation", "open menu", "close",
    "accessibility links", "jump to content", "zum inhalt springen", "direkt zum inhalt",
}


def _words(s: str) -> int:
    return len(s.split())


def _heading_like(s: str, max_words: int = 12) -> bool:
    return 1 <= _words(s) <= max_words and len(s) <= 90 and not _END_PUNCT.search(s) \
        and not _QUOTE_START.match(s) and not is_credit_line(s)


def _find_title(lines: list[Line], first_body: int) -> int | None:
    """Index of the headline: a line printed twice close together near the top, else the
    longest heading-like line in the few lines just above the article text."""
    # only lines above (or at the start of) the article text: a pair of repeated lines further
    # down is a share bar or a teaser, not the headline
    for i in range(min(first_body + 3, len(lines))):
        t = lines[i].text
        if not 3 <= _words(t) <= 30 or t.endswith("."):
            continue
        for j in range(i + 1, min(i + 4, len(lines))):
            if lines[j].text == t:
                return i
    best, best_len = None, 0
    for i in range(max(0, first_body - 6), first_body):
        t = lines[i].text
        if 4 <= _words(t) <= 30 and not t.endswith(".") and not is_credit_line(t) \
                and not (_DATE_LINE.search(t) and _words(t) <= 6) and len(t) > best_len:
            best, best_len = i, len(t)
    return best


def _source_and_section(lines: list[Line], title_i: int | None) -> tuple[str, str]:
    source = ""
    first = lines[0].text
    if title_i != 0 and 1 <= _words(first) <= 4 and not _END_PUNCT.search(first) \
            and first.lower() not in _NAV_WORDS and not _DATE_LINE.search(first):
        source = first
    section = ""
    if title_i is not None and title_i >= 1:
        prev = lines[title_i - 1].text
        if (title_i - 1 > 0 or not source) and 1 <= _words(prev) <= 3 and not _END_PUNCT.search(prev) \
                and prev != source and prev.lower() not in _NAV_WORDS and not _DATE_LINE.search(prev) \
                and not is_credit_line(prev):
            section = prev
    return source, section


def _extend(lines: list[Line], p, keep: list[bool], low: float) -> None:
    """Hysteresis, as jusText does with its near-good blocks: a prose line next to kept text
    is kept on a weaker score, since the model doubts the last paragraphs before a footer."""
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if keep[i] or p[i] <= low or len(line.text) < 80 or not _END_PUNCT.search(line.text):
                continue
            if (i > 0 and keep[i - 1]) or (i + 1 < len(lines) and keep[i + 1]):
                keep[i] = changed = True


def read_dump(text: str, threshold: float | None = None, low: float | None = None) -> dict:
    """Fields of the article in a page dump: title, source_name, section, summary, media,
    blocks. Raises ExtractError when no article text is found."""
    lines = split_lines(text)
    if not lines:
        raise ExtractError("page dump is empty")
    p = line_scores(lines)
    thr = load_model()["threshold"] if threshold is None else threshold
    keep = [bool(v > thr) for v in p]
    _extend(lines, p, keep, load_model().get("low", thr / 2) if low is None else low)
    if not any(keep):
        raise ExtractError("no article text found in page dump")
    first_body = keep.index(True)
    title_i = _find_title(lines, first_body)
    title = lines[title_i].text if title_i is not None else ""
    source, section = _source_and_section(lines, title_i)
    header = {title_i} if title_i is not None else set()
    if title_i is not None:
        # the headline repeated, and whatever the header lines above it said, is not body text
        for i in range(title_i + 1, min(title_i + 4, len(lines))):
            if lines[i].text == title:
                header.add(i)
        for i in range(0, title_i):
            header.add(i)

    media: list[Media] = []
    candidates: list[int] = []
    for i, line in enumerate(lines):
        if i in header:
            continue
        if keep[i] or (title_i is not None and title_i < i <= title_i + 4):
            caption, credits = split_caption(line.text)
            if credits and _words(caption) <= 60 and (caption or media):
                if caption:
                    media.append(Media(caption=caption, credits=credits))
                else:
                    media[-1].credits.extend(c for c in credits if c not in media[-1].credits)
                keep[i] = False
                header.add(i)
                continue
            if is_credit_line(line.text):
                keep[i] = False
                continue
        if keep[i]:
            candidates.append(i)

    # short heading-like lines standing between body paragraphs are subheads, even where the
    # line model doubted them (it sees them as menu-like on their own)
    body_idx = set(candidates)
    for i in range(1, len(lines) - 1):
        if i in body_idx or i in header or not _heading_like(lines[i].text, 10):
            continue
        if (i - 1) in body_idx and (i + 1) in body_idx and len(lines[i + 1].text) >= 80:
            body_idx.add(i)
    ordered = sorted(body_idx)
    # trailing short lines after the last real paragraph are site chrome ("Help us improve.")
    while ordered and len(lines[ordered[-1]].text) < 40 and _words(lines[ordered[-1]].text) <= 6:
        ordered.pop()
    if not ordered:
        raise ExtractError("no article text found in page dump")

    blocks: list[Block] = []
    for k, i in enumerate(ordered):
        t = lines[i].text
        nxt = ordered[k + 1] if k + 1 < len(ordered) else None
        is_sub = _heading_like(t, 10) and nxt is not None and len(lines[nxt].text) >= 80 \
            and len(t) < 80 and blocks != [] and lines[i].blank_before
        blocks.append(Block("subhead" if is_sub else "paragraph", t))
    while blocks and blocks[0].kind == "subhead":
        blocks.pop(0)

    summary = ""
    paras = [b for b in blocks if b.kind == "paragraph"]
    if len(paras) >= 2 and blocks[0] is paras[0]:
        lead, second = paras[0].text, paras[1].text
        same_start = lead.split()[:6] == second.split()[:6] and _words(lead) >= 6
        if same_start:
            summary = lead
            blocks.pop(0)
    return {"title": title, "source_name": source, "section": section, "summary": summary,
            "media": media, "blocks": blocks}
