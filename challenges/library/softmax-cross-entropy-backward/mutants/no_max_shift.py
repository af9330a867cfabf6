"""Exponentiates the raw logits without subtracting the row max: exp(1e4) overflows to inf."""

import numpy as np


def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    rows = np.arange(N)
    exp = np.exp(logits)
    probs = exp / exp.sum(axis=1, keepdims=True)
    loss = -np.log(probs[rows, y]).mean()
    dlogits = probs.copy()
    dlogits[rows, y] -= 1.0
    return float(loss), dlogits / N
