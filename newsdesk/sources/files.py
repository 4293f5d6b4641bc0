"""Local inputs: files and folders of HTML pages, page dumps, feed files and JSONL archives.

Each file is read, sniffed and turned into RawItems; a file that cannot be read yields a
`Failed` with the reason, and the rest go on.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..models import Failed, RawItem
from .decode import MAX_INPUT_BYTES, decode_text
from .feeds import looks_like_feed, parse_feed
from .records import is_gzipped_jsonl, read_jsonl_file

# Files that describe a folder rather than hold articles (licences, the demo manifest).
SKIP_NAMES = {"NOTICE", "LICENSE", "LICENSE.txt", "README.md", "SOURCES.md", "demo.json"}
SNIFF_BYTES = 8192  # what `sniff` reads of a file to tell its kind
KNOWN_SUFFIXES = {".html", ".htm", ".xhtml", ".txt", ".xml", ".rss", ".atom", ".json", ".jsonl",
                  ".rdf", ""}


def sniff(path: Path, data: bytes) -> str:
    """What kind of input this is: "jsonl", "feed", "html" or "dump"."""
    suffix = path.suffix.lower()
    if is_gzipped_jsonl(path):
        return "jsonl"
    head = data[:2048].lstrip().lower()
    if suffix == ".jsonl" or (suffix == ".json" and head.startswith(b"{") and
                               b"jsonfeed.org" not in data[:4096]):
        return "jsonl"
    if looks_like_feed(data):
        return "feed"
    if suffix in (".html", ".htm", ".xhtml") or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "dump"


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (child.is_file() and not child.name.startswith(".") and
                        child.name not in SKIP_NAMES and (child.suffix.lower() in KNOWN_SUFFIXES
                                                      or is_gzipped_jsonl(child))):
                    yield child
        else:
            yield path


def read_file(path: Path, source: str = "", section: str = "") -> Iterator[RawItem | Failed]:
    origin = str(path)
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
        kind = sniff(path, head)
        if kind == "jsonl":
            # an archive: read line by line, each line capped, the file as a whole not
            items: Iterable[RawItem | Failed] = read_jsonl_file(path)
        else:
            size = path.stat().st_size
            if size > MAX_INPUT_BYTES:
                raise InputError(f"{size:,} bytes is over the {MAX_INPUT_BYTES:,}-byte cap")
            data = path.read_bytes()
            if kind == "feed":
                items = parse_feed(data, origin).items
            else:
                text = decode_text(data)
                if kind == "html":
                    items = [RawItem(origin=origin, kind="html", html=text)]
                else:
                    items = [RawItem(origin=origin, kind="dump", text=text)]
    except (InputError, OSError) as exc:
        yield Failed(origin, str(exc) or exc.__class__.__name__)
        return
    for item in items:
        if isinstance(item, RawItem):
            # What the command line says overrides what the file says.
            item.source_name = source or item.source_name
            item.section = section or item.section
        yield item


def read_paths(paths: Iterable[str | Path], source: str = "",
               section: str = "") -> Iterator[RawItem | Failed]:
    for path in iter_files(paths):
        if not path.exists():
            yield Failed(str(path), "no such file or folder")
            continue
        yield from read_file(path, source, section)
