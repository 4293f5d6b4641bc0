"""Picture addresses are stored as a browser would fetch them: resolved against the page,
and never a data:, javascript: or other non-web URL."""
from __future__ import annotations

from newsdesk.extract import extract
from newsdesk.extract.html import extract_html, fragment_blocks, media_url
from newsdesk.models import RawItem

PAGE_URL = "https://news.example.org/world/2025/11/harbour-reopens"
PARAS = "".join(
    f"<p>The harbour reopened on Monday after a week of repairs to the sea wall, and paragraph "
    f"{i} of the report says more about the ships that waited outside for the storm to pass "
    f"and the crews who worked through the nights to finish the job.</p>" for i in range(6))


def _page(figures: str, head: str = "") -> str:
    return (f"<html><head><title>Harbour reopens</title>{head}</head><body><article>"
            f"<h1>Harbour reopens</h1>{figures}{PARAS}</article></body></html>")


def _fig(img: str, caption: str) -> str:
    return f"<figure>{img}<figcaption>{caption}</figcaption></figure>"


def test_relative_and_protocol_relative_sources_resolve_against_the_page():
    html = _page(_fig('<img src="/images/wall.jpg">', "The repaired sea wall")
                 + _fig('<img src="../../dawn.jpg">', "The harbour at dawn")
                 + _fig('<img src="//cdn.example.net/crew.jpg">', "The crew"))
    urls = {m.caption: m.url for m in extract_html(html, PAGE_URL)["media"]}
    assert urls == {"The repaired sea wall": "https://news.example.org/images/wall.jpg",
                    "The harbour at dawn": "https://news.example.org/world/dawn.jpg",
                    "The crew": "https://cdn.example.net/crew.jpg"}


def test_non_web_schemes_are_dropped_and_lazy_sources_used():
    html = _page(_fig('<img src="javascript:alert(1)">', "Script")
                 + _fig('<img src=" JavaScript:alert(1)">', "Script again")
                 + _fig('<img src="data:image/gif;base64,R0lGOD" data-src="/real/boat.jpg">',
                        "A boat")
                 + _fig('<img src="data:image/gif;base64,R0lGOD" '
                        'srcset="/s/ship-480.jpg 480w, /s/ship-960.jpg 960w">', "A ship"))
    urls = {m.caption: m.url for m in extract_html(html, PAGE_URL)["media"]}
    assert urls == {"Script": "", "Script again": "",
                    "A boat": "https://news.example.org/real/boat.jpg",
                    "A ship": "https://news.example.org/s/ship-480.jpg"}


def test_base_element_sets_where_relative_sources_point():
    html = _page(_fig('<img src="wall.jpg">', "The wall"),
                 head='<base href="https://static.example.org/media/">')
    assert extract_html(html, PAGE_URL)["media"][0].url == "https://static.example.org/media/wall.jpg"


def test_feed_fragment_pictures_resolve_against_the_entry_link():
    frag = ("<p>The harbour reopened on Monday.</p>"
            + _fig('<img src="/images/wall.jpg">', "The repaired sea wall")
            + _fig('<img src="data:image/png;base64,AAAA">', "Inline"))
    _, media = fragment_blocks(frag, PAGE_URL)
    assert [m.url for m in media] == ["https://news.example.org/images/wall.jpg", ""]
    # with no address to resolve against, a relative path is not kept as if it were one
    _, media = fragment_blocks(frag)
    assert [m.url for m in media] == ["", ""]


def test_media_url_edges():
    assert media_url("https://img.example.org/a.jpg", "") == "https://img.example.org/a.jpg"
    assert media_url("/a.jpg", "") == ""
    assert media_url("java\tscript:alert(1)", PAGE_URL) == ""
    assert media_url("blob:https://x.example/1", PAGE_URL) == ""
    assert media_url("http://[::1", PAGE_URL) == ""


def test_fetched_page_item_stores_resolved_media():
    item = RawItem(origin=PAGE_URL, kind="html", url=PAGE_URL,
                   html=_page(_fig('<img src="/images/wall.jpg">', "The repaired sea wall")))
    assert extract(item).media[0].url == "https://news.example.org/images/wall.jpg"


def test_feed_entry_item_stores_media_resolved_against_its_link():
    frag = ("<p>The harbour reopened on Monday after a week of repairs to the sea wall.</p>"
            + _fig('<img src="/images/wall.jpg">', "The repaired sea wall"))
    item = RawItem(origin="feed", kind="feed-entry", url=PAGE_URL, title="Harbour reopens", html=frag)
    assert extract(item).media[0].url == "https://news.example.org/images/wall.jpg"


def test_record_media_resolve_against_the_record_url():
    from newsdesk.models import Media
    from newsdesk.normalise import to_article

    item = RawItem(origin="r.jsonl", kind="record", url=PAGE_URL, title="Harbour reopens",
                   blocks=extract_html(_page(""), PAGE_URL)["blocks"],
                   media=[Media(url="/images/wall.jpg", caption="The repaired sea wall"),
                          Media(url="javascript:alert(1)", caption="x")])
    assert [m.url for m in to_article(item).media] == [
        "https://news.example.org/images/wall.jpg", ""]
