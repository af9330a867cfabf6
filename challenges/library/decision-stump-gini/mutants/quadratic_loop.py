"""Correct but recounts both sides from scratch for every threshold: O(N^2) per feature, slow."""

import numpy as np


def best_split(X, y):
    N, D = X.shape
    classes = np.unique(y)

    def gini(labels):
        if labels.size == 0:
            return 0.0
        p = (labels[:, None] == classes).mean(axis=0)
        return 1.0 - (p**2).sum()

    parent = gini(y)
    best = None
    results = []
    for f in range(D):
        values = np.unique(X[:, f])
        for a, b in zip(values[:-1], values[1:], strict=True):
            t = (a + b) / 2.0
            mask = X[:, f] <= t
            g = (mask.sum() * gini(y[mask]) + (~mask).sum() * gini(y[~mask])) / N
            results.append((f, t, g))
            best = g if best is None else min(best, g)
    if best is None:
        return -1, float("nan"), parent
    for f, t, g in results:
        if g <= best + 1e-12:
            return f, float(t), float(g)
