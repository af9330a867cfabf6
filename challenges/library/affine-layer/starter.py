import numpy as np


def affine_forward(x, w, b):
    """Flatten each sample of x to a row and return (x_flat @ w + b, cache)."""
    pass


def affine_backward(dout, cache):
    """Return (dx, dw, db), with dx in the shape of the original x."""
    pass
