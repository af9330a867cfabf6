"""Uses np.max(x, 0), a reduction over axis 0, instead of the element-wise np.maximum(x, 0)."""

import numpy as np


def relu_forward(x):
    return np.max(x, 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)
