"""Fit the block model: `python -m newsdesk.extract.train_blocks DATA_DIR [--out PATH]`.

DATA_DIR is trafilatura's evaluation set. Only the tuning half (`evalset.tuned_half`) is
used. Each page goes through trafilatura as `extract_html` runs it; a body block holding a
`without` snippet is chrome (0), one holding a `with` snippet is article text (1); blocks
holding neither say nothing and are left out. `--folds K` prints the snippet F of K-fold
cross-validation on the tuning half per threshold instead of writing a model.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from newsdesk.extract import evalset
from newsdesk.extract.blocks import MODEL_PATH, export_trees, features, load_model, tree_scores


def decode_page(html: bytes) -> str:
    """Pages reach extraction decoded; as bench/extraction.py does, UTF-8 unless the page
    declares another charset, which trafilatura's decoder then honours."""
    head = html[:4096].lower()
    if b"charset" in head and b"utf-8" not in head and b"utf8" not in head:
        from trafilatura.utils import decode_file

        return decode_file(html)
    return html.decode("utf-8", errors="replace")


def page_parts(html: bytes) -> list[tuple[str, str, int]]:
    from newsdesk.extract.html import body_parts, load_page, trafilatura_body

    body = trafilatura_body(load_page(decode_page(html)))
    return body_parts(body) if body is not None else []


def labels(item: dict, parts: list[tuple[str, str, int]]) -> np.ndarray:
    without = [evalset.norm(w) for w in item["without"]]
    with_ = [evalset.norm(w) for w in item["with"]]
    y = []
    for _, text, _ in parts:
        t = evalset.norm(text)
        y.append(0 if any(w in t for w in without) else 1 if any(w in t for w in with_) else -1)
    return np.array(y, dtype=int)


def build(data_dir: str) -> list[tuple[dict, list, np.ndarray, np.ndarray]]:
    pages = []
    for file, item, html in evalset.load_trafilatura(data_dir):
        if not evalset.tuned_half(file) or html is None:
            continue
        parts = page_parts(html)
        if parts:
            pages.append((item, parts, features(parts), labels(item, parts)))
    return pages


def fit(pages):
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack([p[2] for p in pages])
    y = np.concatenate([p[3] for p in pages])
    known = y >= 0
    # small trees, many of them, slowly: 1,500 labelled blocks, a tenth of them chrome
    clf = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_leaf_nodes=15,
                                         min_samples_leaf=20, random_state=0)
    return clf.fit(x[known], y[known])


def cross_validate(pages, folds: int, thresholds=(0.3, 0.4, 0.5, 0.6, 0.7)) -> None:
    probs = [None] * len(pages)
    for k in range(folds):
        model = fit([p for i, p in enumerate(pages) if i % folds != k])
        for i, p in enumerate(pages):
            if i % folds == k:
                probs[i] = model.predict_proba(p[2])[:, 1]
    for thr in thresholds:
        tp = fp = fn = 0
        for (item, parts, _, _), pr in zip(pages, probs):
            kept = [t for (_, t, _), q in zip(parts, pr) if q >= thr] or [t for _, t, _ in parts]
            a, b, c, _ = evalset.count_snippets(item, "\n".join(kept))
            tp, fp, fn = tp + a, fp + b, fn + c
        p, r, f = evalset.prf(tp, fp, fn)
        print(f"threshold={thr} tp={tp} fp={fp} fn={fn} precision={p:.4f} recall={r:.4f} f={f:.4f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir")
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--folds", type=int, default=0)
    # chosen by 4-fold cross-validation on the tuning half: 0.4-0.6 scored within 0.002 F
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args(argv)
    if not (Path(args.data_dir) / "evaldata.json").is_file():
        print(f"no evaluation set at {args.data_dir} (evaldata.json missing)", file=sys.stderr)
        return 2
    pages = build(args.data_dir)
    if args.folds:
        cross_validate(pages, args.folds)
        return 0
    clf = fit(pages)
    model = {**export_trees(clf), "threshold_keep": args.threshold,
             "trained_on": "trafilatura-eval tuning half; labels: body blocks holding a gold "
                           "`with` (1) or `without` (0) snippet"}
    Path(args.out).write_text(json.dumps(model, separators=(",", ":")), encoding="utf-8")
    # the exported trees must score as scikit-learn does
    x = np.vstack([p[2] for p in pages])
    load_model.cache_clear()
    gap = np.abs(tree_scores(load_model(args.out), x) - clf.predict_proba(x)[:, 1]).max()
    if gap > 1e-6:
        print(f"exported trees disagree with scikit-learn by {gap}", file=sys.stderr)
        return 1
    n = sum(int((p[3] >= 0).sum()) for p in pages)
    print(f"fitted on {len(pages)} pages, {n} labelled blocks -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
