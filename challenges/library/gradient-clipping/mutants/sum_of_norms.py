"""Adds the per-array norms instead of their squares: overestimates the global norm of several arrays."""

import numpy as np


def clip_by_global_norm(grads, max_norm):
    total_norm = float(sum(np.sqrt(np.sum(g**2)) for g in grads))
    scale = max_norm / (total_norm + 1e-6)
    return ([g * scale for g in grads] if scale < 1 else list(grads)), total_norm
