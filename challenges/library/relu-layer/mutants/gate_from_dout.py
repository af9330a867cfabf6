"""Gates on the sign of dout instead of the sign of the forward input x."""

import numpy as np


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return np.maximum(dout, 0)
