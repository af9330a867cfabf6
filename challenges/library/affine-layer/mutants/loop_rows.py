"""Correct but goes through the batch one sample at a time in Python: slow."""

import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    out = np.empty((N, w.shape[1]), dtype=np.result_type(x, w))
    for i in range(N):
        out[i] = x[i].ravel() @ w + b
    return out, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    N = x.shape[0]
    dx = np.empty(x.shape, dtype=np.result_type(dout, w))
    dw = np.zeros(w.shape, dtype=np.result_type(dout, x))
    db = np.zeros(w.shape[1], dtype=dout.dtype)
    for i in range(N):
        dx[i] = (w @ dout[i]).reshape(x.shape[1:])
        dw += np.outer(x[i].ravel(), dout[i])
        db += dout[i]
    return dx, dw, db
