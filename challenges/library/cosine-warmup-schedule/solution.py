import numpy as np


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    """Learning rate at each step of an integer array: linear warm-up, then cosine decay to min_lr."""
    step = np.asarray(step, dtype=np.float64)
    # Cosine part: progress runs from 0 at the end of warm-up to 1 at total_steps;
    # clipping to [0, 1] holds min_lr after total_steps (and is harmless during warm-up).
    progress = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    lr = min_lr + 0.5 * (base_lr - min_lr) * (1.0 + np.cos(np.pi * progress))
    if warmup_steps > 0:  # with no warm-up there is nothing to divide by
        # Linear warm-up from 0, reaching base_lr exactly at step = warmup_steps.
        lr = np.where(step < warmup_steps, base_lr * step / warmup_steps, lr)
    return lr
