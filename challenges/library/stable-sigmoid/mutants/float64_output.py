"""Fills np.zeros(x.shape) rather than np.zeros_like(x): float32 input comes back float64."""

import numpy as np


def sigmoid(x):
    out = np.zeros(x.shape)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out
