import numpy as np


def max_pool_forward(x, pool_h, pool_w, stride):
    """Max over each pool_h x pool_w window of x (N, C, H, W); return (out, cache)."""
    pass


def max_pool_backward(dout, cache):
    """Route each window's upstream gradient to its first max; return dx with the shape of x."""
    pass
