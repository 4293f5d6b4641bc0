"""Feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into RawItems, through feedparser."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

import feedparser

from ..errors import ParseError
from ..models import RawItem
from .decode import check_size

# feedparser does not expand external entities, but a DOCTYPE that declares entities is the
# shape of a billion-laughs bomb; such feeds are refused before any parser sees them.
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)


@dataclass(slots=True)
class ParsedFeed:
    title: str = ""
    link: str = ""
    language: str = ""
    items: list[RawItem] = field(default_factory=list)


def looks_like_feed(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    if head.startswith(b"{"):
        return b"jsonfeed.org" in data[:4096]
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")) or (
        head.startswith(b"<?xml") and b"<html" not in head)


def _when(entry: dict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    return None


def _content(entry: dict) -> str:
    """The fullest text the entry carries: content:encoded / Atom content, else summary."""
    best = ""
    for part in entry.get("content") or []:
        value = part.get("value") or ""
        if len(value) > len(best):
            best = value
    summary = entry.get("summary") or ""
    return best if len(best) >= len(summary) else summary


# A numeric character reference to no character (a surrogate, past U+10FFFF): feedparser
# crashed on them (UnicodeEncodeError, ValueError, OverflowError) and the whole feed was lost
# for one bad title. Read as U+FFFD, the replacement character, as an HTML parser would.
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def _possible_char(m: re.Match[bytes]) -> bytes:
    digits = (m.group(1) or m.group(2)).lstrip(b"0") or b"0"
    code = int(digits, 16 if m.group(1) else 10) if len(digits) <= 8 else -1
    return m.group(0) if 0 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#xFFFD;"


def parse_feed(data: bytes, origin: str) -> ParsedFeed:
    check_size(data)
    if _DOCTYPE.search(data[:65536]) and _ENTITY_DECL.search(data[:65536]):
        raise ParseError("the feed declares XML entities (a possible entity bomb); refused")
    data = _CHAR_REF.sub(_possible_char, data)
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except (ValueError, LookupError, ArithmeticError) as exc:
        # a net for any other crash of feedparser's on hostile input: malformed, this feed
        raise ParseError(f"malformed feed: {type(exc).__name__}: {exc}") from None
    if parsed.bozo and not parsed.entries:
        reason = parsed.get("bozo_exception") or "not a feed"
        raise ParseError(f"malformed feed: {reason}")
    if not parsed.entries and not parsed.feed.get("title"):
        raise ParseError("not a feed: no channel and no entries")
    meta = parsed.feed
    feed = ParsedFeed(title=meta.get("title", "") or "", link=meta.get("link", "") or "",
                      language=(meta.get("language") or "")[:2].lower())
    for i, entry in enumerate(parsed.entries):
        tags = [t.get("term", "") for t in entry.get("tags") or [] if t.get("term")]
        summary_html = entry.get("summary") or ""
        content = _content(entry)
        feed.items.append(RawItem(
            origin=f"{origin}#{i + 1}", kind="feed-entry",
            url=entry.get("link") or entry.get("id") or "",
            html=content, title=entry.get("title", "") or "",
            source_name=feed.title, source_site=feed.link,
            section=tags[0] if tags else "",
            byline=entry.get("author", "") or "",
            published_at=_when(entry), language=feed.language,
            # A separate summary only counts as a standfirst when the entry also has content.
            summary=summary_html if content is not summary_html and content != summary_html else "",
        ))
    return feed
