"""Uses the batch's own statistics at inference instead of the running ones."""

import numpy as np


def batch_norm_forward(X, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    mean, var = X.mean(axis=0), X.var(axis=0)
    if training:
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, None, running_mean, running_var
