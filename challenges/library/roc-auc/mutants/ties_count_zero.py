"""Counts for each positive only the negatives strictly below it: a tie is worth 0 instead of 1/2."""

import numpy as np


def roc_auc(y_true, scores):
    positive = y_true == 1
    pos, neg = scores[positive], np.sort(scores[~positive])
    if pos.size == 0 or neg.size == 0:
        return float("nan")
    below = np.searchsorted(neg, pos, side="left")  # negatives strictly below each positive
    return float(below.sum() / (pos.size * neg.size))
