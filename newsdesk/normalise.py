"""Normalise an extracted item into an Article: canonical URL, content hash, dates, source."""
from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3

from .errors import ExtractError
from .models import Article, Block, Credit, Media, RawItem, Source

# Campaign and click trackers that outlets and feed services append (utm_*, BBC's at_*,
# DW's maca, Facebook/Google/Mailchimp click ids); they never change the page.
TRACKING_PARAMS = re.compile(
    r"^(utm_|at_|fbclid$|gclid$|dclid$|msclkid$|mc_cid$|mc_eid$|ref$|cmpid$|ocid$|maca$|"
    r"smid$|mod$|src$|sr_share$|__twitter_impression$)", re.I)
_SPACE = re.compile(r"\s+")
# What no reader should see and XML 1.0 cannot carry: terminal escape sequences (whole, so
# no "[31m" is left behind), C0 and C1 control characters other than the whitespace ones
# (tab, line breaks, form feed, NEL: the space rules below deal with those), lone
# surrogates and the two non-characters. Outlet feeds and archives do hold them.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|"
                      "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def drop_controls(value: str) -> str:
    """The string without control characters; tabs and line breaks stay."""
    return _CONTROL.sub("", value)


def plain_text(value: str) -> str:
    """Text from a string that may hold HTML: tags dropped by nh3's allow-list, entities decoded
    (after which control characters are dropped: `&#27;` decodes to one), spaces collapsed."""
    if "<" in value or "&" in value:
        value = html.unescape(nh3.clean(drop_controls(value), tags=set()))
    return _SPACE.sub(" ", drop_controls(value)).strip()


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, no default port."""
    url = url.strip()
    if not url or "://" not in url:
        return url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and not ((parts.scheme == "http" and parts.port == 80) or
                           (parts.scheme == "https" and parts.port == 443)):
        host = f"{host}:{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING_PARAMS.match(k)])
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def content_hash(title: str, blocks: list[Block]) -> str:
    """A hash of the text that ignores case, accents, punctuation and spacing: exact copies."""
    text = " ".join([title] + [b.text for b in blocks])
    folded = unicodedata.normalize("NFKD", text.casefold())
    words = re.findall(r"\w+", folded)
    return hashlib.sha1(" ".join(words).encode()).hexdigest()


def source_from(item: RawItem) -> Source:
    name = plain_text(item.source_name)
    site = item.source_site
    if not name and item.url and "://" in item.url:
        host = (urlsplit(item.url).hostname or "").lower()
        name = host.removeprefix("www.")
        site = site or f"https://{host}"
    return Source(name=name or "Unknown source", site=drop_controls(site).strip(),
                  language=plain_text(item.language))


def sane_date(value: datetime | None, now: datetime) -> datetime | None:
    """A publication date, or None where it is clearly wrong (a day in the future, pre-1990)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if value > now + timedelta(days=1) or value.year < 1990:
        return None
    return value


_URL_NOISE = re.compile(r"[\t\n\r]")


def media_url(value: str, base: str) -> str:
    """An image address as a reader's browser would fetch it: resolved against the page, or ""
    when it cannot be fetched from the page (a data:, javascript: or blob: URL, or a relative
    path with no page address to resolve it against)."""
    value = _URL_NOISE.sub("", value).strip()  # browsers drop these inside URLs too
    if not value:
        return ""
    try:
        url = urljoin(base, value) if base else value
        parts = urlsplit(url)
    except ValueError:  # an unbalanced IPv6 bracket and the like
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def _clean_media(m: Media, page_url: str) -> Media:
    return Media(url=media_url(drop_controls(m.url), page_url), caption=plain_text(m.caption),
                 credits=[Credit(plain_text(c.name), c.role) for c in m.credits])


# A headline's kicker, the outlet's label before a bar ("Opinion | A Global Minimum Tax Means
# Price Fixing"): up to four words, then the headline. Feeds put it in the title; the reader
# sees a label above the headline, and the headline (dedup, search, stories) is the rest.
# The headline has two words or more and no fewer than the label: "Brexit talks stall |
# Reuters" is a headline and its outlet.
_KICKER = re.compile(r"^\s*(\w+(?:[ '’-]\w+){0,3})\s*\|\s+(?=\S)")


def split_kicker(title: str) -> tuple[str, str]:
    """(kicker, headline): ("Opinion", "Green Politics") for "Opinion | Green Politics";
    ("", title) when the title has none."""
    m = _KICKER.match(title or "")
    if not m:
        return "", title or ""
    kicker, headline = m.group(1), title[m.end():].strip()
    words = len(headline.split())
    return (kicker, headline) if words >= max(2, len(kicker.split())) else ("", title)


def to_article(item: RawItem, now: datetime | None = None) -> Article:
    """The Article for an extracted item; raises ExtractError when it has no text."""
    now = now or datetime.now(timezone.utc)
    # Every text field is cleaned here, the one place all inputs pass (files, JSONL, feeds,
    # fetched pages): controls dropped, and spaces collapsed except inside body paragraphs,
    # whose text is never read as HTML ("x < y" stays).
    blocks = [Block(b.kind, _SPACE.sub(" ", drop_controls(b.text)).strip()) for b in item.blocks]
    blocks = [b for b in blocks if b.text]
    kicker, title = split_kicker(plain_text(item.title))
    if not any(b.kind == "paragraph" for b in blocks):
        raise ExtractError("no article text found")
    if not title:
        title = blocks[0].text[:120]
    digest = content_hash(title, blocks)
    url = canonical_url(drop_controls(item.url)) or f"urn:sha1:{digest}"
    return Article(
        url=url, title=title, kicker=kicker, source=source_from(item), body=blocks,
        section=plain_text(item.section), section_given=bool(item.section.strip()),
        outlet_section=plain_text(item.section),
        byline=plain_text(item.byline), published_at=sane_date(item.published_at, now),
        language=plain_text(item.language or ""), summary=plain_text(item.summary),
        summary_generated=False, media=[_clean_media(m, url) for m in item.media],
        attribution=plain_text(item.attribution),
        content_hash=digest, fetched_at=now, feed_id=item.feed_id)
