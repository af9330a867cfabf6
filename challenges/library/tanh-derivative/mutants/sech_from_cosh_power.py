"""Differentiates with 1 / cosh(x) (the first power): sech(x), not sech^2(x)."""

import numpy as np


def tanh_forward(x):
    return np.tanh(x), x


def tanh_backward(dout, cache):
    return dout / np.cosh(cache)
