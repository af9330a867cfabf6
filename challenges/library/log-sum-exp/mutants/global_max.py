"""Shifts by the global max instead of each slice's: slices far below it underflow to log(0) = -inf."""

import numpy as np


def logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x[np.isfinite(x)]) if np.isfinite(x).any() else 0.0
    return np.log(np.sum(np.exp(x - m), axis=axis, keepdims=keepdims)) + m
