"""Summary quality: ROUGE of newsdesk's extractive summaries against reference summaries.

Usage: python bench/summaries.py FILE [--dataset cnndm] [--limit N]

FILE is a JSONL of articles with reference summaries (fields `article`, `reference`, and
optionally `id`, `dataset`, `url`), e.g. FRANK's frank_articles_references.jsonl. Only rows
of --dataset are scored when the rows carry a `dataset` field (default: cnndm, whose
references are multi-sentence highlights; XSum's are one abstractive sentence).

Rows are split into two deterministic halves by a hash of their id: the weights in
newsdesk/enrich/summary.py were tuned on the "tuned" half only, so the "held-out" half shows
whether they carry over. Lead-3 (the first three sentences, same sentence splitter) is scored
in the same run as the baseline, and so are the published systems' summaries the rows carry
(`system_summaries`: FRANK's BertSum, BART, ...). Last line: `rouge2=<all rows> lead3_rouge2=<all rows>`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rouge_score import rouge_scorer  # noqa: E402

from newsdesk.enrich.summary import body_sentences, summarise_article  # noqa: E402
from newsdesk.models import Article, Block, Source  # noqa: E402

METRICS = ("rouge1", "rouge2", "rougeL")


def half(row_id: str) -> str:
    """'tuned' or 'held-out', fixed by the id so every run splits the same way."""
    return "tuned" if hashlib.sha1(row_id.encode()).digest()[0] % 2 == 0 else "held-out"


def to_article(row: dict) -> Article:
    paragraphs = [p.strip() for p in row["article"].split("\n\n") if p.strip()]
    return Article(
        url=row.get("url", ""),
        title="",  # the references are not used, and neither is anything derived from them
        source=Source(name="bench"),
        body=[Block("paragraph", p) for p in paragraphs],
        language="en",
    )


def lead3(article: Article) -> str:
    return " ".join(s for _, s in body_sentences(article)[:3])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", type=Path)
    ap.add_argument("--dataset", default="cnndm")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    if not args.file.exists():
        print(f"data file not found: {args.file} (FRANK lives in /work/shared/data/summaries/frank/)")
        return 2
    rows = [json.loads(line) for line in args.file.open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r.get("dataset", args.dataset) == args.dataset]
    if args.limit:
        rows = rows[: args.limit]
    if not rows:
        print(f"no rows of dataset {args.dataset!r} in {args.file}")
        return 2

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    scores: dict[tuple[str, str], list[dict[str, float]]] = {}
    seconds: list[float] = []
    cpu_seconds: list[float] = []
    words: list[int] = []
    ours: list[float] = []  # newsdesk's rouge2 per row, in row order
    for i, row in enumerate(rows):
        article = to_article(row)
        t0, c0 = time.perf_counter(), time.process_time()
        summary, blocks = summarise_article(article)
        seconds.append(time.perf_counter() - t0)
        cpu_seconds.append(time.process_time() - c0)
        words.append(len(summary.split()))
        part = half(str(row.get("id", i)))
        for system, text in (("newsdesk", summary), ("lead-3", lead3(article))):
            s = scorer.score(row["reference"], text)
            if system == "newsdesk":
                ours.append(s["rouge2"].fmeasure)
            scores.setdefault((system, part), []).append({m: s[m].fmeasure for m in METRICS})

    def mean(system: str, parts: tuple[str, ...], metric: str) -> float:
        vals = [r[metric] for p in parts for r in scores.get((system, p), [])]
        return statistics.fmean(vals) if vals else float("nan")

    print(f"{len(rows)} {args.dataset} articles; ROUGE F (rouge-score, Porter stemming)")
    print(f"{'half':10} {'system':9} {'n':>3} " + " ".join(f"{m:>7}" for m in METRICS))
    for parts, label in ((("tuned",), "tuned"), (("held-out",), "held-out"), (("tuned", "held-out"), "all")):
        for system in ("newsdesk", "lead-3"):
            n = sum(len(scores.get((system, p), [])) for p in parts)
            figs = " ".join(f"{mean(system, parts, m):7.4f}" for m in METRICS)
            print(f"{label:10} {system:9} {n:3d} {figs}")
    print(f"summary length: median {statistics.median(words)} words; "
          f"time: median {statistics.median(seconds) * 1000:.2f} ms/article wall, "
          f"mean {statistics.fmean(cpu_seconds) * 1000:.2f} ms/article CPU")
    both = ("tuned", "held-out")
    # with so few articles a mean moves a lot: the standard error says how much
    r2 = [r["rouge2"] for p in both for r in scores.get(("newsdesk", p), [])]
    if len(r2) > 1:
        print(f"newsdesk rouge2 standard error: {statistics.stdev(r2) / len(r2) ** 0.5:.4f}")
    # paired with lead-3 on the same articles: most of the per-article spread cancels, so this
    # says whether a change is more than noise better than the one standard error above
    for parts, label in ((("tuned",), "tuned"), (("held-out",), "held-out"), (both, "all")):
        diff = [a["rouge2"] - b["rouge2"] for p in parts
                for a, b in zip(scores.get(("newsdesk", p), []), scores.get(("lead-3", p), []))]
        if len(diff) > 1:
            print(f"newsdesk - lead-3 rouge2 ({label}): {statistics.fmean(diff):+.4f} "
                  f"(standard error {statistics.stdev(diff) / len(diff) ** 0.5:.4f})")
    # The rows carry FRANK's published systems' outputs for the same articles: scored here by
    # the same scorer, they place newsdesk among trained summarisers without the figures of a
    # paper whose sample or scorer differ (BertSum is extractive, BART abstractive)
    systems: dict[str, list[tuple[float, float]]] = {}  # name -> (theirs, ours) per row
    for row, own in zip(rows, ours):
        for name, text in (row.get("system_summaries") or {}).items():
            systems.setdefault(name, []).append(
                (scorer.score(row["reference"], text)["rouge2"].fmeasure, own))
    for name, pairs in sorted(systems.items()):
        diff = [o - t for t, o in pairs]
        spread = f" (standard error {statistics.stdev(diff) / len(diff) ** 0.5:.4f})" if len(diff) > 1 else ""
        print(f"published system {name:9} rouge2 {statistics.fmean(t for t, _ in pairs):.4f} "
              f"(n {len(pairs)}); newsdesk - {name}: {statistics.fmean(diff):+.4f}{spread}")
    print(f"rouge2={mean('newsdesk', both, 'rouge2'):.4f} lead3_rouge2={mean('lead-3', both, 'rouge2'):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
