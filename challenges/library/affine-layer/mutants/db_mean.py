"""Averages db over the batch instead of summing it: off by a factor of N."""


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    x_flat = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), x_flat.T @ dout, dout.mean(axis=0)
