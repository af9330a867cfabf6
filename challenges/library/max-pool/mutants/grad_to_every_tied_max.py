"""Sends the gradient to every tied maximum (mask == max) instead of only the first one."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def max_pool_forward(x, pool_h, pool_w, stride):
    windows = sliding_window_view(x, (pool_h, pool_w), axis=(2, 3))[:, :, ::stride, ::stride]
    out = windows.max(axis=(-2, -1))
    return out, (x, out, pool_h, pool_w, stride)


def max_pool_backward(dout, cache):
    x, out, pool_h, pool_w, stride = cache
    dx = np.zeros_like(x)
    Ho, Wo = out.shape[2:]
    for k in range(pool_h):
        for m in range(pool_w):
            part = x[:, :, k : k + stride * (Ho - 1) + 1 : stride, m : m + stride * (Wo - 1) + 1 : stride]
            dx[:, :, k : k + stride * (Ho - 1) + 1 : stride, m : m + stride * (Wo - 1) + 1 : stride] += dout * (
                part == out
            )
    return dx
