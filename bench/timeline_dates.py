"""Story timelines: does the date newsdesk puts a sentence under say when its events happened?

Usage: python bench/timeline_dates.py DATA [--corpus data/corpus] [--show N]

DATA is the shared data folder (../shared/data). Its `corpus/wikinews-timeline` holds the
SemEval-2015 TimeLine gold: events of the bundled Wikinews articles (each a word of a
numbered sentence) with the date each happened on, as annotators anchored it ("2008-10-07",
"2003-XX-XX" for a year; "XXXX-XX-XX" when no date can be told). The bundled demo corpus
holds those articles (scripts/build_corpus.py), so the bench builds a store from it (who
stage only, as bench/entity_links.py does) and reads the date mentions the who stage found.

A story page's timeline lists each sentence that gives a date under that date
(newsdesk/stories/views.py). A mention is judged when its sentence holds gold events with a
date: it is right when it agrees with one of them (a month or a year agrees with a day inside
it), wrong otherwise: `the worst fall since 1987` put under 1987, `its 41-year history`
read as 1941, or a weekday resolved to the wrong week. Mentions in sentences without dated
gold events are not judged (the gold covers only the events of its target entities).
`coverage` is the share of gold sentences with a dated event that get a right date: many of
those events are dated by the article's own date alone, with no expression to find, so it
stays well below 1 by design; it says whether a change finds fewer dates, not how many exist.

Last line: `date_precision=<right / judged mentions> entry_precision=<right / judged
timeline entries> coverage=<v> judged=<n>`.
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.entity_links import TIMELINE, _norm, corpus_arguments, figures_on_corpus  # noqa: E402

SAME_SENTENCE = 0.6  # word-set Jaccard at which a stored sentence is a TimeML sentence


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def read_gold(data: Path) -> tuple[dict[str, dict[str, list[str]]], dict[tuple[str, str], set[str]],
                                   dict[str, str]]:
    """(doc id -> sentence id -> words, (doc, sentence) -> gold dates of its events (None-free;
    'XXXX' dates left out), normalised title -> doc id)."""
    sentences: dict[str, dict[str, list[str]]] = {}
    titles: dict[str, str] = {}
    dated: dict[tuple[str, str], set[str]] = defaultdict(set)
    for corpus in sorted((data / TIMELINE).glob("corpus_*")):
        for tml in (corpus / "corpus_trackA_TimeML").glob("*.tml"):
            root = ElementTree.parse(tml).getroot()
            doc = root.findtext("DOCID").strip()
            titles[_norm(root.findtext("EXTRAINFO") or "")] = doc
            sentences[doc] = {s.get("id"): _words("".join(s.itertext()))
                              for s in root.find("TEXT").iter("s")}
        for timeline in sorted((corpus / "TimeLines_Gold_Standard").glob("*.txt")):
            for line in timeline.read_text(encoding="utf-8").splitlines()[1:]:
                fields = line.split("\t")
                if len(fields) < 3 or fields[1].startswith("XXXX"):
                    continue
                for event in fields[2:]:
                    doc, sid = event.split("-")[:2]
                    dated[(doc, sid)].add(fields[1])
    return sentences, dated, titles


def agrees(value: str, gold: str) -> bool:
    """A mention's ISO value ('2008', '2008-10', '2008-10-07') agrees with a gold date
    ('2008-10-07', '2008-10-XX', '2008-XX-XX') when neither says something the other denies."""
    ours = value.split("-")
    theirs = gold.split("-")
    return all(a == b for a, b in zip(ours, theirs) if "X" not in b)


def find_sentence(words: list[str], doc_sentences: dict[str, list[str]]) -> str | None:
    mine = set(words)
    best, best_sim = None, 0.0
    for sid, theirs in doc_sentences.items():
        other = set(theirs)
        sim = len(mine & other) / len(mine | other) if mine | other else 0.0
        if sim > best_sim:
            best, best_sim = sid, sim
    return best if best_sim >= SAME_SENTENCE else None


def evaluate(data: Path, store, ids: list[int], show: int = 0) -> dict[str, float]:
    """The figures for a store built from the bundled corpus (`build_store`), printing
    up to `show` wrong mentions."""
    sentences, dated, titles = read_gold(data)
    docs = {i: titles.get(_norm(store.get_article(i).title)) for i in ids}
    docs = {i: d for i, d in docs.items() if d is not None}
    mentions = store.dates_of_articles(list(docs))

    right = judged = 0
    entries_right = entries_judged = 0
    unmatched = references = 0
    wrong: list[tuple[str, str, str, str]] = []
    covered: set[tuple[str, str]] = set()
    for article_id, doc in sorted(docs.items()):
        by_sentence: dict[str, list] = defaultdict(list)
        for m in mentions.get(article_id, []):
            if m.role != "event":  # a point compared with: on no timeline
                references += 1
                continue
            sid = find_sentence(_words(m.sentence), sentences[doc])
            if sid is None:
                unmatched += 1
                continue
            by_sentence[sid].append(m)
        for sid, found in by_sentence.items():
            gold = dated.get((doc, sid))
            if not gold:
                continue
            for m in found:
                ok = any(agrees(m.value, g) for g in gold)
                judged += 1
                right += ok
                if ok:
                    covered.add((doc, sid))
                else:
                    wrong.append((m.text, m.value, ", ".join(sorted(gold)), m.sentence))
            first = min(found, key=lambda m: m.value)  # the entry's place on the timeline
            entries_judged += 1
            entries_right += any(agrees(first.value, g) for g in gold)
    gold_sentences = {key for key in dated if key[0] in set(docs.values())}
    print(f"{len(docs)} articles matched to TimeML documents; {sum(map(len, mentions.values()))} "
          f"date mentions ({references} compared with, on no timeline), {unmatched} in "
          f"sentences not found in the TimeML text")
    print(f"judged mentions: {judged}, right {right}; timeline entries judged: {entries_judged}, "
          f"right {entries_right}; gold sentences with a dated event: {len(gold_sentences)}")
    for text, value, gold, sentence in wrong[:show]:
        print(f"  wrong: {text!r} -> {value} (gold {gold}): {sentence[:110]}")
    return {"date_precision": right / judged if judged else 0.0,
            "entry_precision": entries_right / entries_judged if entries_judged else 0.0,
            "coverage": len(covered) / len(gold_sentences) if gold_sentences else 0.0,
            "judged": judged}


def main(argv: list[str] | None = None) -> int:
    ap = corpus_arguments(__doc__)
    ap.add_argument("--show", type=int, default=15, help="wrong mentions to print")
    args = ap.parse_args(argv)
    figures = figures_on_corpus(args, evaluate, show=args.show)
    if figures is None:
        return 2
    if not figures["judged"]:
        print("no mention judged")
        return 1
    print(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                   for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
