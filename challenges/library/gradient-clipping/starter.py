import numpy as np


def clip_by_global_norm(grads, max_norm):
    """Scale a list of gradient arrays so their global L2 norm is at most max_norm. Returns (clipped, total_norm)."""
    pass
