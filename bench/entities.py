"""Entity recognition quality of newsdesk.enrich.who against CoNLL-2003, beside the bare
spaCy model in the same run; optionally the throughput of analyse_many.

    python bench/entities.py /work/shared/data/entities/conll2003/eng.testa
    python bench/entities.py --throughput /work/shared/data/sections/bbc/bbc_news.jsonl

Documents are split deterministically into halves by their position in the file
(alternate documents; the tuned half is the one the rules were developed on); figures are
printed for each half and overall. Each CoNLL
sentence becomes one paragraph block. Last line: `entity_f1=<v> bare_f1=<v>` (overall), or
`articles_per_s=<v>` with --throughput.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.enrich import nlp  # noqa: E402
from newsdesk.enrich.who import analyse_many  # noqa: E402
from newsdesk.models import Article, Block, Source  # noqa: E402

OURS = {"PERSON": "PER", "ORG": "ORG", "PLACE": "LOC", "NORP": "MISC", "EVENT": "MISC",
        "OTHER": "MISC"}
BARE = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
        "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
        "LANGUAGE": "MISC", "PRODUCT": "MISC"}


def read_conll(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> (token, IOB tag)."""
    docs: list[list[list[tuple[str, str]]]] = [[]]  # the file may open without -DOCSTART-
    sent: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        cols = line.split()
        if line.startswith("-DOCSTART-"):
            docs.append([])
        elif not cols:
            if sent:
                docs[-1].append(sent)
            sent = []
        else:
            sent.append((cols[0], cols[-1]))
    return [d for d in docs if d]


def gold_spans(sent: list[tuple[str, str]]) -> set[tuple[int, int, str]]:
    """Entity token spans from IOB1/IOB2 tags."""
    spans, start, typ = set(), None, None
    for i, (_, tag) in enumerate(sent + [("", "O")]):
        kind, _, label = tag.partition("-")
        if start is not None and (tag == "O" or kind == "B" or label != typ):
            spans.add((start, i, typ))
            start = None
        if tag != "O" and start is None:
            start, typ = i, label
    return spans


def token_offsets(sent: list[tuple[str, str]]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for tok, _ in sent:
        out.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return out


def to_tokens(offsets: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    toks = [i for i, (a, b) in enumerate(offsets) if a < end and start < b]
    return (toks[0], toks[-1] + 1) if toks else None


def score(gold: list[set], pred: list[set]) -> dict[str, tuple[float, float, float]]:
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        for label in ("PER", "ORG", "LOC", "MISC"):
            gl = {x for x in g if x[2] == label}
            pl = {x for x in p if x[2] == label}
            tp[label] += len(gl & pl)
            fp[label] += len(pl - gl)
            fn[label] += len(gl - pl)
    out = {}
    for label in ("PER", "ORG", "LOC", "MISC", "ALL"):
        t = sum(tp.values()) if label == "ALL" else tp[label]
        f_p = sum(fp.values()) if label == "ALL" else fp[label]
        f_n = sum(fn.values()) if label == "ALL" else fn[label]
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        out[label] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return out


def predict(docs) -> tuple[list[set], list[set], list[set]]:
    """Gold, newsdesk and bare-model spans, one set per sentence."""
    gold, ours, bare = [], [], []
    articles = [Article(url=f"conll:{i}", title="", source=Source("Reuters"),
                        body=[Block("paragraph", " ".join(t for t, _ in s)) for s in doc])
                for i, doc in enumerate(docs)]
    results = analyse_many(articles)
    texts = [nlp.article_texts(a) for a in articles]
    bare_docs = nlp.load_nlp().pipe(t for t, _ in texts)
    for doc, article, result, (text, starts), bdoc in zip(docs, articles, results, texts, bare_docs):
        offs = [token_offsets(s) for s in doc]
        per_block: list[set] = [set() for _ in doc]
        for m in result.entities:
            span = to_tokens(offs[m.block], m.start, m.end)
            if span and m.type in OURS:
                per_block[m.block].add((*span, OURS[m.type]))
        bare_block: list[set] = [set() for _ in doc]
        for ent in bdoc.ents:
            if ent.label_ in BARE:
                b, s = nlp.locate(starts, ent.start_char)
                span = to_tokens(offs[b], s, s + len(ent.text))
                if span:
                    bare_block[b].add((*span, BARE[ent.label_]))
        gold.extend(gold_spans(s) for s in doc)
        ours.extend(per_block)
        bare.extend(bare_block)
    return gold, ours, bare


def report(name: str, docs) -> tuple[float, float]:
    gold, ours, bare = predict(docs)
    rows = {"newsdesk": score(gold, ours), "bare": score(gold, bare)}
    print(f"== {name}: {len(docs)} documents, {sum(len(g) for g in gold)} entities")
    for system, table in rows.items():
        cells = "  ".join(f"{k} P{p:.3f} R{r:.3f} F{f:.3f}" for k, (p, r, f) in table.items())
        print(f"  {system:9s} {cells}")
    return rows["newsdesk"]["ALL"][2], rows["bare"]["ALL"][2]


def throughput(path: Path, n: int = 200, repeats: int = 3) -> float:
    """Median articles per second of analyse_many over the first n records of a jsonl."""
    articles = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = rec.get("text") or rec.get("body") or ""
            paras = [p.strip() for p in text.split("\n") if p.strip()]
            articles.append(Article(url=str(len(articles)), title=rec.get("title", ""),
                                    source=Source("bench"),
                                    body=[Block("paragraph", p) for p in paras]))
            if len(articles) >= n:
                break
    analyse_many(articles[:5])  # load the model outside the timing
    rates, cpu_rates = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        analyse_many(articles)
        rates.append(len(articles) / (time.perf_counter() - t))
        cpu_rates.append(len(articles) / (time.process_time() - c))
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    # On a shared machine the wall-clock rate depends on the others' load; the rate per
    # CPU-second of this process says what one free core would do.
    print(f"{len(articles)} articles, {words:.0f} words each on average; wall-clock runs: "
          + ", ".join(f"{r:.1f}/s" for r in rates) + "; per CPU-second: "
          + ", ".join(f"{r:.1f}/s" for r in cpu_rates) + f"; load average {os.getloadavg()[0]:.1f}")
    print(f"median per CPU-second: {statistics.median(cpu_rates):.1f} articles/s")
    return statistics.median(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", type=Path, help="CoNLL-2003 file, or a jsonl with --throughput")
    ap.add_argument("--throughput", action="store_true")
    ap.add_argument("-n", type=int, default=200, help="articles for --throughput")
    args = ap.parse_args()
    if not args.path.exists():
        sys.exit(f"data not found: {args.path} (see /work/shared/data/SOURCES.md)")
    if args.throughput:
        rate = throughput(args.path, args.n)
        print(f"articles_per_s={rate:.1f}")
        return
    docs = read_conll(args.path)
    # The rules were tuned on the even-numbered documents counted from the first
    # -DOCSTART- marker, i.e. docs[1::2] here (docs[0] is the one before any marker).
    report("tuned half", docs[1::2])
    report("held-out half", docs[0::2])
    f1, bare_f1 = report("all", docs)
    print(f"entity_f1={f1:.3f} bare_f1={bare_f1:.3f}")


if __name__ == "__main__":
    main()
