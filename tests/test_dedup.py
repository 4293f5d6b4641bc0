"""Wire copies: real copies ECB+ holds, edited copies of real articles, the diff, the gate."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.models import Article, Block, Source
from newsdesk.stories import dedup
from newsdesk.stories.stage import assign, record_copy
from newsdesk.web.app import create_app

FIX = Path(__file__).parent / "fixtures" / "stories"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from dedup import edit  # noqa: E402  (the benchmark's own way of editing wire copy)


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIX / name).open()]


def article(d: dict, source: str = "") -> Article:
    lines = [ln.strip() for ln in d["text"].split("\n") if ln.strip()]
    return Article(url=f"t:{d['doc_id']}:{source}", title=lines[0],
                   source=Source(name=source or d["doc_id"]),
                   body=[Block("paragraph", p) for p in lines[1:]], content_hash=d["doc_id"] + source)


def add(store, a: Article) -> int | None:
    a.id = store.add_article(a)
    with store.transaction():
        return record_copy(store, a)


def test_real_wire_copies_are_grouped_and_lookalikes_are_not(store):
    docs = {d["doc_id"]: d for d in rows("ecbplus_copies.jsonl")}
    ids = {k: None for k in docs}
    for k, d in docs.items():
        a = article(d)
        add(store, a)
        ids[k] = a.id
    groups = store.wire_groups(list(ids.values()))
    assert groups[ids["24_1ecbplus"]] == groups[ids["24_10ecbplus"]]
    assert groups[ids["29_1ecbplus"]] == groups[ids["29_5ecbplus"]]
    assert ids["24_8ecbplus"] not in groups  # same event, own words: not a copy


def test_edited_copy_is_found_and_its_changes_are_readable(store):
    d = rows("ecbplus_copies.jsonl")[2]
    original = article(d, "AFP")
    add(store, original)
    lines = [ln.strip() for ln in d["text"].split("\n") if ln.strip()][1:]
    copy = Article(url="t:copy", title="A new headline", source=Source(name="Outlet"),
                   body=[Block("paragraph", p) for p in lines[:-1] + ["Our own paragraph."]],
                   content_hash="copy")
    assert add(store, copy) == original.id
    ops = {c["op"] for c in dedup.changes(original.paragraphs, copy.paragraphs)}
    assert "added" in ops and ("removed" in ops or "edited" in ops)


def test_word_changes():
    assert dedup.word_changes("the cat sat", "the dog sat") == [{"removed": "cat", "added": "dog"}]


def test_short_texts_are_never_copies():
    a = dedup.shingles("Police said on Tuesday.")
    assert dedup.is_copy(a, a)[0] is False


def test_article_page_names_the_other_outlets(sqlite_store):
    d = rows("ecbplus_copies.jsonl")[0]
    first, second = article(d, "AP"), article(d, "Daily")
    second.body = second.body[:-1] + [Block("paragraph", "Added by the Daily.")]
    for a in (first, second):
        a.id = sqlite_store.add_article(a)
        assign(sqlite_store, a, [])
    client = TestClient(create_app(Settings.from_env(db=sqlite_store.url), sqlite_store))
    data = client.get(f"/api/articles/{second.id}").json()
    assert data["wire"]["first_id"] == first.id
    assert {c["source"] for c in data["wire"]["copies"]} == {"AP", "Daily"}
    assert "AP" in client.get(f"/articles/{second.id}").text


def test_evaluation_gate(sqlite_store):
    """Edited copies of the 69 fixture articles stored beside them (bench/dedup.py's edits);
    measured recall 0.984 (63 of 64), precision 1.0 on this sample (0.983 / 0.997 on all of
    ECB+)."""
    docs = rows("ecbplus_4topics.jsonl")
    rng = random.Random(7)
    originals = []
    for d in docs:
        a = article(d)
        add(sqlite_store, a)
        originals.append(a.id)
    right = attached = made = 0
    for i, d in enumerate(docs):
        if len(d["text"].split()) < 60:
            continue
        filler = max(docs[(i + 30) % len(docs)]["text"].split("\n"), key=len)
        (title,), paras = edit(d, rng, filler)
        copy = Article(url=f"copy:{i}", title=title, source=Source(name="outlet"),
                       body=[Block("paragraph", p) for p in paras], content_hash=f"c{i}")
        found = add(sqlite_store, copy)
        made += 1
        if found is not None:
            attached += 1
            group = sqlite_store.wire_group_of(originals[i])
            right += found == originals[i] or (group is not None and
                                               sqlite_store.wire_group_of(found) == group)
    print(f"gate: {made} copies, found {right}, attached {attached}")
    assert made >= 40
    assert right / made >= 0.95
    assert right / attached >= 0.98


def test_copies_are_looked_for_within_a_week_of_publication(store):
    """An article sharing a text with one published months before is not checked against it
    (candidates are bounded by date, so their number does not grow with the archive); a copy
    published the next day, or a day before its original in a back-filled archive, is found."""
    from datetime import datetime, timedelta, timezone

    d = rows("ecbplus_copies.jsonl")[2]
    lines = [ln.strip() for ln in d["text"].split("\n") if ln.strip()]
    day = datetime(2012, 3, 1, tzinfo=timezone.utc)

    def dated(name: str, when: datetime) -> Article:
        return Article(url=f"t:{name}", title=lines[0], source=Source(name=name),
                       body=[Block("paragraph", p) for p in lines[1:]], content_hash=name,
                       published_at=when)

    original = dated("AFP", day)
    add(store, original)
    assert add(store, dated("next-day", day + timedelta(days=1))) == original.id
    assert add(store, dated("day-before", day - timedelta(days=1))) == original.id
    assert add(store, dated("months-later", day + timedelta(days=90))) is None
