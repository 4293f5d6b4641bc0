"""The speaker ranker: the shipped model matches the features it is fed, and trees
exported from scikit-learn score as the fitted model does."""
from __future__ import annotations

import random

from newsdesk import treemodel
from newsdesk.enrich.speaker_rank import FEATURES, load_model, scores
from newsdesk.enrich.train_speakers import export_trees


def test_shipped_model_loads():
    trees = load_model()
    assert trees is not None and len(trees) > 10


def test_exported_trees_rank_as_fitted():
    from sklearn.ensemble import GradientBoostingClassifier

    rng = random.Random(1)
    X = [[rng.random() for _ in FEATURES] for _ in range(300)]
    y = [int(row[1] + row[10] > 1.0) for row in X]
    model = GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=0).fit(X, y)
    trees = treemodel.from_node_lists(export_trees(model))
    ours = scores(trees, [dict(zip(FEATURES, row)) for row in X])
    fitted = model.decision_function(X)
    offset = fitted[0] - ours[0]
    assert all(abs(f - o - offset) < 1e-3 for f, o in zip(fitted, ours))
    assert sorted(range(300), key=ours.__getitem__)[-1] == sorted(range(300), key=lambda i: fitted[i])[-1]
