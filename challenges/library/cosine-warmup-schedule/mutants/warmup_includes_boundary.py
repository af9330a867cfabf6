"""Tests step <= warmup_steps: the same except with warmup_steps = 0, where step 0 gives 0 / 0 = NaN."""

import numpy as np


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    step = np.asarray(step, dtype=float)
    progress = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    cosine = min_lr + 0.5 * (base_lr - min_lr) * (1 + np.cos(np.pi * progress))
    with np.errstate(divide="ignore", invalid="ignore"):
        warm = base_lr * step / warmup_steps
    return np.where(step <= warmup_steps, warm, cosine)
