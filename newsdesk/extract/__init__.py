"""The extract stage: a fetched page, a feed entry or a page dump becomes article parts.

`extract(item)` returns a copy of the RawItem with `blocks` (paragraphs and subheads in
reading order) and whatever else the input gives: title, summary (a standfirst the page
gives, never generated here), media with caption and credits, source name, section, byline,
publication time, language, URL. Fields already set on the item win; empty ones get filled.
"""
from __future__ import annotations

import copy
import re

from newsdesk.errors import DecodeError, ExtractError, TooLargeError
from newsdesk.models import Block, RawItem

__all__ = ["extract", "split_paragraphs", "MAX_INPUT_CHARS"]

# Pages bigger than this are not articles (a long article with its markup is well under 2 MB);
# the cap keeps a hostile input from tying up a worker.
MAX_INPUT_CHARS = 5_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_PARA_SPLIT = re.compile(r"\n\s*\n")


def _check_text(value: str | bytes, what: str) -> None:
    if len(value) > MAX_INPUT_CHARS:
        raise TooLargeError(f"{what} is {len(value):,} characters, over the {MAX_INPUT_CHARS:,} cap")
    head = value[:8192]
    if isinstance(head, bytes):
        if b"\x00" in head:
            raise DecodeError(f"{what} is binary, not text")
        return
    bad = len(_CONTROL.findall(head))
    if "\x00" in head or (head and bad / len(head) > 0.05):
        raise DecodeError(f"{what} is binary, not text")


def split_paragraphs(text: str) -> list[Block]:
    """Plain text as paragraphs: blank lines separate them, or single line breaks when the
    text has no blank lines at all."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    parts = _PARA_SPLIT.split(text) if _PARA_SPLIT.search(text) else text.split("\n")
    return [Block("paragraph", " ".join(p.split())) for p in parts if p.strip()]


def _merge(item: RawItem, found: dict) -> RawItem:
    out = copy.deepcopy(item)
    for key, value in found.items():
        if value and not getattr(out, key):
            setattr(out, key, value)
    return out


def extract(item: RawItem) -> RawItem:
    """A copy of `item` with its article parts filled in. Raises ExtractError when no article
    text can be found, TooLargeError over the size cap, DecodeError for binary input."""
    kind = item.kind
    if kind == "html":
        from newsdesk.extract.html import extract_html

        if not item.html or not item.html.strip():
            raise ExtractError("empty HTML page")
        _check_text(item.html, "HTML page")
        return _merge(item, extract_html(item.html, item.url))
    if kind == "dump":
        from newsdesk.extract.dump import read_dump

        if not item.text.strip():
            raise ExtractError("empty page dump")
        _check_text(item.text, "page dump")
        return _merge(item, read_dump(item.text))
    if kind == "feed-entry":
        return _feed_entry(item)
    if kind == "record":
        if item.blocks:
            return copy.deepcopy(item)
        if not item.text.strip():
            raise ExtractError("record has neither blocks nor text")
        _check_text(item.text, "record text")
        return _merge(item, {"blocks": split_paragraphs(item.text)})
    raise ExtractError(f"unknown item kind {kind!r}")


def _feed_entry(item: RawItem) -> RawItem:
    from newsdesk.extract.html import fragment_blocks

    source = item.html if item.html.strip() else item.text
    if not source.strip():
        raise ExtractError("feed entry has no content")
    _check_text(source, "feed entry")
    if item.html.strip() and "<" in item.html:
        blocks, media = fragment_blocks(item.html, base_url=item.url)
    else:
        blocks, media = split_paragraphs(source), []
    if not blocks:
        raise ExtractError("no article text in feed entry")
    return _merge(item, {"blocks": blocks, "media": media})
