"""Correct but attends one batch element and one query at a time in Python loops: slow."""

import numpy as np


def attention(Q, K, V, mask=None):
    B, Tq, d = Q.shape
    Tk = K.shape[1]
    full = np.ones((B, Tq, Tk), dtype=bool) if mask is None else np.broadcast_to(mask, (B, Tq, Tk))
    out = np.zeros((B, Tq, V.shape[2]))
    weights = np.zeros((B, Tq, Tk))
    for b in range(B):
        for t in range(Tq):
            allowed = full[b, t]
            if not allowed.any():
                continue
            s = K[b] @ Q[b, t] / np.sqrt(d)
            s = np.where(allowed, s, -np.inf)
            e = np.exp(s - s.max())
            w = e / e.sum()
            weights[b, t] = w
            out[b, t] = w @ V[b]
    return out, weights


def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool))
