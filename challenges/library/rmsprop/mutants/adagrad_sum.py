"""Accumulates decay * cache + dw**2 (no 1 - decay): a running sum, closer to Adagrad than RMSprop."""

import numpy as np


def rmsprop(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    cache = decay * cache + dw**2
    return w - lr * dw / (np.sqrt(cache) + eps), cache
