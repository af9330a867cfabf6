"""One-pass variance E[x²] - E[x]²: exact in arithmetic, but on data far from 0 with a small spread it cancels."""

import numpy as np


def batch_norm_forward(X, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if training:
        mean = X.mean(axis=0)
        var = (X * X).mean(axis=0) - mean * mean
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var
    else:
        mean, var = running_mean, running_var
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, None, running_mean, running_var
