"""The extract stage: a fetched page, a feed entry or a page dump into article parts.

`extract(item)` returns a copy of the RawItem with its body blocks and whatever the input
gives of title, standfirst, media, source, section, byline, date and language. Fields already
set on the input win; empty ones are filled. Raises ExtractError when there is no article text.

(Written first as a plain dispatcher so the rest of the pipeline could run; the HTML and
page-dump readers behind it are the extraction engineer's, in html.py and dump.py.)
"""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone

from lxml import etree

from ..errors import ExtractError, TooLargeError
from ..models import Block, RawItem

MAX_TEXT_CHARS = 5_000_000
_PARAS = re.compile(r"\n\s*\n")


def _date(value: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def extract_html(html: str, url: str = "") -> dict:
    """Main text and metadata of a web page through trafilatura (XML output keeps headings)."""
    import trafilatura

    xml = trafilatura.extract(html, url=url or None, output_format="xml",
                              include_formatting=True, include_comments=False,
                              include_tables=False, with_metadata=True)
    if not xml:
        raise ExtractError("no article text found in the HTML")
    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False,
                                                                 no_network=True))
    blocks: list[Block] = []
    title = root.get("title") or ""
    for el in root.iter("head", "p", "item", "quote"):
        if el.getparent() is not None and el.getparent().tag in ("comments",):
            continue
        text = " ".join("".join(el.itertext()).split())
        if not text:
            continue
        if el.tag == "head":
            if text == title and not blocks:
                continue  # the headline itself, not a subhead
            blocks.append(Block("subhead", text))
        else:
            blocks.append(Block("paragraph", text))
    categories = [c.strip() for c in (root.get("categories") or "").split(",") if c.strip()]
    return {"title": title, "source_name": root.get("sitename") or "",
            "byline": root.get("author") or "", "published_at": _date(root.get("date") or ""),
            "section": categories[0] if categories else "", "blocks": blocks,
            "summary": "", "media": [], "language": root.get("language") or "",
            "url": root.get("source") or ""}


def _fill(item: RawItem, found: dict) -> RawItem:
    out = dataclasses.replace(item)
    for name, value in found.items():
        if value and not getattr(out, name):
            setattr(out, name, value)
    return out


def extract(item: RawItem) -> RawItem:
    size = max(len(item.html), len(item.text))
    if size > MAX_TEXT_CHARS:
        raise TooLargeError(f"{size:,} characters of input is over the {MAX_TEXT_CHARS:,} cap")
    if item.kind == "dump":
        from .dump import read_dump

        return _fill(item, read_dump(item.text))
    if item.kind in ("html", "feed-entry"):
        content = item.html or item.text
        if not content.strip():
            raise ExtractError("the page is empty")
        if item.kind == "feed-entry" and "<" not in content:
            blocks = [Block("paragraph", p.strip()) for p in _PARAS.split(content) if p.strip()]
            return _fill(item, {"blocks": blocks})
        if item.kind == "feed-entry":
            # A feed entry is a fragment: wrap it so the page extractor sees an article.
            content = f"<html><body><article>{content}</article></body></html>"
            try:
                return _fill(item, extract_html(content, item.url))
            except ExtractError:
                from ..normalise import plain_text

                text = plain_text(item.html)
                return _fill(item, {"blocks": [Block("paragraph", text)] if text else []})
        return _fill(item, extract_html(content, item.url))
    if item.kind == "record":
        if item.blocks:
            return dataclasses.replace(item)
        blocks = [Block("paragraph", p.strip()) for p in _PARAS.split(item.text) if p.strip()]
        return _fill(item, {"blocks": blocks})
    raise ExtractError(f"unknown input kind {item.kind!r}")
