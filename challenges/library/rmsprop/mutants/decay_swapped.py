"""Swaps the weights of the average: keeps 1 - decay of the old cache and decay of the new square."""

import numpy as np


def rmsprop(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    cache = (1 - decay) * cache + decay * dw**2
    return w - lr * dw / (np.sqrt(cache) + eps), cache
