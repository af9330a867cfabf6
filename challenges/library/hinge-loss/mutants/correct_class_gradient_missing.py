"""Only the wrong classes get a gradient: the -count on the correct class is forgotten."""

import numpy as np


def svm_loss(scores, y, margin=1.0):
    n = scores.shape[0]
    rows = np.arange(n)
    margins = scores - scores[rows, y][:, None] + margin
    margins[rows, y] = 0.0
    active = margins > 0
    loss = np.sum(margins[active]) / n
    return float(loss), active.astype(scores.dtype) / n
