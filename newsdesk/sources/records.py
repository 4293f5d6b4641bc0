"""JSONL archives: one article per line, the format `scripts/build_corpus.py` writes.

Fields (all but `title` and a body optional): url, title, source, site, country, section,
published_at (ISO 8601), byline, language, summary, body (list of {kind, text}) or text
(paragraphs separated by blank lines), media (list of {url, caption, credits}), attribution.
Unknown fields are ignored. A bad line is an error for that line alone.
"""
from __future__ import annotations

import codecs
import gzip
import json
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError, ParseError
from ..models import BLOCK_KINDS, CREDIT_ROLES, Block, Credit, Failed, Media, RawItem
from .decode import MAX_INPUT_BYTES


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


def item_of_line(line: str, where: str) -> RawItem | Failed:
    """One line's item, or why that line failed."""
    try:
        return record_to_item(json.loads(line), where)
    except json.JSONDecodeError as exc:
        return Failed(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except InputError as exc:
        return Failed(where, str(exc))


def is_gzipped_jsonl(path: Path) -> bool:
    """An archive compressed whole (`archive.jsonl.gz`), as dumps of many articles come."""
    return path.name.lower().endswith(".jsonl.gz")


def _open_archive(path: Path):
    return gzip.open(path, "rb") if is_gzipped_jsonl(path) else path.open("rb")


def jsonl_lines(path: Path, start: int = 0) -> Iterator[tuple[int, str | Failed]]:
    """(line number, text) of each non-blank line of a JSONL file (or a `.jsonl.gz`, read
    through gzip) after the first `start`, read as a stream: an archive may hold millions of
    articles, so the file as a whole has no size cap, each line has MAX_INPUT_BYTES. A line
    over it, or not UTF-8, comes as a Failed and the rest go on; a line over the cap is
    skipped without being held in memory (so a compressed line cannot inflate past it)."""
    with _open_archive(path) as f:
        n = 0
        while True:
            raw = f.readline(MAX_INPUT_BYTES + 1)
            if not raw:
                return
            n += 1
            too_long = len(raw) > MAX_INPUT_BYTES and not raw.endswith(b"\n")
            if too_long:
                while raw and not raw.endswith(b"\n"):
                    raw = f.readline(1 << 20)  # the rest of the line, a megabyte at a time
            if n <= start:
                continue
            where = f"{path}:{n}"
            if too_long:
                yield n, Failed(where, f"line is over the {MAX_INPUT_BYTES:,}-byte cap")
                continue
            if n == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield n, Failed(where, f"not valid UTF-8 at byte {exc.start}")
                continue
            if line.strip():
                yield n, line


def count_lines(path: Path) -> int:
    """How many lines a file has (a last one without a newline counts), read a megabyte at a
    time."""
    n, last = 0, b"\n"
    with _open_archive(path) as f:
        while chunk := f.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def jsonl_items(path: Path, start: int = 0) -> Iterator[tuple[int, RawItem | Failed]]:
    """(line number, item) of each line of a JSONL file after the first `start`, streamed
    (jsonl_lines), the item a Failed saying why when its line is bad; a file that cannot be
    read to its end (gone, unreadable, a cut-off gzip) ends with a Failed for the file."""
    try:
        for n, line in jsonl_lines(path, start):
            yield n, line if isinstance(line, Failed) else item_of_line(line, f"{path}:{n}")
    except (OSError, EOFError, zlib.error) as exc:
        yield start, Failed(str(path), str(exc) or exc.__class__.__name__)


def read_jsonl_file(path: Path, start: int = 0) -> Iterator[RawItem | Failed]:
    """Each item of a JSONL file, or why its line failed (jsonl_items without the numbers)."""
    return (item for _n, item in jsonl_items(path, start))
