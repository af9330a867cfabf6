import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Cross-correlate x (N, C, H, W) with filters w (F, C, HH, WW), add b (F,); return (N, F, H', W')."""
    pass
