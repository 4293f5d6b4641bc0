"""Web pages and feed fragments: main text and metadata.

Main text comes from trafilatura (fast mode: its full mode compares with two more extractors
and costs half again the time for +0.006 F on the evaluation set); its XML-like body keeps
headings, so subheads stay subheads. Two second opinions follow: the block model
(`blocks.py`) drops the blocks it judges site chrome, where trafilatura's mistakes gather,
and the page's declared description, when the page shows it and trafilatura left it out,
comes back as the lead paragraph. Metadata comes from trafilatura's metadata reader with
htmldate's quick date search. Nothing is fetched or executed: lxml parses, nothing renders.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import lxml.html
from lxml import etree

from newsdesk.errors import DecodeError, ExtractError, ParseError
from newsdesk.extract.credits import split_caption
from newsdesk.models import Block, Media
from newsdesk.normalise import media_url

# Where lazy-loading pages keep the real picture while `src` holds a placeholder.
_IMG_ATTRS = ("src", "data-src", "data-original", "data-lazy-src", "srcset", "data-srcset")

_WS = re.compile(r"\s+")
_MAX_FIGURES = 30


def _text(el) -> str:
    return _WS.sub(" ", "".join(el.itertext())).strip()


def load_page(html: str | bytes):
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        raise ParseError("not an HTML document that can be parsed")
    return tree


def _link_chars(el) -> int:
    return sum(len(_text(ref)) for ref in el.iter("ref"))


def body_parts(body) -> list[tuple[str, str, int]]:
    """trafilatura's body elements (head, p, list, quote, table, code) in order, as (kind,
    text, characters inside links): a list gives one part per item, a table one per row."""
    parts: list[tuple[str, str, int]] = []
    for el in body:
        tag = el.tag
        if tag == "head":
            parts.append(("head", _text(el), _link_chars(el)))
        elif tag == "list":
            parts += [("item", _text(item), _link_chars(item)) for item in el.iter("item")]
        elif tag == "table":
            for row in el.iter("row"):
                cells = [_text(c) for c in row.iter("cell")]
                parts.append(("row", " | ".join(c for c in cells if c), _link_chars(row)))
        elif tag != "graphic":
            parts.append(("quote" if tag == "quote" else "p", _text(el), _link_chars(el)))
    return [part for part in parts if part[1]]


def _blocks_from_body(body) -> list[Block]:
    """The body's parts that the block model judges article text, as blocks."""
    from newsdesk.extract.blocks import keep_mask

    parts = body_parts(body)
    keep = keep_mask(parts)
    if not any(keep):  # nothing it would keep: a page unlike those it learnt from; trust trafilatura
        keep = [True] * len(parts)
    return [Block("subhead" if kind == "head" else "paragraph", text)
            for (kind, text, _), kept in zip(parts, keep) if kept]


def trafilatura_body(tree, url: str = ""):
    """trafilatura's main text of a parsed page (fast mode, tables kept, comments not), with
    links kept so the block model can see how much of a block is linked. Prunes `tree`."""
    from trafilatura import bare_extraction

    doc = bare_extraction(tree, url=url or None, fast=True, with_metadata=False,
                          include_comments=False, include_tables=True, include_formatting=False,
                          include_links=True, output_format="python")
    return doc.body if doc is not None else None


def _visible_lead(tree, description: str) -> str:
    """The element that shows the page's declared description (meta description,
    og:description): often a standfirst in the header, apart from the body, that trafilatura
    leaves out. Found by the description's first words in a text node of the page."""
    desc = _WS.sub(" ", description or "").strip()
    if len(desc) < 40:
        return ""
    probe = " ".join(desc.split()[:6])
    for hit in tree.xpath("//body//text()[contains(normalize-space(.), $p)]", p=probe):
        el = hit.getparent()
        while el is not None and el.tag in _INLINE_TAGS:
            el = el.getparent()
        if el is None or el.tag in _NOT_SHOWN:
            continue
        text = _text(el)
        # the lead itself, not a teaser cut short nor a container holding the whole page
        if 0.5 * min(len(desc), 150) <= len(text) <= 3 * len(desc) + 200:
            return text
    return ""


_INLINE_TAGS = {"span", "strong", "em", "b", "i", "a", "font"}
_NOT_SHOWN = {"script", "style", "title", "meta", "noscript", "textarea", "template"}


def page_base(tree, url: str) -> str:
    """The address relative URLs in the page resolve against: its <base href>, else the page's."""
    for el in tree.iter("base"):
        href = el.get("href")
        if href:
            return media_url(href, url) or url
    return url


def img_url(img, base: str) -> str:
    """The first address of the picture that a browser could fetch (srcset: its first one)."""
    for attr in _IMG_ATTRS:
        value = (img.get(attr) or "").strip()
        if attr.endswith("srcset"):
            value = value.split(",")[0].strip().split(" ")[0]
        found = media_url(value, base)
        if found:
            return found
    return ""


def _figures(tree, base_url: str) -> list[Media]:
    """Pictures with a caption: <figure> with <img> and <figcaption>."""
    media: list[Media] = []
    base_url = page_base(tree, base_url)
    for fig in tree.iter("figure"):
        if len(media) >= _MAX_FIGURES:
            break
        caps = fig.findall(".//figcaption")
        img = fig.find(".//img")
        if not caps and img is None:
            continue
        src = img_url(img, base_url) if img is not None else ""
        caption, credits = split_caption(" ".join(_text(c) for c in caps)) if caps else ("", [])
        if not caption and img is not None:
            caption = _WS.sub(" ", img.get("alt") or "").strip()
        if caption or credits:
            media.append(Media(url=src, caption=caption, credits=credits))
    return media


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value)
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def page_metadata(tree, url: str = ""):
    """trafilatura's metadata reader without its costly fallbacks: meta tags, JSON-LD, the
    headline, the site name and htmldate's quick date search. Its whole-page searches for an
    author, categories, tags and a licence cost as much as the text extraction itself, so a
    byline and a section come only from what the page declares."""
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_sitename, extract_title, \
        extract_url

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word is a handle or a site, as trafilatura also judges
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # trafilatura's JSON-LD reader can trip on malformed JSON-LD; keep the meta tags
        pass
    if not meta.title:
        meta.title = extract_title(tree)
    if not meta.url:
        meta.url = extract_url(tree, url or None)
    meta.date = find_date(tree, url=meta.url, extensive_search=False, original_date=True)
    if not meta.sitename:
        meta.sitename = extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
    meta.clean_and_trim()
    return meta


def extract_html(html: str | bytes, url: str = "") -> dict:
    """Article fields of a whole web page. Raises ExtractError when no main text is found."""
    tree = load_page(html)
    lang = (tree.get("lang") or tree.get("xml:lang") or "").split("-")[0].lower()
    # metadata and figures first: trafilatura's extraction prunes the tree it is given
    meta = page_metadata(tree, url)
    media = _figures(tree, url or (meta.url if meta else "") or "")
    lead = _visible_lead(tree, meta.description) if meta else ""  # before the tree is pruned
    body = trafilatura_body(tree, url)
    blocks = _blocks_from_body(body) if body is not None else []
    if not blocks:
        raise ExtractError("no article text found in HTML page")
    title = (meta.title or "").strip() if meta else ""
    if blocks and blocks[0].kind == "subhead" and blocks[0].text == title:
        blocks.pop(0)
    if lead and lead != title and _WS.sub(" ", meta.description).strip()[:60] not in \
            " ".join(b.text for b in blocks):
        blocks.insert(0, Block("paragraph", lead))
    description = (meta.description or "").strip() if meta else ""
    summary = description if len(description) >= 40 and description != title else ""
    return {
        "title": title,
        "byline": (meta.author or "").strip() if meta else "",
        "source_name": (meta.sitename or "").strip() if meta else "",
        "section": (meta.categories[0] if meta and meta.categories else ""),
        "published_at": _date(meta.date) if meta else None,
        "language": lang,
        "url": (meta.url or "") if meta else "",
        "summary": summary,
        "media": media,
        "blocks": blocks,
    }


_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dd")
_HEAD_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def fragment_blocks(html: str, base_url: str = "") -> tuple[list[Block], list[Media]]:
    """Blocks of a feed entry's HTML fragment. A feed fragment is the article text already
    (no chrome to remove), and trafilatura's length thresholds drop short ones, hence this
    small walk over block elements; loose text between them becomes paragraphs too.
    Picture addresses resolve against `base_url` (the entry's link)."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError) as exc:
        raise DecodeError(f"feed fragment cannot be parsed: {exc}") from exc
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe|.//object|.//embed"):
        bad.drop_tree()
    media: list[Media] = []
    for fig in root.xpath(".//figure"):
        caps = fig.xpath(".//figcaption")
        img = fig.find(".//img")
        if caps:
            caption, credits = split_caption(" ".join(_text(c) for c in caps))
            media.append(Media(url=img_url(img, base_url) if img is not None else "",
                               caption=caption, credits=credits))
        fig.drop_tree()
    blocks: list[Block] = []
    loose: list[str] = []

    def flush() -> None:
        t = _WS.sub(" ", " ".join(loose)).strip()
        loose.clear()
        if t:
            blocks.append(Block("paragraph", t))

    def walk(el) -> None:
        if el.text:
            loose.append(el.text)
        for child in el:
            if not isinstance(child.tag, str):
                if child.tail:
                    loose.append(child.tail)
                continue
            tag = child.tag.lower()
            if tag in _BLOCK_TAGS:
                flush()
                t = _text(child)
                if t:
                    blocks.append(Block("subhead" if tag in _HEAD_TAGS else "paragraph", t))
            elif tag == "br" and child.getnext() is not None and child.getnext().tag == "br":
                flush()
            else:
                walk(child)
            if child.tail:
                loose.append(child.tail)

    walk(root)
    flush()
    return blocks, media
