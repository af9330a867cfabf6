"""Correct but computes one element at a time in Python with math.exp: slow."""

import math

import numpy as np


def sigmoid(x):
    out = np.empty_like(x)
    for i in np.ndindex(x.shape):
        v = float(x[i])
        if v >= 0:
            out[i] = 1 / (1 + math.exp(-v))
        else:
            e = math.exp(v)
            out[i] = e / (1 + e)
    return out
