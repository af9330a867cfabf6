import numpy as np


def tanh_forward(x):
    """Element-wise tanh of x. Returns (out, cache)."""
    pass


def tanh_backward(dout, cache):
    """Given dL/dout and the cache from tanh_forward, return dL/dx."""
    pass
