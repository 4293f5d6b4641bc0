"""The safe fetcher against a real loopback server: caps, timeouts, redirects, addresses."""
from __future__ import annotations

import time

import pytest

from newsdesk.errors import BlockedAddressError, FetchError, TooLargeError
from newsdesk.sources.fetch import (Fetcher, Policy, check_url, fetch, make_client,
                                    retry_after_s, robots_allowed)
from test_fetch_server import (LoopbackServer, brotli_bomb, conditional, drip, endless,
                               fixture_feed, gzip_bomb, gzipped, redirect, send, slow, static)

import brotli

FAST = dict(host_delay_s=0.0, per_host=4)


@pytest.fixture
def server():
    with LoopbackServer("127.0.0.2") as s:
        yield s


def fetcher(**policy) -> Fetcher:
    p = Policy(**{"allow_private": True, **FAST, **policy})
    return Fetcher(make_client(p), p)


def test_plain_gzip_and_brotli_bodies_arrive_decoded(server):
    feed = fixture_feed("nyt_econ.xml")
    server.routes["/plain"] = static(feed)
    server.routes["/gz"] = static(gzipped(feed), Content_Encoding="gzip")
    server.routes["/br"] = static(brotli.compress(feed), Content_Encoding="br")
    f = fetcher()
    for path in ("/plain", "/gz", "/br"):
        got = fetch(f, server.url(path))
        assert got.status == 200 and got.content == feed, path
    ua = server.hits[0][1]["User-Agent"]
    assert ua.startswith("newsdesk/") and "br" in server.hits[0][1]["Accept-Encoding"]


def test_conditional_get_sends_validators_and_gets_304(server):
    server.routes["/feed"] = conditional(fixture_feed("nyt_econ.xml"))
    f = fetcher()
    first = fetch(f, server.url("/feed"))
    assert first.etag == '"v1"' and first.last_modified
    again = fetch(f, server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.content == b""
    assert server.hits[1][1]["If-None-Match"] == '"v1"'
    assert server.hits[1][1]["If-Modified-Since"] == first.last_modified


@pytest.mark.parametrize("bomb,encoding", [(gzip_bomb, "gzip"), (brotli_bomb, "br")])
def test_compression_bombs_stop_at_the_decompressed_cap(server, bomb, encoding):
    server.routes["/bomb"] = static(bomb(64), Content_Encoding=encoding)
    f = fetcher(max_bytes=1024 * 1024)
    with pytest.raises(TooLargeError, match="after decompression"):
        fetch(f, server.url("/bomb"))


def test_endless_body_stops_at_the_cap(server):
    server.routes["/endless"] = endless
    t0 = time.monotonic()
    with pytest.raises(TooLargeError):
        fetch(fetcher(max_bytes=2 * 1024 * 1024), server.url("/endless"))
    assert time.monotonic() - t0 < 5


def test_slow_answer_and_dripping_body_hit_the_time_cap(server):
    server.routes["/slow"] = slow(3)
    server.routes["/drip"] = drip
    f = fetcher(timeout_s=1.0)
    for path in ("/slow", "/drip"):
        t0 = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetch(f, server.url(path))
        assert time.monotonic() - t0 < 2.5, path


def test_redirect_loop_is_cut_and_permanent_moves_are_reported(server):
    server.routes["/a"] = redirect(server.url("/b"))
    server.routes["/b"] = redirect(server.url("/a"))
    server.routes["/old"] = redirect(server.url("/new"), 301)
    server.routes["/new"] = redirect(server.url("/feed"), 308)
    server.routes["/temp"] = redirect(server.url("/feed"), 302)
    server.routes["/feed"] = static(fixture_feed("nyt_econ.xml"))
    f = fetcher(max_redirects=3)
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(f, server.url("/a"))
    assert server.count("/a") + server.count("/b") == 4
    assert fetch(f, server.url("/old")).moved_to == server.url("/feed")
    assert fetch(f, server.url("/temp")).moved_to == ""


def test_unexpected_content_types_are_refused_before_the_body(server):
    server.routes["/img"] = static(b"\x89PNG" + b"\0" * 100, Content_Type="image/png")
    server.routes["/feed-as-page"] = static(fixture_feed("nyt_econ.xml"))
    with pytest.raises(FetchError, match="content type"):
        fetch(fetcher(), server.url("/img"))
    with pytest.raises(FetchError, match="content type"):
        fetch(fetcher(), server.url("/feed-as-page"), kind="page")


def test_http_errors_carry_status_and_retry_after(server):
    server.routes["/busy"] = static(b"", 429, Retry_After="120")
    server.routes["/gone"] = static(b"", 410)
    with pytest.raises(FetchError) as busy:
        fetch(fetcher(), server.url("/busy"))
    assert busy.value.status == 429 and busy.value.retry_after == 120
    with pytest.raises(FetchError) as gone:
        fetch(fetcher(), server.url("/gone"))
    assert gone.value.status == 410
    assert 50 < retry_after_s("Wed, 21 Oct 2015 07:29:00 GMT",
                              now=time.mktime((2015, 10, 21, 7, 28, 0, 0, 0, 0)) - time.timezone) < 70


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/feed", "http://10.0.0.1/feed",
                                    "http://169.254.169.254/latest/meta-data/",
                                    "http://[::1]:{port}/feed", "http://localhost:{port}/feed",
                                    "http://224.0.0.1/x", "http://[::ffff:127.0.0.1]:{port}/"])
def test_redirect_to_a_private_address_is_refused_before_connecting(target):
    # Only the first server's own address is allowed; everything else that is not public is not.
    with LoopbackServer("127.0.0.3") as entry, LoopbackServer("127.0.0.1") as inside:
        inside.routes["/feed"] = static(b"<rss>secret</rss>")
        entry.routes["/go"] = redirect(target.format(port=inside.port))
        p = Policy(allowed_networks=("127.0.0.3/32",), **FAST)
        f = Fetcher(make_client(p), p)
        with pytest.raises(BlockedAddressError, match="refused"):
            fetch(f, entry.url("/go"))
        assert entry.count("/go") == 1 and inside.hits == []


def test_addresses_are_checked_after_dns_and_inside_the_connection():
    p = Policy()
    with pytest.raises(BlockedAddressError):
        check_url("http://localhost/", p)  # a name, blocked for what it resolves to
    with pytest.raises(FetchError, match="not an http"):
        check_url("file:///etc/passwd", p)
    # The client alone (no fetch() pre-check) still cannot connect to loopback.
    with LoopbackServer("127.0.0.1") as inside, make_client(p) as client:
        inside.routes["/x"] = static(b"<rss/>")
        with pytest.raises(BlockedAddressError):
            client.get(inside.url("/x"))
        assert inside.hits == []


def test_robots_txt_is_respected_and_cached_per_origin(server):
    server.routes["/robots.txt"] = static(b"User-agent: *\nDisallow: /private/\n",
                                          Content_Type="text/plain")
    f = fetcher()
    assert robots_allowed(f, server.url("/news/1.html"))
    assert not robots_allowed(f, server.url("/private/1.html"))
    assert server.count("/robots.txt") == 1


def test_robots_txt_missing_allows_and_unreachable_disallows(server):
    server.routes["/robots.txt"] = lambda h: send(h, 503, b"", {"Content-Type": "text/plain"})
    f = fetcher()
    assert not robots_allowed(f, server.url("/a.html"))
    with LoopbackServer("127.0.0.4") as other:  # no robots.txt at all: 404
        assert robots_allowed(f, other.url("/a.html"))


def test_per_host_limit_and_delay_space_requests(server):
    server.routes["/feed"] = static(b"<rss/>")
    f = fetcher(per_host=1, host_delay_s=0.3)
    t0 = time.monotonic()
    for _ in range(3):
        fetch(f, server.url("/feed"))
    assert time.monotonic() - t0 >= 0.6
