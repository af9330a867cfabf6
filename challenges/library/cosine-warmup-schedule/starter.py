import numpy as np


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    """Learning rate at each step of an integer array: linear warm-up, then cosine decay to min_lr."""
    pass
