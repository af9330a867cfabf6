"""Uses 0-based ranks with the 1-based formula n_pos (n_pos + 1) / 2: the AUC is 1 / n_neg too low."""

import numpy as np


def roc_auc(y_true, scores):
    positive = y_true == 1
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="stable")
    s = scores[order]
    edges = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1], [True])))
    ranks = np.empty(s.size)
    ranks[order] = np.repeat((edges[:-1] + edges[1:] - 1) / 2.0, np.diff(edges))  # 0-based mean ranks
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
