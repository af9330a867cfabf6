"""Warms up with base_lr * (step + 1) / warmup_steps: step 0 is not 0 and the ramp is one step early."""

import numpy as np


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    step = np.asarray(step, dtype=float)
    progress = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    lr = min_lr + 0.5 * (base_lr - min_lr) * (1 + np.cos(np.pi * progress))
    if warmup_steps > 0:
        lr = np.where(step < warmup_steps, base_lr * (step + 1) / warmup_steps, lr)
    return lr
