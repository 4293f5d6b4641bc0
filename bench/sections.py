"""Section classification: accuracy and macro-F1 of newsdesk's classifier vs TF-IDF + LR.

Usage:
  python bench/sections.py TRAIN TEST          # JSONL files with `category`, `title`, `body`
  python bench/sections.py --split FILE        # split FILE deterministically in memory
  python bench/sections.py --split FILE --write DIR   # also write DIR/train.jsonl, DIR/test.jsonl

The split puts a third of the articles in the test side by a hash of the whitespace-folded
body, so exact duplicates (the BBC set has 98 pairs) always land on the same side and the
test figure is not inflated by copies of training articles. With --dev, the training side is
split again the same way, for tuning without touching the test side.

Also prints precision and coverage at several confidence thresholds, which is how
newsdesk.enrich.sections.CLASSIFY_THRESHOLD was chosen. Last line: `accuracy=<v>`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from newsdesk.enrich.sections import SectionClassifier, section_text  # noqa: E402

THRESHOLDS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def side(row: dict, salt: str = "") -> int:
    """0 for the test side (a third), 1 for training, fixed by the folded body text."""
    digest = hashlib.sha1((salt + " ".join(row["body"].lower().split())).encode()).digest()
    return 0 if digest[0] % 3 == 0 else 1


def split(rows: list[dict], salt: str = "") -> tuple[list[dict], list[dict]]:
    return [r for r in rows if side(r, salt)], [r for r in rows if not side(r, salt)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--split", type=Path, help="one JSONL file to split into train and test")
    ap.add_argument("--write", type=Path, help="with --split: write train.jsonl and test.jsonl here")
    ap.add_argument("--dev", action="store_true", help="with --split: evaluate on a split of the training side")
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
    train_bodies = {" ".join(r["body"].lower().split()) for r in train}
    leaked = sum(" ".join(r["body"].lower().split()) in train_bodies for r in test)

    x_train = [section_text(r.get("title", ""), r["body"]) for r in train]
    y_train = [r["category"] for r in train]
    x_test = [section_text(r.get("title", ""), r["body"]) for r in test]
    y_test = [r["category"] for r in test]
    print(f"train {len(train)}, test {len(test)} articles; test articles also in train: {leaked}")

    t0 = time.perf_counter()
    model = SectionClassifier.train(x_train, y_train)
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    predicted = model.predict_many(x_test)
    per_article_ms = (time.perf_counter() - t0) / max(1, len(test)) * 1000
    labels = [label for label, _ in predicted]
    acc = accuracy_score(y_test, labels)
    f1 = f1_score(y_test, labels, average="macro")

    baseline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    baseline.fit(x_train, y_train)
    base_pred = baseline.predict(x_test)
    base_acc = accuracy_score(y_test, base_pred)
    base_f1 = f1_score(y_test, base_pred, average="macro")

    print(f"{'system':22} {'accuracy':>8} {'macro-F1':>8}")
    print(f"{'newsdesk':22} {acc:8.4f} {f1:8.4f}")
    print(f"{'tf-idf + LR baseline':22} {base_acc:8.4f} {base_f1:8.4f}")
    print(f"model size {len(model.to_bytes()) / 1e6:.1f} MB; train {train_s:.1f} s; "
          f"predict {per_article_ms:.2f} ms/article")
    print("threshold  coverage  precision (of the articles given a section)")
    for t in THRESHOLDS:
        kept = [(label, y) for (label, conf), y in zip(predicted, y_test) if conf >= t]
        cov = len(kept) / len(y_test)
        prec = sum(label == y for label, y in kept) / len(kept) if kept else float("nan")
        print(f"{t:9.2f} {cov:9.3f} {prec:10.4f}")
    wrong = [(y, label, conf, r.get("title", "")) for (label, conf), y, r in zip(predicted, y_test, test) if label != y]
    for y, label, conf, title in wrong[:10]:
        print(f"  wrong: {y} -> {label} ({conf:.2f}) {title[:60]}")
    print(f"accuracy={acc:.4f} macro_f1={f1:.4f} baseline_accuracy={base_acc:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
