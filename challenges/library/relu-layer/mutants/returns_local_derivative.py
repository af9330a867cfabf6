"""Returns the local derivative (x > 0) alone, forgetting to multiply by the upstream dout."""

import numpy as np


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return (cache > 0).astype(dout.dtype)
