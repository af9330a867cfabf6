"""Correct but walks the batch one row at a time in Python: slow."""

import numpy as np


def batch_norm_forward(X, gamma, beta, eps=1e-5):
    N, D = X.shape
    mu = np.zeros(D)
    for row in X:
        mu += row
    mu /= N
    var = np.zeros(D)
    for row in X:
        var += (row - mu) ** 2
    var /= N
    inv_std = 1.0 / np.sqrt(var + eps)
    X_hat = np.empty_like(X)
    out = np.empty_like(X)
    for i, row in enumerate(X):
        X_hat[i] = (row - mu) * inv_std
        out[i] = gamma * X_hat[i] + beta
    return out, (X_hat, inv_std, gamma)


def batch_norm_backward(dout, cache):
    X_hat, inv_std, gamma = cache
    N, D = dout.shape
    dbeta, dgamma = np.zeros(D), np.zeros(D)
    for g, xh in zip(dout, X_hat, strict=True):
        dbeta += g
        dgamma += g * xh
    dX = np.empty_like(dout)
    for i in range(N):
        dX[i] = gamma * inv_std / N * (N * dout[i] - dbeta - X_hat[i] * dgamma)
    return dX, dgamma, dbeta
