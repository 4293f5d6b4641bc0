"""The exception tree of newsdesk.

    NewsdeskError                 anything newsdesk raises on purpose
    ├── InputError                one item of input is unusable (reported, the batch goes on)
    │   ├── TooLargeError         over a size cap
    │   ├── DecodeError           not text, or not in any encoding we can read
    │   ├── ParseError            malformed feed, JSON, XML, unsafe XML (entity expansion)
    │   └── ExtractError          parsed, but no article text in it
    ├── FetchError                a network fetch failed (status, timeout, refused address)
    │   └── BlockedAddressError   the URL resolves to an address we must not contact
    ├── QueryError                a search query that cannot be parsed (carries the position)
    └── StoreError                the store refused an operation (missing row, bad state)
        └── NotFound
"""
from __future__ import annotations


class NewsdeskError(Exception):
    pass


class InputError(NewsdeskError):
    pass


class TooLargeError(InputError):
    pass


class DecodeError(InputError):
    pass


class ParseError(InputError):
    pass


class ExtractError(InputError):
    pass


class FetchError(NewsdeskError):
    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BlockedAddressError(FetchError):
    pass


class QueryError(NewsdeskError):
    def __init__(self, message: str, position: int | None = None):
        super().__init__(message if position is None else f"{message} (at character {position})")
        self.position = position


class StoreError(NewsdeskError):
    pass


class NotFound(StoreError):
    pass


# Database errors that say "not now" rather than "not this article": SQLite's lock timeout,
# PostgreSQL's serialization failures, deadlocks and lock timeouts (SQLSTATE 40001, 40P01,
# 55P03). Checked by name and code so this module needs neither driver.
_TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}


def is_transient(exc: BaseException) -> bool:
    """True for a database that was busy or locked: worth retrying, not the article's fault."""
    code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if code in _TRANSIENT_SQLSTATES:
        return True
    text = str(exc).lower()
    return type(exc).__name__ == "OperationalError" and (
        "database is locked" in text or "database is busy" in text)
