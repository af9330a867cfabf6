import numpy as np


def batch_norm_forward(X, gamma, beta, eps=1e-5):
    """Batch norm in training mode. Returns (out, cache)."""
    pass


def batch_norm_backward(dout, cache):
    """Gradients of the loss w.r.t. X, gamma, beta. Returns (dX, dgamma, dbeta)."""
    pass
