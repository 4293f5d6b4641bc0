"""JSONL archives: one article per line, the format `scripts/build_corpus.py` writes.

Fields (all but `title` and a body optional): url, title, source, site, country, section,
published_at (ISO 8601), byline, language, summary, body (list of {kind, text}) or text
(paragraphs separated by blank lines), media (list of {url, caption, credits}), attribution.
Unknown fields are ignored. A bad line is an error for that line alone.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterator

from ..errors import InputError, ParseError
from ..models import BLOCK_KINDS, CREDIT_ROLES, Block, Credit, Failed, Media, RawItem


def _text(record: dict, key: str, limit: int = 100_000) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ParseError(f"field {key!r} must be a string")
    return value[:limit]


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    if not isinstance(value, str):
        raise ParseError("field 'published_at' must be an ISO 8601 string")
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ParseError(f"published_at {value!r} is not an ISO 8601 date") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _blocks(record: dict) -> list[Block]:
    body = record.get("body")
    if isinstance(body, list):
        blocks = []
        for b in body:
            if not isinstance(b, dict) or not isinstance(b.get("text"), str):
                raise ParseError("each body block needs a text")
            kind = b.get("kind", "paragraph")
            if kind not in BLOCK_KINDS:
                raise ParseError(f"body block kind {kind!r} is not one of {BLOCK_KINDS}")
            if b["text"].strip():
                blocks.append(Block(kind=kind, text=b["text"].strip()))
        return blocks
    if body is not None and not isinstance(body, str):
        raise ParseError("field 'body' must be a list of blocks or a string")
    text = body if isinstance(body, str) else _text(record, "text", 2_000_000)
    return [Block("paragraph", p.strip()) for p in text.split("\n\n") if p.strip()]


def _media(record: dict) -> list[Media]:
    out = []
    for m in record.get("media") or []:
        if not isinstance(m, dict):
            raise ParseError("each media entry must be an object")
        credits = [Credit(name=str(c.get("name", "")),
                          role=c.get("role") if c.get("role") in CREDIT_ROLES else "other")
                   for c in m.get("credits") or [] if isinstance(c, dict)]
        out.append(Media(url=str(m.get("url", "")), caption=str(m.get("caption", "")),
                         credits=credits))
    return out


def record_to_item(record: Any, origin: str) -> RawItem:
    if not isinstance(record, dict):
        raise ParseError("a line must hold a JSON object")
    blocks = _blocks(record)
    if not _text(record, "title") and not blocks:
        raise ParseError("a record needs a title or a body")
    return RawItem(
        origin=origin, kind="record", url=_text(record, "url", 2000),
        title=_text(record, "title", 1000), source_name=_text(record, "source", 200),
        source_site=_text(record, "site", 500), section=_text(record, "section", 100),
        byline=_text(record, "byline", 500), published_at=_date(record.get("published_at")),
        language=_text(record, "language", 10), summary=_text(record, "summary", 5000),
        blocks=blocks, media=_media(record), attribution=_text(record, "attribution", 1000))


def read_jsonl(text: str, origin: str) -> Iterator[RawItem | Failed]:
    """Each line's item, or why that line failed (the caller reports it and goes on)."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{origin}:{n}"
        try:
            yield record_to_item(json.loads(line), where)
        except json.JSONDecodeError as exc:
            yield Failed(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
        except InputError as exc:
            yield Failed(where, str(exc))
