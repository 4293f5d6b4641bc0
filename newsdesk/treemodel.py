"""Gradient-boosted trees exported from scikit-learn as plain arrays, walked in numpy.

Shared by the HTML block model (extract/blocks.py) and the quote speaker ranker
(enrich/speaker_rank.py). Why by hand: scikit-learn's own predictors run each call on a
thread pool, which for the few dozen rows of one page or one quote costs a hundred times the
arithmetic, and the models then load from a small JSON file without scikit-learn at run time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class Trees:
    """One row per tree, padded to the largest tree; `leaf` marks the nodes that end a walk."""
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    leaf: np.ndarray

    def __len__(self) -> int:
        return self.feature.shape[0]


def from_columns(columns: dict) -> Trees:
    """Trees from padded per-tree lists (feature, threshold, left, right, value, leaf)."""
    return Trees(feature=np.asarray(columns["feature"], dtype=np.intp),
                 threshold=np.asarray(columns["threshold"], dtype=float),
                 left=np.asarray(columns["left"], dtype=np.intp),
                 right=np.asarray(columns["right"], dtype=np.intp),
                 value=np.asarray(columns["value"], dtype=float),
                 leaf=np.asarray(columns["leaf"], dtype=bool))


def from_node_lists(trees: list[dict]) -> Trees:
    """Trees from scikit-learn's tree_ layout per tree: feature, threshold, left, right and
    value lists per node, a leaf having left < 0."""
    width = max(len(t["left"]) for t in trees)

    def column(name: str, fill) -> list[list]:
        return [list(t[name]) + [fill] * (width - len(t[name])) for t in trees]

    leaf = [[c < 0 for c in t["left"]] + [True] * (width - len(t["left"])) for t in trees]
    return from_columns({"feature": [[max(f, 0) for f in row] for row in column("feature", 0)],
                         "threshold": column("threshold", 0.0),
                         "left": [[max(c, 0) for c in row] for row in column("left", 0)],
                         "right": [[max(c, 0) for c in row] for row in column("right", 0)],
                         "value": column("value", 0.0), "leaf": leaf})


def raw_scores(trees: Trees, x: np.ndarray) -> np.ndarray:
    """The sum of the trees' leaf values for each row of `x`: every tree walked at once."""
    rows = np.arange(x.shape[0])
    tree = np.arange(len(trees))[:, None]
    node = np.zeros((len(trees), x.shape[0]), dtype=np.intp)
    while True:
        leaf = trees.leaf[tree, node]
        if leaf.all():
            break
        go_left = x[rows[None, :], trees.feature[tree, node]] <= trees.threshold[tree, node]
        nxt = np.where(go_left, trees.left[tree, node], trees.right[tree, node])
        node = np.where(leaf, node, nxt)
    return trees.value[tree, node].sum(axis=0)
