"""Multiplies dout by the activation max(x, 0) instead of by the indicator of x > 0."""

import numpy as np


def relu_forward(x):
    out = np.maximum(x, 0)
    return out, out


def relu_backward(dout, cache):
    return dout * cache
