"""Applies max_norm / (norm + 1e-6) even when it is above 1: small gradients are blown up to max_norm."""

import numpy as np


def clip_by_global_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    scale = max_norm / (total_norm + 1e-6)
    return [g * scale for g in grads], total_norm
