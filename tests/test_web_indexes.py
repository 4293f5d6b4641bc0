"""The search indexes a site derives from its store: a large rebuild never holds up a reader."""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.models import Article, Block, Source
from newsdesk.search import textindex, vectors
from newsdesk.search.stage import run_embed
from newsdesk.store.base import open_store
from newsdesk.web.app import create_app
from newsdesk.web.indexes import DerivedIndexes

FIX = Path(__file__).parent / "fixtures" / "search" / "ecbplus_topics_3to6.jsonl"
DOCS = [json.loads(line) for line in FIX.open(encoding="utf-8")][:12]
DAY0 = datetime(2025, 10, 1, tzinfo=timezone.utc)


def _site(tmp_path: Path):
    store = open_store(str(tmp_path / "site.db"))
    arts = []
    for i, doc in enumerate(DOCS):
        lines = [ln for ln in doc["text"].split("\n") if ln.strip()]
        art = Article(url=f"https://ecbplus.example/{doc['doc_id']}", title=lines[0],
                      source=Source(name="Reuters"), section="World",
                      published_at=DAY0 + timedelta(days=i), content_hash=doc["doc_id"],
                      body=[Block("paragraph", ln) for ln in lines[1:]])
        art.id = store.add_article(art)
        arts.append(art)
    run_embed(store, arts)
    return store, arts


def _rarest_title_word(arts: list[Article]) -> tuple[str, Article]:
    """A title word of one article that no other article's text has (a query with one answer)."""
    for art in arts:
        for word in art.title.split():
            word = word.strip(".,:;'\"()").lower()
            if len(word) > 4 and word.isalpha() and not any(
                    word in (o.title + " " + " ".join(o.paragraphs)).lower()
                    for o in arts if o is not art):
                return word, art
    raise AssertionError("no article has a word of its own")


def test_readers_are_answered_while_a_large_index_is_rebuilt(tmp_path, monkeypatch):
    store, arts = _site(tmp_path)
    word, art = _rarest_title_word(arts)
    # The real rebuild, held until the reader has been answered: a stand-in for the minutes
    # a million articles take.
    held, real = threading.Event(), textindex.rebuild
    monkeypatch.setattr(textindex, "rebuild", lambda *a, **k: held.wait(20) and real(*a, **k))
    app = create_app(Settings(db=store.url), store)
    app.state.indexes = DerivedIndexes(store, in_request=len(arts) - 1)  # this store is "large"
    with TestClient(app) as client:
        t0 = time.monotonic()
        res = client.get("/api/search", params={"q": word}).json()
        page = client.get(f"/articles/{art.id}")
        waited = time.monotonic() - t0
        assert "text" in res["indexing"]
        assert [h["id"] for h in res["items"]][:1] == [art.id]  # by the store's own index
        assert page.status_code == 200
        assert "being rebuilt" in client.get("/search", params={"q": word}).text
        assert waited < 10  # the rebuild is held for 20 s
        held.set()
        app.state.indexes.wait(30)
        done = client.get("/api/search", params={"q": word}).json()
        assert done["indexing"] == [] and [h["id"] for h in done["items"]][:1] == [art.id]
        assert "being rebuilt" not in client.get("/search", params={"q": word}).text
    ti = app.state.indexes.text()
    assert ti is not None and ti.index.searcher().num_docs == len(arts)
    store.close()


def test_a_small_index_is_built_in_the_request_and_reopened_from_its_folder(tmp_path):
    store, arts = _site(tmp_path)
    first = DerivedIndexes(store)  # 12 articles: well under IN_REQUEST
    ti, vi = first.text(), first.vectors()
    assert first.building() == []
    assert ti.index.searcher().num_docs == len(arts) and len(vi.index) == len(arts)
    # The next process finds both in step on disk and loads them, without a rebuild.
    assert textindex.load_text_index(store) is not None
    assert vectors.load_index(store) is not None
    store.close()


def test_an_index_damaged_on_disk_is_rebuilt_not_a_500(tmp_path):
    """Both index files in step by size and count but unreadable (a bad disk block, a torn
    write): every search and article page was a 500 until someone deleted them by hand."""
    store, arts = _site(tmp_path)
    first = DerivedIndexes(store)
    first.text(), first.vectors()
    vector_file = vectors.index_path(store)
    vector_file.write_bytes(b"\0" * vector_file.stat().st_size)  # the same size: "in step"
    (textindex.index_path(store) / "meta.json").write_text("garbage")
    assert vectors.load_index(store) is None and textindex.load_text_index(store) is None
    word, art = _rarest_title_word(arts)
    client = TestClient(create_app(Settings(db=store.url), store))
    assert client.get(f"/articles/{art.id}").status_code == 200
    found = client.get("/api/search", params={"q": word, "mode": "text"})
    assert found.status_code == 200 and [i["id"] for i in found.json()["items"]] == [art.id]
    meaning = client.get("/api/search", params={"q": art.title, "mode": "semantic"})
    assert meaning.status_code == 200 and meaning.json()["items"]
    # made again on disk: the next process loads them
    assert vectors.load_index(store) is not None and textindex.load_text_index(store) is not None
    store.close()


def test_a_failed_rebuild_is_logged_and_tried_again_later(tmp_path, monkeypatch):
    store, arts = _site(tmp_path)
    calls = []

    def failing(*a, **k):
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setattr(textindex, "rebuild", failing)
    indexes = DerivedIndexes(store, in_request=1)
    assert indexes.text() is None
    indexes.wait(10)
    assert indexes.text() is None and len(calls) == 1  # not retried on every request
    monkeypatch.undo()  # the real rebuild again, and no wait before retrying
    monkeypatch.setattr("newsdesk.web.indexes.RETRY_AFTER", 0.0)
    assert indexes.text() is None  # started again, in its thread
    indexes.wait(10)
    assert indexes.text().index.searcher().num_docs == len(arts)
    store.close()


def test_writes_during_a_large_rebuild_are_in_the_index_it_opens(tmp_path):
    store, arts = _site(tmp_path)
    indexes = DerivedIndexes(store, in_request=1)
    assert indexes.text() is None and indexes.vectors() is None  # under way, in threads
    late = Article(url="https://example.org/late", title="Zanzibar ferry timetable",
                   source=Source(name="AFP"), content_hash="late",
                   body=[Block("paragraph", "The Zanzibar ferry runs twice a day.")])
    late.id = store.add_article(late)  # written during (or just after) the rebuild
    indexes.wait(120)
    assert indexes.building() == []
    ti, vi = indexes.text(), indexes.vectors()
    assert ti is not None and vi is not None
    hits, _ = textindex.ranked(store, ti, textindex.any_word(["zanzibar"]), limit=3)
    assert [i for i, _ in hits] == [late.id]  # the site's index caught up with the late write
    assert len(vi.index) == len(arts)
    store.close()


def test_a_large_backlog_is_applied_beside_the_readers(tmp_path, monkeypatch):
    """An index in step with an older store (articles written while the site was down or
    nobody searched) catches up in a thread, on opening and later; readers meanwhile get
    the store's own index, and then the caught-up one."""
    store, arts = _site(tmp_path)
    textindex.open_text_index(store)  # saved in step with these articles
    late = []
    for i in range(3):  # written since: more than this site applies in a request
        a = Article(url=f"https://example.org/late{i}", title=f"Zanzibar ferry notice {i}",
                    source=Source(name="AFP"), content_hash=f"late{i}",
                    body=[Block("paragraph", "The Zanzibar ferry runs twice a day.")])
        a.id = store.add_article(a)
        late.append(a.id)
    held, real = threading.Event(), textindex.sync
    monkeypatch.setattr(textindex, "sync", lambda *a, **k: held.wait(20) and real(*a, **k))
    indexes = DerivedIndexes(store, in_request=2)
    t0 = time.monotonic()
    assert indexes.text() is None and indexes.building() == ["text"]
    assert time.monotonic() - t0 < 10  # the catch-up is held for 20 s
    held.set()
    indexes.wait(30)
    ti = indexes.text()
    hits, _ = textindex.ranked(store, ti, textindex.any_word(["zanzibar"]), limit=5)
    assert sorted(i for i, _ in hits) == late
    # later, three more written without a search between: caught up the same way
    for i in range(3, 6):
        store.add_article(Article(url=f"https://example.org/late{i}", title=f"Ferry {i}",
                                  source=Source(name="AFP"), content_hash=f"late{i}",
                                  body=[Block("paragraph", "The Zanzibar ferry is late.")]))
    assert indexes.text() is None
    indexes.wait(30)
    assert indexes.text() is ti and textindex.backlog(store, ti) == 0
    store.close()
