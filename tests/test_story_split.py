"""Story splitting: a story holding two events splits in two, a coherent story never does."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from newsdesk.models import Story
from newsdesk.stories import cluster
from newsdesk.stories.stage import article_vectors, assign, split_story

FIXTURE = Path(__file__).parent / "fixtures" / "stories" / "ecbplus_4topics.jsonl"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from stories import to_article  # noqa: E402  (the benchmark's own article builder)


def rows(*subtopics: str) -> list[dict]:
    found = [json.loads(line) for line in FIXTURE.open()]
    return [d for d in found if d["subtopic"] in subtopics]


def pile(store, docs: list[dict]) -> tuple[int, dict[str, int], dict[str, float]]:
    """Put these articles in one story, its state kept as the stage keeps it (the clusterer
    itself keeps these events apart, so the wrong merge is made by hand)."""
    sid = store.save_story(Story(title="pile"))
    ids, arts = {}, []
    with store.transaction():  # one commit, so PostgreSQL is not waited on per row
        for d in docs:
            a = to_article(d)
            a.id = store.add_article(a)
            store.bump_term_df(cluster.term_counts(a.title, a.text))
            store.update_article_fields(a.id, story_id=sid)
            ids[d["doc_id"]] = a.id
            arts.append(store.get_article(a.id))
    centroid: dict[str, float] = {}
    for v in article_vectors(store, arts):
        centroid = cluster.add_vectors(centroid, v)
    store.save_story_vector(sid, centroid, len(docs))
    return sid, ids, centroid


def test_two_events_in_one_story_split_in_two(store):
    big, small = rows("3_ecbplus"), rows("8_ecb")  # 11 and 8 articles, two unrelated events
    sid, ids, centroid = pile(store, big + small)
    new_id, moved = split_story(store, sid, centroid, len(ids))
    assert new_id is not None and new_id != sid
    assert moved == {ids[d["doc_id"]] for d in small}  # the smaller group moves
    for docs, story_id in ((big, sid), (small, new_id)):
        story = store.get_story(story_id)
        assert {store.get_article(ids[d["doc_id"]]).story_id for d in docs} == {story_id}
        assert story.article_count == len(docs)
        assert story.title in {to_article(d).title for d in docs}
        assert story.keywords and story.summary
        vec, n = store.story_vectors([story_id])[story_id]
        assert n == len(docs) and vec
    # each half is now coherent: checking again changes nothing
    for story_id in (sid, new_id):
        vec, n = store.story_vectors([story_id])[story_id]
        assert split_story(store, story_id, vec, n) == (None, set())


def test_coherent_story_never_splits(store):
    for subtopic in ("3_ecbplus", "8_ecbplus", "11_ecb", "16_ecbplus"):
        docs = rows(subtopic)
        sid, ids, centroid = pile(store, docs)
        assert split_story(store, sid, centroid, len(ids)) == (None, set()), subtopic
        assert store.get_story(sid).title == "pile"  # untouched: not even refreshed
        assert {store.get_article(i).story_id for i in ids.values()} == {sid}


def test_assignment_checks_and_keeps_counts_right(store):
    """Through the stage: every story's counts match its articles after any split."""
    docs = rows("11_ecb", "11_ecbplus", "3_ecb", "3_ecbplus")
    ids = {}
    for d in docs:
        a = to_article(d)
        a.id = store.add_article(a)
        assign(store, a, [])
        ids[d["doc_id"]] = a.id
    sids = {store.get_article(i).story_id for i in ids.values()}
    for sid in sids:
        members = [i for i in ids.values() if store.get_article(i).story_id == sid]
        story = store.get_story(sid)
        assert story.article_count == len(members)
        assert store.story_vectors([sid])[sid][1] == len(members)
        assert story.title in {store.get_article(i).title for i in members}
    # placed articles stay placed
    for i in ids.values():
        a = store.get_article(i)
        assert assign(store, a, []) == a.story_id
