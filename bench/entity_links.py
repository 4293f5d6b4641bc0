"""Cross-article entity linking: does every article about an organisation or a person link
the same entity, whichever way the article writes its name?

Usage: python bench/entity_links.py DATA [--corpus data/corpus]

DATA is the shared data folder (../shared/data). Its `corpus/wikinews-timeline` holds the
SemEval-2015 TimeLine gold: for each target entity ("General Motors", "Airbus", "Barack
Obama", ...) the events it takes part in, each with the document it is told in. The bundled
demo corpus holds those documents (built from the same TimeML by scripts/build_corpus.py).
The bench builds a store from the whole bundled corpus (as `newsdesk demo` does, who stage
only), finds the target's entity (keyed as an `entity:` search for its name finds it,
names.name_keys; targets that are no name the store keeps, like "US stock markets", are
listed as not found), and reports the share of the target's gold documents that link it: the rest linked another spelling
("Apple Inc.", "General Motors Corporation") or nothing.

Last line: `link_recall=<macro mean over targets> link_recall_micro=<over documents> targets=<n>`.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TIMELINE = Path("corpus") / "wikinews-timeline" / "SemEval_Task4_data"


def _norm(title: str) -> str:
    return re.sub(r"[\W_]+", "", title).lower()


def gold_documents(data: Path) -> dict[str, set[str]]:
    """Target entity name -> titles (normalised) of the documents its gold timeline uses."""
    out: dict[str, set[str]] = defaultdict(set)
    for corpus in sorted((data / TIMELINE).glob("corpus_*")):
        titles = {}
        for tml in (corpus / "corpus_trackA_TimeML").glob("*.tml"):
            root = ElementTree.parse(tml).getroot()
            titles[root.findtext("DOCID").strip()] = _norm(root.findtext("EXTRAINFO") or "")
        for timeline in sorted((corpus / "TimeLines_Gold_Standard").glob("*.txt")):
            lines = timeline.read_text(encoding="utf-8").splitlines()
            target = lines[0].strip()
            for line in lines[1:]:
                for event in line.split("\t")[2:]:
                    doc = event.split("-")[0]
                    if doc in titles:
                        out[target].add(titles[doc])
    return out


def build_store(db: str, corpus: Path):
    from newsdesk.corpus import bundled_inputs
    from newsdesk.enrich.stages import enrich_stages
    from newsdesk.pipeline import enrich_articles, ingest_items
    from newsdesk.sources.files import read_paths
    from newsdesk.store.base import open_store

    store = open_store(db)
    items = [item for entry in bundled_inputs(corpus)
             for item in read_paths([str(entry.path)], entry.source, entry.section)]
    ids = ingest_items(store, items, enrich=False).new_ids
    who = [s for s in enrich_stages() if s.name == "who"]
    for start in range(0, len(ids), 32):  # in ingest order, as the demo enriches
        enrich_articles(store, ids[start:start + 32], who)
    return store, ids


def corpus_arguments(doc: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    ap.add_argument("--corpus", type=Path, default=None, help="the bundled corpus (data/corpus)")
    return ap


def figures_on_corpus(args: argparse.Namespace, evaluate, **options) -> dict | None:
    """`evaluate(data, store, ids, **options)` on a fresh store of the bundled corpus (who
    stage only); None, said why, when the TimeLine data is absent."""
    if not (args.data / TIMELINE).is_dir():
        print(f"TimeLine data not found: {args.data / TIMELINE} (give the shared data folder)")
        return None
    from newsdesk.corpus import BUNDLED_CORPUS

    with tempfile.TemporaryDirectory() as tmp:
        store, ids = build_store(str(Path(tmp) / "corpus.db"), args.corpus or BUNDLED_CORPUS)
        try:
            return evaluate(args.data, store, ids, **options)
        finally:
            store.close()


def main(argv: list[str] | None = None) -> int:
    figures = figures_on_corpus(corpus_arguments(__doc__).parse_args(argv), evaluate)
    if figures is None:
        return 2
    if not figures["targets"]:
        print("no target found")
        return 1
    print(f"link_recall={figures['link_recall']:.4f} "
          f"link_recall_micro={figures['link_recall_micro']:.4f} targets={figures['targets']}")
    return 0


def evaluate(data: Path, store, ids: list[int]) -> dict[str, float]:
    """The figures for a store built from the bundled corpus (`build_store`), printing
    each target's row."""
    from newsdesk.enrich.names import entity_key, name_keys

    gold = gold_documents(data)
    by_title = {_norm(store.get_article(i).title): i for i in ids}
    linked = store.entities_of_articles(ids)  # article id -> its entities
    linked_ids = {d: {e.entity_id for e in named} for d, named in linked.items()}
    recalls: list[float] = []
    hits = total = 0
    not_found: list[str] = []
    print(f"{'target':32} {'docs':>4} {'linked':>6}  entity; what the others linked instead")
    for target in sorted(gold):
        docs = [by_title[t] for t in gold[target] if t in by_title]
        # keyed as an `entity:` search for the target's name finds it ("US Federal Reserve":
        # the Federal Reserve)
        key, keys = entity_key(target), set(name_keys(target))
        ents = {e.entity_id: e for d in docs for e in linked.get(d, [])
                if entity_key(e.name, e.type) in keys or entity_key(e.name) in keys}
        if not docs or not ents:
            not_found.append(target)
            continue
        # one key, at most one entity per type: take the type most of its documents link
        best = max(ents, key=lambda eid: sum(eid in linked_ids.get(d, ()) for d in docs))
        ok = [d for d in docs if best in linked_ids.get(d, ())]
        words = set(key.split())
        instead = sorted({e.name for d in docs if d not in ok for e in linked.get(d, [])
                          if words & set(entity_key(e.name).split())})
        recalls.append(len(ok) / len(docs))
        hits += len(ok)
        total += len(docs)
        print(f"{target[:32]:32} {len(docs):4d} {len(ok):6d}  {ents[best].name}"
              + (f"; {', '.join(instead)}" if instead else ""))
    print(f"not found as an entity: {', '.join(not_found) or 'none'}")
    return {"link_recall": statistics.fmean(recalls) if recalls else 0.0,
            "link_recall_micro": hits / total if total else 0.0, "targets": len(recalls)}


if __name__ == "__main__":
    sys.exit(main())
