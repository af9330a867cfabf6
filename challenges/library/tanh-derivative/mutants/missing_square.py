"""Uses 1 - out instead of 1 - out^2: wrong slope, and negative inputs get slopes above 1."""

import numpy as np


def tanh_forward(x):
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    return dout * (1 - cache)
