"""Spreads each window's gradient evenly over it, as average pooling would."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def max_pool_forward(x, pool_h, pool_w, stride):
    windows = sliding_window_view(x, (pool_h, pool_w), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.max(axis=(-2, -1)), (x.shape, pool_h, pool_w, stride)


def max_pool_backward(dout, cache):
    shape, pool_h, pool_w, stride = cache
    dx = np.zeros(shape)
    Ho, Wo = dout.shape[2:]
    for k in range(pool_h):
        for m in range(pool_w):
            dx[:, :, k : k + stride * (Ho - 1) + 1 : stride, m : m + stride * (Wo - 1) + 1 : stride] += dout / (
                pool_h * pool_w
            )
    return dx
