"""Correct but loops over the batch, the heads and the queries in Python: slow."""

import numpy as np


def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, causal=False):
    B, T, D = X.shape
    dh = D // num_heads
    out = np.zeros((B, T, D))
    for b in range(B):
        Q, K, V = X[b] @ Wq, X[b] @ Wk, X[b] @ Wv
        concat = np.zeros((T, D))
        for h in range(num_heads):
            cols = slice(h * dh, (h + 1) * dh)
            for t in range(T):
                s = K[:, cols] @ Q[t, cols] / np.sqrt(dh)
                if causal:
                    s[t + 1 :] = -np.inf
                e = np.exp(s - s.max())
                concat[t, cols] = (e / e.sum()) @ V[:, cols]
        out[b] = concat @ Wo
    return out
