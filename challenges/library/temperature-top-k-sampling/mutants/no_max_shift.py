"""Exponentiates logits / temperature without subtracting the max: a small temperature overflows to NaN."""

import numpy as np


def sample_next_token(logits, temperature, top_k, u):
    B, V = logits.shape
    if temperature == 0:
        tokens = np.argmax(logits, axis=1)
        probs = np.zeros((B, V))
        probs[np.arange(B), tokens] = 1.0
        return tokens, probs
    k = V if top_k is None else top_k
    order = np.argsort(-logits, axis=1, kind="stable")
    keep = np.zeros((B, V), dtype=bool)
    np.put_along_axis(keep, order[:, :k], True, axis=1)
    e = np.where(keep, np.exp(logits / temperature), 0.0)
    probs = e / e.sum(axis=1, keepdims=True)
    last_kept = V - 1 - np.argmax(keep[:, ::-1], axis=1)
    tokens = np.minimum((np.cumsum(probs, axis=1) <= u[:, None]).sum(axis=1), last_kept)
    return tokens, probs
