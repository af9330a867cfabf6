"""Divides by the old cache, before adding this gradient: the first step from zero is dw / eps."""

import numpy as np


def rmsprop(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    w = w - lr * dw / (np.sqrt(cache) + eps)
    return w, decay * cache + (1 - decay) * dw**2
