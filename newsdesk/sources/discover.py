"""From a URL a user pastes (a feed or a site) to the feeds to subscribe to and their outlet."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html

from ..errors import FetchError, InputError
from ..models import Source
from .fetch import Fetcher, fetch
from .feeds import looks_like_feed, parse_feed

FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml", "application/json", "text/xml", "application/xml"}
# Where sites commonly keep a feed they forgot to link; tried only when the page links none.
COMMON_PATHS = ("/feed", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml")


@dataclass(slots=True)
class Discovered:
    source: Source
    feeds: list[tuple[str, str]] = field(default_factory=list)  # (url, title)


def host_name(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def feed_links(html: str, base_url: str) -> list[tuple[str, str]]:
    """Feeds a page announces with <link rel="alternate" type="application/rss+xml" ...>."""
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    base = (doc.xpath("//base/@href") or [base_url])[0]
    out: dict[str, str] = {}
    for link in doc.xpath("//link[@href and @rel]"):
        rels = link.get("rel", "").lower().split()
        ctype = link.get("type", "").split(";")[0].strip().lower()
        if "alternate" in rels and ctype in FEED_TYPES:
            url = urljoin(urljoin(base_url, base), link.get("href").strip())
            if url.startswith(("http://", "https://")):
                out.setdefault(url, (link.get("title") or "").strip())
    return list(out.items())


def site_source(html: str, url: str) -> Source:
    """The outlet a page belongs to: og:site_name, else the host; its language from <html>."""
    name, lang = "", ""
    try:
        doc = lxml.html.fromstring(html)
        name = (doc.xpath("string(//meta[@property='og:site_name']/@content)") or "").strip()
        lang = (doc.xpath("string(/html/@lang)") or "").strip()[:2].lower()
    except (ValueError, lxml.etree.ParserError):
        pass
    parts = urlsplit(url)
    return Source(name=name or host_name(url), site=f"{parts.scheme}://{parts.netloc}",
                  language=lang)


def _as_feed(url: str, data: bytes) -> Discovered | None:
    if not looks_like_feed(data):
        return None
    parsed = parse_feed(data, url)
    site = parsed.link or url
    parts = urlsplit(site)
    return Discovered(Source(name=host_name(site), site=f"{parts.scheme}://{parts.netloc}",
                             language=parsed.language), [(url, parsed.title)])


def discover(f: Fetcher, url: str) -> Discovered:
    """The feeds behind `url`: itself if it is a feed, else those its page links to."""
    got = fetch(f, url, kind="feed")
    final = got.moved_to or url
    found = _as_feed(final, got.content)
    if found:
        return found
    html = got.content.decode("utf-8", "replace")
    result = Discovered(site_source(html, got.final_url), feed_links(html, got.final_url))
    if not result.feeds:
        for path in COMMON_PATHS:
            guess = urljoin(got.final_url, path)
            try:
                probe = fetch(f, guess, kind="feed")
                if _as_feed(guess, probe.content):
                    result.feeds.append((probe.moved_to or guess, ""))
                    break
            except (FetchError, InputError):
                continue
    if not result.feeds:
        raise InputError(f"no feed found at {url}: not a feed, and the page links to none")
    return result
