"""Normalisation: canonical URLs, content hashes, sane dates."""
from datetime import datetime, timedelta, timezone

from newsdesk.models import Block
from newsdesk.normalise import canonical_url, content_hash, plain_text, sane_date


def test_canonical_url_drops_trackers_fragments_and_default_ports():
    assert canonical_url("HTTPS://WWW.BBC.co.uk:443/news/world-1?at_medium=RSS&at_campaign=x#top") \
        == "https://www.bbc.co.uk/news/world-1"
    assert canonical_url("https://www.dw.com/en/a/a-1?maca=en-rss-en-all-1573-rdf") \
        == "https://www.dw.com/en/a/a-1"
    assert canonical_url("http://x.test:8080/p?id=3&utm_source=feed") == "http://x.test:8080/p?id=3"


def test_content_hash_ignores_case_spacing_and_punctuation_only():
    a = content_hash("Title", [Block("paragraph", "Hello,  World!")])
    assert a == content_hash("title", [Block("paragraph", "hello world")])
    assert a != content_hash("Title", [Block("paragraph", "Hello, Word!")])


def test_plain_text_strips_markup_and_entities():
    assert plain_text("<p>Fish &amp; <b>chips</b><script>x()</script></p>") == "Fish & chips"


def test_sane_date_rejects_the_future_and_the_implausible():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert sane_date(now + timedelta(days=3), now) is None
    assert sane_date(datetime(1970, 1, 1, tzinfo=timezone.utc), now) is None
    assert sane_date(datetime(2025, 5, 1), now).tzinfo is not None
