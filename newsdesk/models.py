"""Core records that flow between the pipeline stages and the store.

Plain slotted dataclasses: no I/O, no validation beyond types. Validation happens at the
edges (the API's pydantic models, the source readers).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

CREDIT_ROLES = ("photographer", "pool", "agency", "other")
BLOCK_KINDS = ("paragraph", "subhead")


@dataclass(slots=True)
class Source:
    """An outlet: a newspaper, a broadcaster, a wire agency, a blog."""

    name: str
    site: str = ""
    country: str = ""
    language: str = ""
    id: int | None = None


@dataclass(slots=True)
class Feed:
    """A feed of an outlet, with the state that polite polling needs."""

    url: str
    source_id: int | None = None
    title: str = ""
    etag: str = ""
    last_modified: str = ""
    next_check_at: datetime | None = None
    interval_s: int = 3600
    error_count: int = 0
    last_error: str = ""
    last_error_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_new_at: datetime | None = None
    active: bool = True
    id: int | None = None


@dataclass(slots=True)
class Credit:
    name: str
    role: str  # one of CREDIT_ROLES


@dataclass(slots=True)
class Media:
    url: str = ""
    caption: str = ""
    credits: list[Credit] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    """One block of an article body: a paragraph or a subhead."""

    kind: str  # one of BLOCK_KINDS
    text: str


@dataclass(slots=True)
class RawItem:
    """What a source reader hands to extraction: one document, not yet understood.

    Exactly one of `html`, `text` or `blocks` usually carries the content: `html` for web
    pages and feed entries with markup, `text` for plain-text page dumps, `blocks` when the
    reader already knows the structure (JSONL archives, the bundled corpus).
    """

    origin: str  # file path or URL it came from, for error messages
    kind: str  # "html" | "dump" | "feed-entry" | "record"
    url: str = ""
    html: str = ""
    text: str = ""
    title: str = ""
    source_name: str = ""
    source_site: str = ""
    section: str = ""
    byline: str = ""
    published_at: datetime | None = None
    language: str = ""
    summary: str = ""
    blocks: list[Block] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)
    attribution: str = ""  # licence / credit line that must travel with the text
    feed_id: int | None = None


@dataclass(slots=True)
class Article:
    url: str
    title: str
    source: Source
    body: list[Block] = field(default_factory=list)
    section: str = ""  # the site's section (NEWSDESK_SECTIONS) once the section stage ran
    section_given: bool = False  # True when mapped from what the outlet gave, False when predicted
    byline: str = ""
    published_at: datetime | None = None
    language: str = ""
    summary: str = ""
    summary_generated: bool = False
    media: list[Media] = field(default_factory=list)
    attribution: str = ""
    content_hash: str = ""
    fetched_at: datetime | None = None
    story_id: int | None = None
    feed_id: int | None = None
    id: int | None = None
    kicker: str = ""  # the outlet's label before the headline ("Opinion"), split off at ingest
    # The section as the outlet named it ("World news", "Obituaries"), kept as given: the
    # section stage maps it afresh whenever the site's list changes.
    outlet_section: str = ""

    @property
    def given_section_name(self) -> str:
        """The outlet's own section name: `outlet_section`, or for an article made with only
        a given `section` (not yet mapped), that."""
        return self.outlet_section or (self.section if self.section_given else "")

    @property
    def indexed_title(self) -> str:
        """The title as full-text search reads it: with its kicker (a search for "opinion"
        finds the opinion pieces)."""
        return f"{self.kicker} {self.title}" if self.kicker else self.title

    @property
    def text(self) -> str:
        """The body as plain text, blocks separated by blank lines."""
        return "\n\n".join(b.text for b in self.body)

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.body if b.kind == "paragraph"]


@dataclass(slots=True)
class EntityMention:
    """A span in one article that names an entity."""

    text: str
    type: str  # PERSON | ORG | PLACE | NORP | EVENT | OTHER
    block: int  # index into Article.body
    start: int  # character offsets within that block's text
    end: int
    canonical: str = ""  # the name the store knows it by, once resolved
    role: str = ""  # a role the text gives ("Japanese Prime Minister")


@dataclass(slots=True)
class Entity:
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    id: int | None = None
    # keys of the one-word forms an article used for this longer name (a surname, an
    # acronym): later articles that use only that form are resolved to it
    short_forms: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Quote:
    text: str
    speaker: str  # as resolved: the canonical name where known
    kind: str = "direct"  # "direct" | "indirect"
    cue: str = ""  # the verb: said, told, added
    said_to: str = ""
    speaker_role: str = ""
    speaker_entity_id: int | None = None
    block: int = 0
    start: int = 0
    end: int = 0
    # (block, start, end) of the words that name the speaker ("he", "the president"), if any
    speaker_at: tuple[int, int, int] | None = None


@dataclass(slots=True)
class DateMention:
    text: str
    sentence: str
    value: str  # ISO date (YYYY, YYYY-MM or YYYY-MM-DD) it resolves to
    granularity: str  # "day" | "month" | "year"
    block: int = 0
    # "event": when what the sentence tells happened (or will); "reference": a point it
    # compares with ("its lowest level since 2003", "its November 20, 2008 low"), which a
    # story's timeline does not put the sentence under
    role: str = "event"


@dataclass(slots=True)
class Enrichment:
    """Everything the enrich stages add to one article; stored as a whole, per stage."""

    entities: list[EntityMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    # the words (lower case) the model tagged as nouns in the body or headline: what a
    # one-word keyword must be; read by the who stage, not stored
    nouns: frozenset[str] = frozenset()


@dataclass(slots=True)
class Story:
    title: str
    summary: str = ""
    section: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    article_count: int = 0
    source_count: int = 0
    keywords: list[str] = field(default_factory=list)
    id: int | None = None


@dataclass(slots=True)
class Feedback:
    article_id: int
    kind: str  # "rating" | "comment" | "error"
    rating: int | None = None
    text: str = ""
    client: str = ""
    status: str = "new"  # "new" | "approved" | "rejected"
    created_at: datetime | None = None
    id: int | None = None


@dataclass(slots=True)
class IngestResult:
    """What happened to one item on its way into the store."""

    origin: str
    status: str  # "new" | "duplicate" | "failed"
    article_id: int | None = None
    error: str = ""


@dataclass(slots=True)
class Failed:
    """An input item that could not be read; it is reported and the batch goes on."""

    origin: str
    reason: str
