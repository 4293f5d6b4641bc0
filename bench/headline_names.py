"""Names linked from a Title Case headline: CoNLL-2003 sentences set in Title Case as headlines.

    python bench/headline_names.py /work/shared/data/entities/conll2003/eng.testa

Feed items often carry a Title Case headline over a one-sentence teaser ("Trump Weighs
Initial Limited Strike to Force Iran Into Nuclear Deal"), and the small spaCy model reads such
a line as one long name. No labelled set of headlines is at hand, so this makes one from
CoNLL's gold: in each document, the first body sentence of six tokens or more that names
something (past the headline and dateline) is set in Title Case (AP style: every word
capitalised but short function words) and becomes the article's headline; the rest of the
document is its body. The headline's gold entities are scored against the mentions the who
stage links from the headline (which admits only names the body or the store knows), three
ways in one run: the Title Case headline as newsdesk reads it now (nlp.sentence_case), the
same with the headline given to the model as it is (the baseline), and the sentence in its
own casing (what a sentence-case headline gives; the ceiling). Halves as bench/entities.py:
the tuned half is the one TITLE_COMMON_ZIPF was chosen on.
Last line: `title_case_f1=<v> baseline_f1=<v> sentence_case_f1=<v>` (all documents).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from entities import OURS, gold_spans, read_conll, score, to_tokens, token_offsets  # noqa: E402

from newsdesk.enrich import who  # noqa: E402
from newsdesk.models import Article, Block, Source  # noqa: E402

SMALL = {"a", "an", "the", "and", "but", "or", "for", "nor", "on", "at", "to", "from", "by",
         "of", "in", "with", "as"}


def title_case(tokens: list[str]) -> list[str]:
    return [t.lower() if i and t.lower() in SMALL else (t[:1].upper() + t[1:])
            for i, t in enumerate(tokens)]


def headline_cases(docs, titled: bool):
    """(articles, gold spans, token offsets) of the documents that have such a sentence."""
    articles, gold, offsets = [], [], []
    for i, doc in enumerate(docs):
        pick = next((k for k in range(2, len(doc)) if len(doc[k]) >= 6 and gold_spans(doc[k])
                     and not any(t.isupper() and len(t) > 3 for t, _ in doc[k][:3])), None)
        if pick is None:
            continue
        tokens = [t for t, _ in doc[pick]]
        title = " ".join(title_case(tokens) if titled else tokens)
        body = [Block("paragraph", " ".join(t for t, _ in s)) for j, s in enumerate(doc)
                if j != pick]
        articles.append(Article(url=f"conll:{i}", title=title, source=Source("Reuters"),
                                body=body))
        gold.append(gold_spans(doc[pick]))
        offsets.append(token_offsets(doc[pick]))
    return articles, gold, offsets


def linked(articles, offsets) -> list[set]:
    out = []
    for result, offs in zip(who.analyse_many(articles), offsets):
        spans = set()
        for m in result.entities:
            if m.block == who.HEADLINE and m.type in OURS:
                span = to_tokens(offs, m.start, m.end)
                if span:
                    spans.add((*span, OURS[m.type]))
        out.append(spans)
    return out


def run(docs) -> dict[str, float]:
    figures = {}
    titled, gold, offsets = headline_cases(docs, titled=True)
    figures["title_case"] = score(gold, linked(titled, offsets))
    as_read = who.sentence_case
    who.sentence_case = lambda title, body, is_name=None: title  # the model reads it as is
    try:
        figures["baseline"] = score(gold, linked(titled, offsets))
    finally:
        who.sentence_case = as_read
    plain, gold, offsets = headline_cases(docs, titled=False)
    figures["sentence_case"] = score(gold, linked(plain, offsets))
    print(f"  {len(titled)} headlines, {sum(len(g) for g in gold)} entities")
    for name, table in figures.items():
        p, r, f = table["ALL"]
        print(f"  {name:14s} P{p:.3f} R{r:.3f} F{f:.3f}  " + "  ".join(
            f"{k} F{v[2]:.3f}" for k, v in table.items() if k != "ALL"))
    return {name: table["ALL"][2] for name, table in figures.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("conll", type=Path)
    args = ap.parse_args()
    if not args.conll.exists():
        print(f"data file not found: {args.conll} "
              "(CoNLL-2003 lives in /work/shared/data/entities/conll2003/eng.testa)")
        return 2
    docs = read_conll(args.conll)
    for name, part in (("tuned half", docs[1::2]), ("held-out half", docs[0::2])):
        print(f"== {name}")
        run(part)
    print("== all")
    f = run(docs)
    print(f"title_case_f1={f['title_case']:.4f} baseline_f1={f['baseline']:.4f} "
          f"sentence_case_f1={f['sentence_case']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
