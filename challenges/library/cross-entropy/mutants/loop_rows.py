"""Correct but loops over samples in Python: far slower than the vectorised version."""

import numpy as np


def cross_entropy_loss(logits, labels):
    total = 0.0
    for z, y in zip(logits, labels, strict=True):
        m = z.max()
        total += m + np.log(np.exp(z - m).sum()) - z[y]
    return total / len(labels)
