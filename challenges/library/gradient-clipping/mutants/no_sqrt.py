"""Forgets the square root: uses the sum of squares as the norm."""

import numpy as np


def clip_by_global_norm(grads, max_norm):
    total_norm = float(sum(np.sum(g**2) for g in grads))
    scale = max_norm / (total_norm + 1e-6)
    return ([g * scale for g in grads] if scale < 1 else list(grads)), total_norm
