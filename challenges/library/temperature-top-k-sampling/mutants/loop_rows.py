"""Correct but samples one row at a time in a Python loop: slow on a large batch."""

import numpy as np


def sample_next_token(logits, temperature, top_k, u):
    B, V = logits.shape
    k = V if top_k is None else top_k
    tokens = np.zeros(B, dtype=np.int64)
    probs = np.zeros((B, V))
    for r in range(B):
        row = logits[r]
        if temperature == 0:
            tokens[r] = int(np.argmax(row))
            probs[r, tokens[r]] = 1.0
            continue
        kept = np.sort(np.argsort(-row, kind="stable")[:k])  # kept indices, vocabulary order
        z = row[kept] / temperature
        e = np.exp(z - z.max())
        p = e / e.sum()
        probs[r, kept] = p
        c = 0.0
        tokens[r] = kept[-1]
        for j, pj in zip(kept, p, strict=True):
            c += pj
            if c > u[r]:
                tokens[r] = j
                break
    return tokens, probs
