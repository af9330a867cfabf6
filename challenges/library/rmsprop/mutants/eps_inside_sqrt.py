"""Puts eps inside the square root, sqrt(cache + eps): for small gradients the step shrinks far too much."""

import numpy as np


def rmsprop(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    cache = decay * cache + (1 - decay) * dw**2
    return w - lr * dw / np.sqrt(cache + eps), cache
