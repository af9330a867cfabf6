"""Takes only the largest violation per row (Crammer-Singer) instead of summing every wrong class."""

import numpy as np


def svm_loss(scores, y, margin=1.0):
    n = scores.shape[0]
    rows = np.arange(n)
    margins = scores - scores[rows, y][:, None] + margin
    margins[rows, y] = 0.0
    worst = margins.argmax(axis=1)
    top = np.maximum(margins[rows, worst], 0.0)
    dscores = np.zeros_like(scores)
    hit = top > 0
    dscores[rows[hit], worst[hit]] = 1.0
    dscores[rows[hit], y[hit]] = -1.0
    return float(top.sum() / n), dscores / n
