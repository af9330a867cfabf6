"""Correct but sums the squares element by element in a Python loop: slow on large gradients."""

import math


def clip_by_global_norm(grads, max_norm):
    squares = 0.0
    for g in grads:
        for x in g.flat:
            squares += x * x
    total_norm = math.sqrt(squares)
    scale = max_norm / (total_norm + 1e-6)
    return ([g * scale for g in grads] if scale < 1 else list(grads)), total_norm
