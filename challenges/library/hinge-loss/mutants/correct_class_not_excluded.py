"""Forgets to exclude the correct class: each row adds margin to the loss and one extra count to its gradient."""

import numpy as np


def svm_loss(scores, y, margin=1.0):
    n = scores.shape[0]
    rows = np.arange(n)
    margins = scores - scores[rows, y][:, None] + margin
    active = margins > 0
    loss = np.sum(margins[active]) / n
    dscores = active.astype(scores.dtype)
    dscores[rows, y] = -active.sum(axis=1)
    return float(loss), dscores / n
