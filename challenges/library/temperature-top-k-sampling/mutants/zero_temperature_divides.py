"""Treats temperature 0 like any other and divides by it: inf - inf gives NaN instead of greedy argmax."""

import numpy as np


def sample_next_token(logits, temperature, top_k, u):
    B, V = logits.shape
    k = V if top_k is None else top_k
    order = np.argsort(-logits, axis=1, kind="stable")
    keep = np.zeros((B, V), dtype=bool)
    np.put_along_axis(keep, order[:, :k], True, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(keep, logits / temperature, -np.inf)
        e = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
    last_kept = V - 1 - np.argmax(keep[:, ::-1], axis=1)
    tokens = np.minimum((np.cumsum(probs, axis=1) <= u[:, None]).sum(axis=1), last_kept)
    return tokens, probs
