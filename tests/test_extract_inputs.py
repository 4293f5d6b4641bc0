"""Every kind of input, and hostile ones: errors are the right ones and come quickly."""
import gzip
import json
import time
from pathlib import Path

import pytest

from newsdesk.errors import DecodeError, ExtractError, ParseError, TooLargeError
from newsdesk.extract import MAX_INPUT_CHARS, extract
from newsdesk.models import Block, RawItem

SAMPLE = Path(__file__).parent / "fixtures" / "extract" / "eval_sample.json.gz"


def _page():
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as f:
        return json.load(f)["html"][0]


def test_html_page_gives_blocks_and_metadata():
    page = _page()
    a = extract(RawItem(origin=page["file"], kind="html", html=page["html"]))
    assert a.blocks and all(b.kind in ("paragraph", "subhead") for b in a.blocks)
    assert a.title
    assert any(w in " ".join(b.text for b in a.blocks) for w in page["with"])


def test_feed_entry_fragment_keeps_given_fields():
    html = "<p>First paragraph of the entry.</p><h2>A subhead</h2><p>Second <b>paragraph</b>.</p>"
    a = extract(RawItem(origin="feed", kind="feed-entry", html=html, title="Given"))
    assert a.title == "Given"
    assert [(b.kind, b.text) for b in a.blocks] == [
        ("paragraph", "First paragraph of the entry."), ("subhead", "A subhead"),
        ("paragraph", "Second paragraph.")]


def test_feed_entry_plain_text_and_record_text_split_into_paragraphs():
    a = extract(RawItem(origin="feed", kind="feed-entry", text="One.\n\nTwo."))
    assert [b.text for b in a.blocks] == ["One.", "Two."]
    r = extract(RawItem(origin="rec", kind="record", text="Alpha beta.\n\nGamma delta."))
    assert [b.text for b in r.blocks] == ["Alpha beta.", "Gamma delta."]
    given = [Block("paragraph", "kept")]
    assert extract(RawItem(origin="rec", kind="record", blocks=given)).blocks == given


@pytest.mark.parametrize("kind, field", [("html", "html"), ("dump", "text"), ("feed-entry", "html"),
                                         ("record", "text")])
def test_empty_input_is_an_extract_error(kind, field):
    with pytest.raises(ExtractError):
        extract(RawItem(origin="empty", kind=kind, **{field: "   "}))


def test_binary_input_is_a_decode_error():
    junk = "".join(chr(i % 32) for i in range(5000))
    for kind, field in (("html", "html"), ("dump", "text")):
        with pytest.raises(DecodeError):
            extract(RawItem(origin="bin", kind=kind, **{field: junk}))


def test_huge_input_is_refused_quickly():
    huge = "<html><body>" + "<p>word word word</p>" * (MAX_INPUT_CHARS // 20 + 10) + "</body></html>"
    t0 = time.monotonic()
    for kind, field in (("html", "html"), ("dump", "text"), ("feed-entry", "html")):
        with pytest.raises(TooLargeError):
            extract(RawItem(origin="huge", kind=kind, **{field: huge}))
    assert time.monotonic() - t0 < 2


def test_truncated_and_deeply_nested_html_end_quickly():
    page = _page()["html"]
    t0 = time.monotonic()
    try:
        a = extract(RawItem(origin="cut", kind="html", html=page[: len(page) // 2]))
        assert a.blocks
    except ExtractError:
        pass
    deep = "<div>" * 100_000 + "text" + "</div>" * 100_000
    with pytest.raises((ParseError, ExtractError)):
        extract(RawItem(origin="deep", kind="html", html=deep))
    assert time.monotonic() - t0 < 10


def test_chrome_only_dump_is_an_extract_error():
    with pytest.raises(ExtractError):
        extract(RawItem(origin="menu", kind="dump", text="Home\nNews\nSport\nContact\nLog in\n"))


@pytest.mark.parametrize("ref", [b"&#xD800;", b"&#56191;", b"&#x110000;", b"&#99999999999;"])
def test_a_feed_with_a_reference_to_no_character_is_read(ref):
    """feedparser crashed (UnicodeEncodeError, ValueError, OverflowError) on a character
    reference to a surrogate or past U+10FFFF, and the whole feed was lost; found by fuzzing
    the real NYT feed. The reference reads as U+FFFD and every entry is kept."""
    from newsdesk.sources.feeds import parse_feed

    data = (Path(__file__).parent / "fixtures" / "feeds" / "nyt_econ.xml").read_bytes()
    whole = parse_feed(data, "nyt")
    bad = data.replace(b"<title>", b"<title>" + ref, 3)
    feed = parse_feed(bad, "nyt")
    assert len(feed.items) == len(whole.items) > 3
    assert any("\ufffd" in item.title for item in feed.items)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for item in feed.items for c in item.title)
