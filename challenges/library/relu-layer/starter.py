import numpy as np


def relu_forward(x):
    """Return (max(x, 0) element-wise, cache)."""
    pass


def relu_backward(dout, cache):
    """Return dx: dout where the input was > 0, and 0 elsewhere (including x == 0)."""
    pass
