import numpy as np


def relu_forward(x):
    """ReLU forward pass: out = max(x, 0) element-wise. Returns (out, cache)."""
    out = np.maximum(x, 0)  # element-wise against 0, same shape and dtype as x
    cache = x  # backward needs to know where the input was positive
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward pass. Returns dx, of dout's shape."""
    x = cache
    # The local derivative is 1 where x > 0 and 0 elsewhere; at x == 0 we choose 0
    # (the convention of most frameworks). np.where, not a product, so that an
    # inf or NaN upstream never leaks through a closed gate as inf * 0 = NaN.
    return np.where(x > 0, dout, 0).astype(dout.dtype, copy=False)
