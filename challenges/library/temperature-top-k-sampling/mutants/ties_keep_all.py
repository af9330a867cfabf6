"""Keeps every logit >= the k-th largest value: ties at the cut keep more than k tokens."""

import numpy as np


def sample_next_token(logits, temperature, top_k, u):
    B, V = logits.shape
    if temperature == 0:
        tokens = np.argmax(logits, axis=1)
        probs = np.zeros((B, V))
        probs[np.arange(B), tokens] = 1.0
        return tokens, probs
    k = V if top_k is None else top_k
    kth = np.sort(logits, axis=1)[:, V - k][:, None]
    keep = logits >= kth
    scaled = np.where(keep, logits / temperature, -np.inf)
    e = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    tokens = np.minimum((np.cumsum(probs, axis=1) <= u[:, None]).sum(axis=1), V - 1)
    return tokens, probs
