"""Measures cosine progress as step / total_steps, forgetting the warm-up offset: the decay starts part-way down."""

import numpy as np


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    step = np.asarray(step, dtype=float)
    progress = np.clip(step / total_steps, 0.0, 1.0)
    lr = min_lr + 0.5 * (base_lr - min_lr) * (1 + np.cos(np.pi * progress))
    if warmup_steps > 0:
        lr = np.where(step < warmup_steps, base_lr * step / warmup_steps, lr)
    return lr
