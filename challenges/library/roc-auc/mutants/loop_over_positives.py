"""Correct but loops over the positives in Python, comparing each with all negatives: O(n^2)."""

import numpy as np


def roc_auc(y_true, scores):
    pos, neg = scores[y_true == 1], scores[y_true != 1]
    if pos.size == 0 or neg.size == 0:
        return float("nan")
    wins = 0.0
    for s in pos:
        wins += np.count_nonzero(neg < s) + 0.5 * np.count_nonzero(neg == s)
    return float(wins / (pos.size * neg.size))
