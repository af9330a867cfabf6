import numpy as np


def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """Layer norm: normalise each row of x over its features. Returns (out, cache)."""
    pass


def layer_norm_backward(dout, cache):
    """Gradients of the loss w.r.t. x, gamma, beta. Returns (dx, dgamma, dbeta)."""
    pass
