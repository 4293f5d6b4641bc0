"""Wire-copy detection: exact duplicates in the BBC set and edited copies of real articles.

    python bench/dedup.py ../shared/data [--limit N]

Every article goes through the real path (store.add_article, then the story stage's wire-copy
check: MinHash LSH bands in the store, exact shingle check of the candidates) on a temporary
SQLite store.
1. BBC News (sections/bbc): gold pairs are the articles whose bodies are identical; a pair is
   found when both land in one wire group. Precision counts every other pair put together.
2. Edited wire copies of ECB+ articles (stories/ecbplus), made the way outlets edit wire copy,
   each copy by one or more of: a new headline, the ending trimmed (last paragraph or the last
   quarter of the words), a paragraph of its own added (taken from an unrelated article), a
   dateline and credit line added; stored beside all the originals, whose look-alike articles
   on the same event are the hard negatives. A copy counts as found when it is put with its
   own original, as a false alarm when it is put with anything else (pairs among the
   originals are real copies ECB+ holds, listed apart). The edits are seeded: half the articles (odd
   topics) were looked at while setting thresholds, the other half (even) is reported apart.
Last line: bbc_exact_recall=... bbc_precision=... bbc_precision_versions=... wire_recall=...
wire_precision=...
"""
from __future__ import annotations

import argparse
import difflib
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdesk.models import Article, Block, Source  # noqa: E402
from newsdesk.store.base import open_store  # noqa: E402
from newsdesk.stories.stage import record_copy  # noqa: E402

SEED = 7


def run(articles: list[Article]) -> dict[int, int]:
    """Store and check each article in turn; returns index -> wire group (or own index)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "dedup.db"))
        ids = []
        t0 = time.perf_counter()
        for a in articles:
            a.id = store.add_article(a)
            with store.transaction():
                record_copy(store, a)
            ids.append(a.id)
        took = time.perf_counter() - t0
        print(f"  {len(articles)} articles in {took:.1f} s ({len(articles) / took:.0f}/s)")
        groups = store.wire_groups(ids)
        store.close()
    index = {aid: i for i, aid in enumerate(ids)}
    return {i: index[groups[aid]] if aid in groups else i for i, aid in enumerate(ids)}


def pairs_of(groups: dict[int, int]) -> set[tuple[int, int]]:
    members = defaultdict(list)
    for i, g in groups.items():
        members[g].append(i)
    return {p for m in members.values() for p in combinations(sorted(m), 2)}


def bbc(path: Path, limit: int) -> tuple[float, float]:
    rows = [json.loads(line) for line in path.open()][: limit or None]
    arts = [Article(url=f"bbc:{i}", title=r["title"], source=Source(name="BBC"),
                    body=[Block("paragraph", p) for p in r["body"].split("\n\n") if p.strip()],
                    content_hash=f"bbc{i}") for i, r in enumerate(rows)]
    by_body = defaultdict(list)
    for i, r in enumerate(rows):
        by_body[r["body"].strip()].append(i)
    gold = {p for m in by_body.values() for p in combinations(m, 2)}
    print(f"BBC: {len(rows)} articles, {len(gold)} exact-duplicate pairs")
    found = pairs_of(run(arts))
    recall = len(gold & found) / len(gold) if gold else 1.0
    precision = len(gold & found) / len(found) if found else 1.0
    print(f"  exact pairs found {len(gold & found)}/{len(gold)} (recall {recall:.3f}); "
          f"pairs put together {len(found)}, precision {precision:.3f}")
    # Versions of one article, by checks independent of the detector: the BBC's own headline
    # is the same, or the bodies differ by a few characters (difflib ratio >= 0.9).
    versions = {(a, b) for a, b in found - gold if rows[a]["title"] == rows[b]["title"] or
                difflib.SequenceMatcher(a=rows[a]["body"], b=rows[b]["body"],
                                        autojunk=False).ratio() >= 0.9}
    p_versions = (len(gold & found) + len(versions)) / max(len(found), 1)
    print(f"  of the {len(found - gold)} pairs that are not exact, {len(versions)} are versions "
          "of one article (same BBC headline, or character diff ratio >= 0.9); counting those "
          f"as right, precision {p_versions:.3f}")
    for a, b in sorted(found - gold - versions)[:5]:
        print(f"    neither: {rows[a]['title']!r} ~ {rows[b]['title']!r}")
    return recall, precision, p_versions


def edit(doc: dict, rng: random.Random, filler: str) -> tuple[list[str], list[str]]:
    lines = [ln.strip() for ln in doc["text"].split("\n") if ln.strip()]
    title, paras = lines[0], lines[1:] or lines
    kinds = rng.sample(["headline", "trim", "add", "dateline"], rng.randint(1, 3))
    if "trim" in kinds:
        if len(paras) >= 4 and rng.random() < 0.5:
            paras = paras[:-1]
        else:
            words = " ".join(paras).split()
            keep = " ".join(words[: max(int(len(words) * 0.75), 10)])
            paras = [keep]
    if "add" in kinds:
        paras = paras + [filler]
    if "dateline" in kinds:
        paras = [f"PARIS (AFP) — {paras[0]}"] + paras[1:] + ["© Agence France-Presse"]
    if "headline" in kinds:
        title = "UPDATE: " + " ".join(reversed(title.split()[:8]))
    return [title], paras


def wire(path: Path, limit: int) -> dict[str, tuple[float, float]]:
    rows = [json.loads(line) for line in path.open()]
    rng = random.Random(SEED)
    rng.shuffle(rows)
    rows = rows[: limit or None]
    arts, origin, half = [], {}, {}
    for i, d in enumerate(rows):
        lines = [ln.strip() for ln in d["text"].split("\n") if ln.strip()]
        arts.append(Article(url=f"orig:{i}", title=lines[0], source=Source(name="wire"),
                            body=[Block("paragraph", p) for p in lines[1:] or lines],
                            content_hash=f"o{i}"))
        half[len(arts) - 1] = "odd" if d["topic"] % 2 else "even"
    copies = []
    for i, d in enumerate(rows):
        if len(d["text"].split()) < 60 or rng.random() < 0.5:
            continue  # short pieces are not wire stories; half the rest get copied
        other = rows[(i + len(rows) // 2) % len(rows)]
        filler = max(other["text"].split("\n"), key=len)
        (title,), paras = edit(d, rng, filler)
        copies.append((i, Article(url=f"copy:{i}", title=title, source=Source(name="outlet"),
                                  body=[Block("paragraph", p) for p in paras],
                                  content_hash=f"c{i}")))
    all_arts = arts + [c for _, c in copies]
    for k, (i, _) in enumerate(copies):
        origin[len(arts) + k] = i
        half[len(arts) + k] = half[i]
    print(f"ECB+ edited wire copies: {len(arts)} originals, {len(copies)} copies")
    groups = run(all_arts)
    out = {}
    for name in ("odd", "even", "all"):
        mine = [c for c in origin if name == "all" or half[c] == name]
        right = sum(1 for c in mine if groups[c] != c and groups[c] == groups[origin[c]])
        attached = sum(1 for c in mine if groups[c] != c)
        recall = right / len(mine) if mine else 1.0
        precision = right / attached if attached else 1.0
        print(f"  {name:4}: copies put with their original {right}/{len(mine)} (recall "
              f"{recall:.3f}); copies put with any article {attached}, precision {precision:.3f}")
        out[name] = (recall, precision)
    natural = pairs_of({i: g for i, g in groups.items() if i < len(arts)})
    print(f"  originals put together (copies ECB+ itself holds: outlets running the same AP "
          f"or Reuters text): {len(natural)} pairs")
    for a, b in sorted(natural)[:5]:
        print(f"    {all_arts[a].title!r} ~ {all_arts[b].title!r}")
    return out

def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", help="the shared data folder (../shared/data)")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    data = Path(args.data)
    bbc_file = data / "sections" / "bbc" / "bbc_news.jsonl"
    ecb_file = data / "stories" / "ecbplus" / "ecbplus_docs.jsonl"
    for f in (bbc_file, ecb_file):
        if not f.is_file():
            sys.exit(f"data not found: {f}")
    r_bbc, p_bbc, p_bbc_versions = bbc(bbc_file, args.limit)
    r_wire, p_wire = wire(ecb_file, args.limit)["all"]
    print(f"bbc_exact_recall={r_bbc:.4f} bbc_precision={p_bbc:.4f} "
          f"bbc_precision_versions={p_bbc_versions:.4f} "
          f"wire_recall={r_wire:.4f} wire_precision={p_wire:.4f}")


if __name__ == "__main__":
    main()
