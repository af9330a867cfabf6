"""One-pass variance E[x²] - E[x]²: exact in arithmetic, but on rows far from 0 with a small spread it cancels."""

import numpy as np


def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """Layer normalization: each row standardised over its D features. Returns (out, cache)."""
    mu = x.mean(axis=1, keepdims=True)  # (N, 1): one mean per sample
    var = (x * x).mean(axis=1, keepdims=True) - mu * mu
    inv_std = 1.0 / np.sqrt(var + eps)  # eps inside: a constant row stays finite
    x_hat = (x - mu) * inv_std  # (N, D)
    out = gamma * x_hat + beta  # gamma, beta are per feature, shared by all rows
    cache = (x_hat, inv_std, gamma)
    return out, cache


def layer_norm_backward(dout, cache):
    """Gradients w.r.t. x, gamma and beta. Returns (dx, dgamma, dbeta)."""
    x_hat, inv_std, gamma = cache
    D = x_hat.shape[1]
    dbeta = dout.sum(axis=0)  # parameters are shared across rows: sum over the batch
    dgamma = (dout * x_hat).sum(axis=0)
    # Gradient reaching x_hat. gamma varies along the row, so unlike batch norm
    # it cannot be factored out of the row sums below.
    g = dout * gamma
    dx = (inv_std / D) * (D * g - g.sum(axis=1, keepdims=True) - x_hat * (g * x_hat).sum(axis=1, keepdims=True))
    return dx, dgamma, dbeta
