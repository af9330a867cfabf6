"""Starts window i at row i instead of i * stride: the right shape, but overlapping wrong windows."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, pad=0):
    HH, WW = w.shape[2:]
    Ho = (x.shape[2] + 2 * pad - HH) // stride + 1
    Wo = (x.shape[3] + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, :Ho, :Wo]
    return np.einsum("nchwkl,fckl->nfhw", windows, w) + b[None, :, None, None]
