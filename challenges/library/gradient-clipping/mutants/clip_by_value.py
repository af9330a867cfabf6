"""Clips each element to [-max_norm, max_norm] (clip by value): the norm can stay far above max_norm."""

import numpy as np


def clip_by_global_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return [np.clip(g, -max_norm, max_norm) for g in grads], total_norm
