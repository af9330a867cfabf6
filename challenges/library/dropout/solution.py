import numpy as np


def dropout_forward(x, p, mode, mask_uniform):
    """Inverted dropout forward pass. Returns (out, cache)."""
    if mode == "train":
        # Each unit is kept with probability 1 - p: u >= p, for u uniform in [0, 1).
        keep = mask_uniform >= p  # boolean, the shape of x
        # Scale the kept units by 1 / (1 - p) now, so that E[out] = x and the test
        # pass needs no change. np.where keeps x's dtype (float32 stays float32).
        out = np.where(keep, x / (1 - p), 0.0)
        cache = (mode, p, keep)
    else:  # "test": every unit is kept and nothing is scaled
        out = x
        cache = (mode, p, None)
    return out, cache


def dropout_backward(dout, cache):
    """Inverted dropout backward pass. Returns dx, of dout's shape."""
    mode, p, keep = cache
    if mode == "train":
        # out = x * keep / (1 - p) is linear in x: the same gate and the same scale.
        return np.where(keep, dout / (1 - p), 0.0)
    return dout  # the test-time forward is the identity
