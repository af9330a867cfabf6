"""Starts window i at row i instead of i * stride: the right shape, but the wrong windows."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def max_pool_forward(x, pool_h, pool_w, stride):
    N, C, H, W = x.shape
    Ho, Wo = (H - pool_h) // stride + 1, (W - pool_w) // stride + 1
    windows = sliding_window_view(x, (pool_h, pool_w), axis=(2, 3))[:, :, :Ho, :Wo]
    flat = windows.reshape(N, C, Ho, Wo, pool_h * pool_w)
    arg = flat.argmax(axis=-1)
    return flat.max(axis=-1), (x.shape, arg, pool_h, pool_w)


def max_pool_backward(dout, cache):
    (N, C, H, W), arg, pool_h, pool_w = cache
    Ho, Wo = arg.shape[2:]
    rows = np.arange(Ho)[:, None] + arg // pool_w
    cols = np.arange(Wo)[None, :] + arg % pool_w
    idx = (np.arange(N * C).reshape(N, C, 1, 1) * H + rows) * W + cols
    return np.bincount(idx.ravel(), weights=dout.ravel(), minlength=N * C * H * W).reshape(N, C, H, W)
