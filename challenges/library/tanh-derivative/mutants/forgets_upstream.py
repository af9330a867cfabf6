"""Returns the local derivative 1 - out^2 without multiplying by dout (no chain rule)."""

import numpy as np


def tanh_forward(x):
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    return 1 - cache**2
