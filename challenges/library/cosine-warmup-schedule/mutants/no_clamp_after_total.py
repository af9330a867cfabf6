"""Does not hold min_lr after total_steps: the cosine keeps going and the rate climbs back up."""

import numpy as np


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    step = np.asarray(step, dtype=float)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    lr = min_lr + 0.5 * (base_lr - min_lr) * (1 + np.cos(np.pi * progress))
    if warmup_steps > 0:
        lr = np.where(step < warmup_steps, base_lr * step / warmup_steps, lr)
    return lr
