"""Ranks the negatives' scores instead of the positives': returns 1 - AUC."""

import numpy as np


def roc_auc(y_true, scores):
    negative = y_true == 0
    n_neg = int(negative.sum())
    n_pos = negative.size - n_neg
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="stable")
    s = scores[order]
    edges = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1], [True])))
    ranks = np.empty(s.size)
    ranks[order] = np.repeat((edges[:-1] + 1 + edges[1:]) / 2.0, np.diff(edges))
    return float((ranks[negative].sum() - n_neg * (n_neg + 1) / 2) / (n_pos * n_neg))
