"""Correct but loops over the samples in Python (the textbook naive version): slow."""

import numpy as np


def svm_loss(scores, y, margin=1.0):
    n = scores.shape[0]
    dscores = np.zeros_like(scores)
    loss = 0.0
    for i in range(n):
        terms = scores[i] - scores[i, y[i]] + margin
        terms[y[i]] = 0.0
        active = terms > 0
        loss += terms[active].sum()
        dscores[i] = active
        dscores[i, y[i]] = -active.sum()
    return float(loss / n), dscores / n
