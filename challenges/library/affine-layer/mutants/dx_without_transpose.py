"""Computes dx with w instead of w.T: wrong values for a square w, a shape error otherwise."""


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    x_flat = x.reshape(x.shape[0], -1)
    return (dout @ w).reshape(x.shape), x_flat.T @ dout, dout.sum(axis=0)
