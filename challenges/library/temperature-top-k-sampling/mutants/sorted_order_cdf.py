"""Walks the cumulative distribution in descending-probability order instead of vocabulary order."""

import numpy as np


def sample_next_token(logits, temperature, top_k, u):
    B, V = logits.shape
    if temperature == 0:
        tokens = np.argmax(logits, axis=1)
        probs = np.zeros((B, V))
        probs[np.arange(B), tokens] = 1.0
        return tokens, probs
    k = V if top_k is None else top_k
    order = np.argsort(-logits, axis=1, kind="stable")[:, :k]  # (B, k), largest first
    top = np.take_along_axis(logits, order, axis=1) / temperature
    e = np.exp(top - top.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    probs = np.zeros((B, V))
    np.put_along_axis(probs, order, p, axis=1)
    pos = np.minimum((np.cumsum(p, axis=1) <= u[:, None]).sum(axis=1), k - 1)
    return order[np.arange(B), pos], probs
