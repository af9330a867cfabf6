"""Reads the kernel as (F, C, WW, HH): each filter is transposed (a shape error if not square)."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, pad=0):
    w = w.transpose(0, 1, 3, 2)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwkl,fckl->nfhw", windows, w) + b[None, :, None, None]
