"""Correct but visits every element in a Python loop: slow."""

import numpy as np


def dropout_forward(x, p, mode, mask_uniform):
    if mode != "train":
        return x, (mode, p, None)
    out = np.zeros_like(x)
    flat_x, flat_u, flat_out = x.reshape(-1), mask_uniform.reshape(-1), out.reshape(-1)
    for i in range(flat_x.size):
        if flat_u[i] >= p:
            flat_out[i] = flat_x[i] / (1 - p)
    return out, (mode, p, mask_uniform)


def dropout_backward(dout, cache):
    mode, p, u = cache
    if mode != "train":
        return dout
    dx = np.zeros_like(dout)
    flat_d, flat_u, flat_dx = dout.reshape(-1), u.reshape(-1), dx.reshape(-1)
    for i in range(flat_d.size):
        if flat_u[i] >= p:
            flat_dx[i] = flat_d[i] / (1 - p)
    return dx
