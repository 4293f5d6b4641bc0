"""Turning untrusted bytes into text: size caps, binary detection, encodings."""
from __future__ import annotations

import codecs
import re

from ..errors import DecodeError, TooLargeError

# Larger than any real article page or feed file; a 50 MB file is refused, not parsed.
MAX_INPUT_BYTES = 20 * 1024 * 1024

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Control bytes that never occur in text (NUL and friends, not tab/newline/form feed).
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def check_size(data: bytes, limit: int = MAX_INPUT_BYTES) -> None:
    if len(data) > limit:
        raise TooLargeError(f"{len(data):,} bytes is over the {limit:,}-byte cap")


def declared_encoding(data: bytes) -> str | None:
    head = data[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        m = pattern.search(head)
        if m:
            name = m.group(1).decode("ascii", "replace")
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
    return None


def decode_text(data: bytes, limit: int = MAX_INPUT_BYTES) -> str:
    """Text from bytes: a BOM or a declared charset wins, else UTF-8, strictly.

    A file that is not text (control bytes in its head) or not valid in its encoding raises
    DecodeError naming the offset, rather than storing mojibake.
    """
    check_size(data, limit)
    if not data.strip():
        raise DecodeError("the input is empty")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="strict")
    if _BINARY.search(data[:8192]):
        raise DecodeError("the input looks binary, not text")
    encoding = declared_encoding(data) or "utf-8"
    try:
        return data.decode(encoding, errors="strict")
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            # A wrong declaration is common; valid UTF-8 is then the better guess.
            try:
                return data.decode("utf-8", errors="strict")
            except UnicodeDecodeError:
                pass
        raise DecodeError(f"not valid {exc.encoding} at byte {exc.start}") from None
