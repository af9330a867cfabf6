"""Warms up from min_lr instead of from 0: wrong whenever min_lr > 0."""

import numpy as np


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    step = np.asarray(step, dtype=float)
    progress = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    lr = min_lr + 0.5 * (base_lr - min_lr) * (1 + np.cos(np.pi * progress))
    if warmup_steps > 0:
        lr = np.where(step < warmup_steps, min_lr + (base_lr - min_lr) * step / warmup_steps, lr)
    return lr
