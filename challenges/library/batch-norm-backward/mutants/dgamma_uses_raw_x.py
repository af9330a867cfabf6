"""Computes dgamma from the raw input X instead of the normalised X_hat."""

import numpy as np


def batch_norm_forward(X, gamma, beta, eps=1e-5):
    mu, var = X.mean(axis=0), X.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    X_hat = (X - mu) * inv_std
    return gamma * X_hat + beta, (X, X_hat, inv_std, gamma)


def batch_norm_backward(dout, cache):
    X, X_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma_hat = (dout * X_hat).sum(axis=0)
    dX = (gamma * inv_std / N) * (N * dout - dbeta - X_hat * dgamma_hat)
    return dX, (dout * X).sum(axis=0), dbeta
