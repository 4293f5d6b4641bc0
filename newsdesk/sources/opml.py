"""OPML subscription lists: read those other readers export, write ours.

Reading goes through defusedxml, which refuses DTDs with entities (no entity expansion, no
external fetches); writing through ElementTree, which escapes everything it writes.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import ParseError
from ..models import Feed, Source
from .decode import check_size

MAX_OPML_BYTES = 5 * 1024 * 1024


@dataclass(slots=True)
class OpmlFeed:
    url: str
    title: str = ""
    site: str = ""
    category: str = ""  # the enclosing folder, which readers use for the outlet or a topic


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Every outline with an xmlUrl, in document order, each URL once."""
    check_size(data, MAX_OPML_BYTES)
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException as exc:
        raise ParseError(f"refused OPML: {exc.__class__.__name__} (entity declarations)") from None
    except ET.ParseError as exc:
        raise ParseError(f"malformed OPML: {exc}") from None
    if root.tag.lower() != "opml" or root.find("body") is None:
        raise ParseError("not an OPML document: no <opml><body>")
    found: dict[str, OpmlFeed] = {}

    def walk(node: ET.Element, category: str) -> None:
        for child in node:
            if child.tag.lower() != "outline":
                continue
            attrs = {k.lower(): (v or "").strip() for k, v in child.attrib.items()}
            url = attrs.get("xmlurl", "")
            label = attrs.get("title") or attrs.get("text", "")
            if url.startswith(("http://", "https://")) and url not in found:
                found[url] = OpmlFeed(url=url, title=label, site=attrs.get("htmlurl", ""),
                                      category=category)
            walk(child, label if not url else category)

    walk(root.find("body"), "")
    return list(found.values())


def write_opml(subscriptions: list[tuple[Source, list[Feed]]], title: str = "newsdesk feeds",
               now: datetime | None = None) -> bytes:
    """An OPML 2.0 document: one folder per outlet, holding its feeds."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(timezone.utc))
    body = ET.SubElement(root, "body")
    for source, feeds in subscriptions:
        if not feeds:
            continue
        folder = ET.SubElement(body, "outline", text=source.name, title=source.name)
        for feed in feeds:
            ET.SubElement(folder, "outline", type="rss", text=feed.title or source.name,
                          title=feed.title or source.name, xmlUrl=feed.url,
                          htmlUrl=source.site or "")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
