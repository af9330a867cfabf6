"""Caches x and uses 1 - x^2: the derivative is 1 - tanh(x)^2, a function of the output."""

import numpy as np


def tanh_forward(x):
    return np.tanh(x), x


def tanh_backward(dout, cache):
    return dout * (1 - cache**2)
