"""Splits (and merges) with reshape(B, T, dh, h): head j gets every h-th column, not a contiguous block."""

import numpy as np


def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, causal=False):
    B, T, D = X.shape
    dh = D // num_heads

    def split(M):
        return M.reshape(B, T, dh, num_heads).transpose(0, 3, 1, 2)

    Q, K, V = split(X @ Wq), split(X @ Wk), split(X @ Wv)
    scores = Q @ K.swapaxes(-1, -2) / np.sqrt(dh)
    if causal:
        scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    heads = weights @ V
    concat = heads.transpose(0, 2, 3, 1).reshape(B, T, D)
    return concat @ Wo
