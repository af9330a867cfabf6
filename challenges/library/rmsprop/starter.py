import numpy as np


def rmsprop(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    """One RMSprop step. Returns (w_new, cache_new)."""
    pass
