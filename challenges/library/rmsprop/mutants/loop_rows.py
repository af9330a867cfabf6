"""Correct but updates the parameters one row at a time in a Python loop: slow."""

import numpy as np


def rmsprop(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    w = np.array(w, dtype=float)
    cache = np.array(cache, dtype=float)
    w2, c2, dw2 = w.reshape(len(w), -1), cache.reshape(len(cache), -1), np.reshape(dw, (len(dw), -1))
    for i in range(len(w2)):
        c2[i] = decay * c2[i] + (1 - decay) * dw2[i] ** 2
        w2[i] = w2[i] - lr * dw2[i] / (np.sqrt(c2[i]) + eps)
    return w, cache
