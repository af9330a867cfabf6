"""Uses >= 0 for active terms: a term exactly at the kink gets gradient 1 instead of the stated 0."""

import numpy as np


def svm_loss(scores, y, margin=1.0):
    n = scores.shape[0]
    rows = np.arange(n)
    margins = scores - scores[rows, y][:, None] + margin
    active = margins >= 0
    active[rows, y] = False
    loss = np.sum(margins[active]) / n
    dscores = active.astype(scores.dtype)
    dscores[rows, y] = -active.sum(axis=1)
    return float(loss), dscores / n
