"""Raises ValueError when only one class is present (scikit-learn's habit), instead of returning nan."""

import numpy as np


def roc_auc(y_true, scores):
    positive = y_true == 1
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("Only one class present in y_true. ROC AUC score is not defined in that case.")
    order = np.argsort(scores, kind="stable")
    s = scores[order]
    edges = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1], [True])))
    ranks = np.empty(s.size)
    ranks[order] = np.repeat((edges[:-1] + 1 + edges[1:]) / 2.0, np.diff(edges))
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
