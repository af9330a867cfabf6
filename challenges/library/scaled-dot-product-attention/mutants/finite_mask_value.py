"""Fills masked scores with -1e9 instead of -inf: a fully masked row becomes uniform instead of zeros."""

import numpy as np


def attention(Q, K, V, mask=None):
    scores = Q @ K.swapaxes(-1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w = e / e.sum(axis=-1, keepdims=True)
    return w @ V, w


def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool))
