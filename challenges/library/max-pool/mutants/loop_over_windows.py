"""Correct but visits every window in a Python loop, forward and backward: far too slow."""

import numpy as np


def max_pool_forward(x, pool_h, pool_w, stride):
    N, C, H, W = x.shape
    Ho, Wo = (H - pool_h) // stride + 1, (W - pool_w) // stride + 1
    out = np.empty((N, C, Ho, Wo))
    arg = np.empty((N, C, Ho, Wo), dtype=np.int64)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * stride : i * stride + pool_h, j * stride : j * stride + pool_w]
                    a = int(np.argmax(window))
                    arg[n, c, i, j] = a
                    out[n, c, i, j] = window.flat[a]
    return out, (x.shape, arg, pool_h, pool_w, stride)


def max_pool_backward(dout, cache):
    shape, arg, pool_h, pool_w, stride = cache
    dx = np.zeros(shape)
    N, C, Ho, Wo = arg.shape
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    a = int(arg[n, c, i, j])
                    dx[n, c, i * stride + a // pool_w, j * stride + a % pool_w] += dout[n, c, i, j]
    return dx
