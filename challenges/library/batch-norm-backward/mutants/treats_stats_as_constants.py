"""Treats the batch mean and variance as constants: dX = dout * gamma / std, missing two paths."""

import numpy as np


def batch_norm_forward(X, gamma, beta, eps=1e-5):
    mu, var = X.mean(axis=0), X.var(axis=0)
    X_hat = (X - mu) / np.sqrt(var + eps)
    return gamma * X_hat + beta, (X_hat, var, gamma, eps)


def batch_norm_backward(dout, cache):
    X_hat, var, gamma, eps = cache
    dX = dout * gamma / np.sqrt(var + eps)
    return dX, (dout * X_hat).sum(axis=0), dout.sum(axis=0)
