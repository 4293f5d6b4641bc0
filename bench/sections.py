"""Section classification: accuracy and macro-F1 of newsdesk's classifier vs TF-IDF + LR.

Usage:
  python bench/sections.py TRAIN TEST          # JSONL files with `category`, `title`, `body`
  python bench/sections.py --split FILE        # split FILE deterministically in memory
  python bench/sections.py --split FILE --write DIR   # also write DIR/train.jsonl, DIR/test.jsonl

The split first drops exact duplicates (same body once case and whitespace are folded; the
BBC set has 98 such pairs, 1,811 -> 1,721 articles), then puts a third of the articles in the
test side by a hash of that folded body. So no copy of a training article is scored, and no
article is scored twice. With --dev, the training side is split again the same way; with --cv,
newsdesk's classifier and the baseline are cross-validated on the training side only (5 folds,
twice) -- how the features and C in newsdesk.enrich.sections were chosen, without touching
the test side.

Also prints precision and coverage at several confidence thresholds, which is how
newsdesk.enrich.sections.CLASSIFY_THRESHOLD was chosen. Last line: `accuracy=<v>`.
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

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from newsdesk.enrich.sections import (  # noqa: E402
    CLASSIFY_THRESHOLD, UNCATEGORISED, SectionClassifier, map_section, place, section_text,
    zero_shot)

THRESHOLDS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def side(row: dict, salt: str = "") -> int:
    """0 for the test side (a third), 1 for training, fixed by the folded body text."""
    digest = hashlib.sha1((salt + " ".join(row["body"].lower().split())).encode()).digest()
    return 0 if digest[0] % 3 == 0 else 1


def folded_body(row: dict) -> str:
    return " ".join(row["body"].lower().split())


def dedupe(rows: list[dict]) -> list[dict]:
    """The rows without exact copies (same folded body); the first of each kept."""
    seen: set[str] = set()
    out = []
    for r in rows:
        if folded_body(r) not in seen:
            seen.add(folded_body(r))
            out.append(r)
    return out


def split(rows: list[dict], salt: str = "") -> tuple[list[dict], list[dict]]:
    """(train, test) of the deduplicated rows; the test side is about a third."""
    rows = dedupe(rows)
    return [r for r in rows if side(r, salt)], [r for r in rows if not side(r, salt)]


def cross_validate(texts: list[str], labels: list[str]) -> None:
    """5-fold (twice) CV accuracy of newsdesk's classifier and the baseline on these rows."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    folds = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
    for name, fit in (("newsdesk", lambda x, y: SectionClassifier.train(x, y).pipeline),
                      ("tf-idf + LR baseline", lambda x, y: baseline().fit(x, y))):
        scores = []
        for fit_idx, eval_idx in folds.split(texts, labels):
            model = fit([texts[i] for i in fit_idx], [labels[i] for i in fit_idx])
            predicted = model.predict([texts[i] for i in eval_idx])
            scores.append(accuracy_score([labels[i] for i in eval_idx], predicted))
        print(f"cv {name:22} {statistics.fmean(scores):.4f} (sd {statistics.stdev(scores):.4f})")


def shown(predicted: list[str], gold: list[str]) -> tuple[float, float]:
    """(coverage, precision): the share of articles given a section, and of those, right."""
    kept = [(p, g) for p, g in zip(predicted, gold) if p != UNCATEGORISED]
    return len(kept) / len(gold), (sum(p == g for p, g in kept) / len(kept) if kept else float("nan"))


def zero_shot_figures(x_train: list[str], y_train: list[str],
                      x_test: list[str], y_test: list[str]) -> dict[str, float]:
    """What the section stage does where the trained model cannot place an article: the
    nearest section description among the site's eight default sections (BBC's categories
    mapped onto them, "entertainment" as Culture). Three sites: one with no trained model, one
    whose outlets name only two sections (business, politics), one whose name all five."""
    gold = [map_section(y) for y in y_test]
    top1 = zero_shot(x_test, margin=-1.0)
    alone = zero_shot(x_test)
    print(f"zero-shot, no trained model: accuracy {accuracy_score(gold, top1):.4f} over the 8 "
          "sections; shown at the margin: coverage {:.3f}, precision {:.4f}".format(*shown(alone, gold)))

    some = [i for i, y in enumerate(y_train) if y in ("business", "politics")]
    partial = SectionClassifier.train([x_train[i] for i in some],
                                      [map_section(y_train[i]) for i in some])
    whole = SectionClassifier.train(x_train, [map_section(y) for y in y_train])
    for name, m in (("trained on business and politics only", partial),
                    ("trained on all five", whole)):
        alone_m = [label if conf >= CLASSIFY_THRESHOLD else UNCATEGORISED
                   for label, conf in m.predict_many(x_test)]
        print(f"{name}: coverage / precision: trained model alone " + "{:.3f} / {:.4f}".format(
            *shown(alone_m, gold)) + "; as the section stage places them {:.3f} / {:.4f}".format(
            *shown(place(x_test, m), gold)))
    coverage, precision = shown(alone, gold)
    return {"accuracy": accuracy_score(gold, top1), "coverage": coverage, "precision": precision}


def baseline():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--split", type=Path, help="one JSONL file to split into train and test")
    ap.add_argument("--write", type=Path, help="with --split: write train.jsonl and test.jsonl here")
    ap.add_argument("--dev", action="store_true", help="with --split: evaluate on a split of the training side")
    ap.add_argument("--cv", action="store_true", help="cross-validate on the training side only; no test")
    args = ap.parse_args()

    paths = [args.split] if args.split else args.files
    if len(paths) != (1 if args.split else 2):
        ap.error("give TRAIN and TEST, or --split FILE")
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"data file not found: {', '.join(map(str, missing))} "
              "(the BBC set lives in /work/shared/data/sections/bbc/bbc_news.jsonl)")
        return 2
    if args.split:
        train, test = split(read(args.split))
        if args.dev:
            train, test = split(train, salt="dev:")
        if args.write:
            args.write.mkdir(parents=True, exist_ok=True)
            for name, rows in (("train", train), ("test", test)):
                with (args.write / f"{name}.jsonl").open("w", encoding="utf-8") as f:
                    f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    else:
        train, test = read(args.files[0]), read(args.files[1])
    train_bodies = {folded_body(r) for r in train}
    leaked = sum(folded_body(r) in train_bodies for r in test)

    x_train = [section_text(r.get("title", ""), r["body"]) for r in train]
    y_train = [r["category"] for r in train]
    x_test = [section_text(r.get("title", ""), r["body"]) for r in test]
    y_test = [r["category"] for r in test]
    print(f"train {len(train)}, test {len(test)} articles; test articles also in train: {leaked}")
    if args.cv:
        cross_validate(x_train, y_train)
        return 0

    t0, c0 = time.perf_counter(), time.process_time()
    model = SectionClassifier.train(x_train, y_train)
    train_s, train_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    predicted = model.predict_many(x_test)
    per_article_ms = (time.perf_counter() - t0) / max(1, len(test)) * 1000
    per_article_cpu_ms = (time.process_time() - c0) / max(1, len(test)) * 1000
    labels = [label for label, _ in predicted]
    acc = accuracy_score(y_test, labels)
    f1 = f1_score(y_test, labels, average="macro")

    base_pred = baseline().fit(x_train, y_train).predict(x_test)
    base_acc = accuracy_score(y_test, base_pred)
    base_f1 = f1_score(y_test, base_pred, average="macro")

    print(f"{'system':22} {'accuracy':>8} {'macro-F1':>8}")
    print(f"{'newsdesk':22} {acc:8.4f} {f1:8.4f}")
    print(f"{'tf-idf + LR baseline':22} {base_acc:8.4f} {base_f1:8.4f}")
    print(f"model size {len(model.to_bytes()) / 1e6:.1f} MB; train {train_s:.1f} s ({train_cpu:.1f} s CPU); "
          f"predict {per_article_ms:.2f} ms/article ({per_article_cpu_ms:.2f} ms CPU)")
    print("threshold  coverage  precision (of the articles given a section)")
    for t in THRESHOLDS:
        kept = [(label, y) for (label, conf), y in zip(predicted, y_test) if conf >= t]
        cov = len(kept) / len(y_test)
        prec = sum(label == y for label, y in kept) / len(kept) if kept else float("nan")
        print(f"{t:9.2f} {cov:9.3f} {prec:10.4f}")
    wrong = [(y, label, conf, r.get("title", "")) for (label, conf), y, r in zip(predicted, y_test, test) if label != y]
    for y, label, conf, title in wrong[:10]:
        print(f"  wrong: {y} -> {label} ({conf:.2f}) {title[:60]}")
    zs = zero_shot_figures(x_train, y_train, x_test, y_test)
    print(f"accuracy={acc:.4f} macro_f1={f1:.4f} baseline_accuracy={base_acc:.4f} "
          f"zero_shot_accuracy={zs['accuracy']:.4f} zero_shot_precision={zs['precision']:.4f} "
          f"zero_shot_coverage={zs['coverage']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
