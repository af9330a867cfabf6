import numpy as np


def rmsprop(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    """One RMSprop step. Returns (w_new, cache_new)."""
    # Running average of the squared gradient, per parameter.
    cache = decay * cache + (1 - decay) * dw * dw
    # Divide by its root (the gradient's RMS scale); eps outside the sqrt keeps
    # a zero cache finite: 0 / (0 + eps) = 0.
    w = w - lr * dw / (np.sqrt(cache) + eps)
    return w, cache
