"""Control characters in an input never reach the store, whatever field they are in."""
from __future__ import annotations

import json

from newsdesk.normalise import plain_text
from newsdesk.pipeline import ingest_items
from newsdesk.sources.files import read_paths

# A JSONL record as outlets' archives deliver it now and then: a terminal colour code in the
# standfirst, a backspace in the outlet's name, stray controls everywhere else.
RECORD = {
    "url": "https://example.org/harbour\x07", "title": "Harbour\x1b reopens",
    "source": "Example\x08 Wire", "site": "https://example.org\x00",
    "summary": "The \x1b[31mharbour\x1b[0m is open\x1b again.", "byline": "By\x07 Jane Roe",
    "section": "Wor\x00ld", "language": "e\x01n", "attribution": "Reporting\x0e by AP",
    "published_at": "2025-11-03T08:00:00+00:00",
    "body": [{"kind": "paragraph", "text": "The harbour\x1b reopened on Monday\tafter a week "
              "of repairs\x7f to the sea wall,\nthe port authority said. 3 < 4 & so on."}],
    "media": [{"url": "https://img.example.org/harbour.jpg\x0b", "caption": "At\x1b dawn",
               "credits": [{"name": "Jane\x08 Roe", "role": "photographer"}]}]}


def _stored_texts(a) -> list[str]:
    return [a.url, a.title, a.source.name, a.source.site, a.summary, a.byline, a.section,
            a.language, a.attribution, *[b.text for b in a.body],
            *[x for m in a.media for x in (m.url, m.caption, *[c.name for c in m.credits])]]


def test_every_stored_text_field_is_free_of_controls(store, tmp_path):
    path = tmp_path / "archive.jsonl"
    path.write_text(json.dumps(RECORD) + "\n")
    report = ingest_items(store, read_paths([str(path)]), enrich=False)
    assert [r.status for r in report.results] == ["new"], report.results
    a = store.get_article(report.results[0].article_id)
    for text in _stored_texts(a):
        assert not any(ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f for ch in text), repr(text)
    assert a.summary == "The harbour is open again."  # the colour code goes whole
    assert a.source.name == "Example Wire" and a.title == "Harbour reopens"
    assert a.byline == "By Jane Roe" and a.media[0].caption == "At dawn"
    assert a.media[0].credits[0].name == "Jane Roe"
    # the body's whitespace becomes spaces, not nothing, and "<" in a paragraph is kept as text
    assert a.body[0].text == ("The harbour reopened on Monday after a week of repairs to the "
                              "sea wall, the port authority said. 3 < 4 & so on.")


def test_plain_text_drops_controls_an_entity_decodes_to():
    assert plain_text("a&#27;b &amp; c\x1b") == "ab & c"
    assert plain_text("tab\tand\nline") == "tab and line"
