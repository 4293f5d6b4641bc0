"""A second opinion on trafilatura's body blocks: which ones are site chrome.

trafilatura (fast mode) keeps most of an article and some of its surroundings; what it
wrongly keeps gathers at the edges of the text: "read more" links, newsletter and
subscription calls, photo credits, "last updated" lines, related headlines. Each block is
judged from its own shape (length, sentence punctuation, share of linked text, share of
function words, kind), its neighbours' shape and its place in the text. The judge is a
gradient-boosted tree model fitted by `newsdesk.extract.train_blocks` on the tuning half of
trafilatura's evaluation set; blocks it thinks less likely than `threshold` to be article
text are dropped.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import treemodel

MODEL_PATH = Path(__file__).with_name("block_model.json")

# Block kinds as trafilatura's body names them (p, head, list item, table row, quote).
KINDS = ("p", "head", "item", "row", "quote")

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…。！？\"”»)\]]$")
_SENT_INSIDE = re.compile(r"[.!?。！？](?:\s|$)")
_SEPARATORS = re.compile(r"[|»›]")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """The function words of every language jusText knows (a trafilatura dependency): a high
    share of them marks running prose, in any of those languages."""
    from justext.utils import get_stoplist, get_stoplists

    return frozenset(w.lower() for lang in get_stoplists() for w in get_stoplist(lang))


def _own(kind: str, text: str, link_chars: int, stop: frozenset[str]) -> list[float]:
    n = len(text)
    words = _WORD.findall(text)
    nw = max(len(words), 1)
    return [
        math.log1p(n),
        math.log1p(len(words)),
        min(link_chars / max(n, 1), 1.0),
        float(bool(_SENTENCE_END.search(text))),
        float(text.endswith(":")),
        float(kind == "head"),
        float(kind == "item"),
        float(kind == "row"),
        float(kind == "quote"),
        sum(c.isdigit() for c in text) / max(n, 1),
        sum(w[0].isupper() for w in words) / nw,
        sum(w.lower() in stop for w in words) / nw,
        float("©" in text or "(c)" in text.lower()),
        math.log1p(len(_SENT_INSIDE.findall(text))),
        float(bool(_SEPARATORS.search(text))),
    ]


_N_OWN = 15


def features(blocks: list[tuple[str, str, int]]) -> np.ndarray:
    """One row per (kind, text, linked characters) block: its own shape, the shape of the
    blocks before and after it, and where it sits in the text (by count and by mass)."""
    n = len(blocks)
    if not n:
        return np.zeros((0, 3 * _N_OWN + 12))
    stop = _stopwords()
    own = [_own(kind, text, links, stop) for kind, text, links in blocks]
    lengths = [len(text) for _, text, _ in blocks]
    total = max(sum(lengths), 1)
    median = max(sorted(lengths)[n // 2], 1)
    mass_after = [0] * n
    after = 0
    for i in range(n - 1, -1, -1):
        mass_after[i] = after
        after += lengths[i]
    empty = [0.0] * _N_OWN
    rows = []
    for i in range(n):
        place = [i / n, float(i == 0), float(i == n - 1), float(i >= n - 3), (n - 1 - i) / n,
                 mass_after[i] / total, (total - mass_after[i] - lengths[i]) / total,
                 math.log1p(lengths[i] / median), math.log1p(n), math.log1p(total),
                 float(i == 0), float(i == n - 1)]
        rows.append(own[i] + (own[i - 1] if i else empty) + (own[i + 1] if i < n - 1 else empty) + place)
    return np.array(rows, dtype=float)


def export_trees(clf) -> dict:
    """A fitted binary HistGradientBoostingClassifier as plain arrays (one row per tree,
    padded): scikit-learn's own predictor runs each tree on a thread pool, which for the
    thirty-odd blocks of a page costs a hundred times the arithmetic."""
    trees = [predictors[0].nodes for predictors in clf._predictors]
    width = max(len(t) for t in trees)

    def column(name, fill):
        return [list(map(float if name in ("value", "num_threshold") else int, t[name])) + [fill] * (width - len(t))
                for t in trees]

    return {"feature": column("feature_idx", 0), "threshold": column("num_threshold", 0.0),
            "left": column("left", 0), "right": column("right", 0), "leaf": column("is_leaf", 1),
            "value": column("value", 0.0), "baseline": float(np.ravel(clf._baseline_prediction)[0])}


def tree_scores(model: dict, x: np.ndarray) -> np.ndarray:
    """Probability of the positive class for each row of `x`."""
    raw = treemodel.raw_scores(model["trees"], x) + model["baseline"]
    return 1.0 / (1.0 + np.exp(-raw))


@lru_cache(maxsize=1)
def load_model(path: str = str(MODEL_PATH)) -> dict:
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    return {**m, "trees": treemodel.from_columns(m)}


def keep_mask(blocks: list[tuple[str, str, int]], model: dict | None = None) -> list[bool]:
    """Whether each (kind, text, linked characters) block is article text."""
    if not blocks:
        return []
    m = model or load_model()
    return [bool(q >= m["threshold_keep"]) for q in tree_scores(m, features(blocks))]
