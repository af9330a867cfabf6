"""Clips each array by its own norm: the arrays are rescaled by different factors, so the direction changes."""

import numpy as np


def clip_by_global_norm(grads, max_norm):
    clipped, squares = [], 0.0
    for g in grads:
        norm = np.sqrt(np.sum(g**2))
        squares += norm**2
        scale = max_norm / (norm + 1e-6)
        clipped.append(g * scale if scale < 1 else g)
    return clipped, float(np.sqrt(squares))
