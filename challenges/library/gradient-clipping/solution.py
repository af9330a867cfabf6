import numpy as np


def clip_by_global_norm(grads, max_norm):
    """Scale a list of gradient arrays so their global L2 norm is at most max_norm.

    Returns (clipped, total_norm), total_norm measured before clipping.
    """
    # One norm over every element of every array, as if they were concatenated
    # into a single vector: the sum of the squared per-array norms.
    total_norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in grads)))
    # PyTorch's rule: the 1e-6 keeps zero gradients finite and brings the
    # clipped norm just under max_norm.
    scale = max_norm / (total_norm + 1e-6)
    if scale < 1:
        # One common factor for all arrays keeps the direction of the full gradient.
        return [g * scale for g in grads], total_norm
    return [g for g in grads], total_norm
