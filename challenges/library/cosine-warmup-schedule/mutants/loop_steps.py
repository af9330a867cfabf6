"""Correct but computes the rate one step at a time in a Python loop: slow on long schedules."""

import math

import numpy as np


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    out = []
    for s in np.ravel(step):
        if s < warmup_steps:
            out.append(base_lr * s / warmup_steps)
        elif s >= total_steps:
            out.append(min_lr)
        else:
            progress = (s - warmup_steps) / (total_steps - warmup_steps)
            out.append(min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress)))
    return np.array(out, dtype=float).reshape(np.shape(step))
