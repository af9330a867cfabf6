"""Adds 1e-12 inside the logs: finite, but a confident wrong logit of 1e4 costs ~27.6 instead of 1e4."""

import numpy as np


def bce_with_logits(logits, targets):
    e = np.exp(-np.abs(logits))
    s = np.where(logits >= 0, 1.0, e) / (1.0 + e)
    loss = -(targets * np.log(s + 1e-12) + (1 - targets) * np.log(1 - s + 1e-12))
    return float(loss.mean()), (s - targets) / logits.size
