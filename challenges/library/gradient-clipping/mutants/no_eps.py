"""Scales by max_norm / norm only when norm > max_norm, without the 1e-6: not the specified factor."""

import numpy as np


def clip_by_global_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    if total_norm > max_norm:
        return [g * (max_norm / total_norm) for g in grads], total_norm
    return list(grads), total_norm
