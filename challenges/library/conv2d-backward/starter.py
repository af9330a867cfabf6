import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Cross-correlate x (N, C, H, W) with w (F, C, HH, WW), add b (F,); return (out, cache)."""
    pass


def conv2d_backward(dout, cache):
    """Given dout = dL/dout (N, F, H', W') and your cache, return (dx, dw, db)."""
    pass
