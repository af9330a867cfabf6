"""Zeroes the masked weights after the softmax without renormalising: the rows sum to less than 1."""

import numpy as np


def attention(Q, K, V, mask=None):
    scores = Q @ K.swapaxes(-1, -2) / np.sqrt(Q.shape[-1])
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w = e / e.sum(axis=-1, keepdims=True)
    if mask is not None:
        w = np.where(mask, w, 0.0)
    return w @ V, w


def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool))
