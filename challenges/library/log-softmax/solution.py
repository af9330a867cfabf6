import numpy as np


def log_softmax(Z):
    """Log of the softmax over the last axis, computed without exp overflow or log(0)."""
    # Shift each row by its max: exponents are <= 0, so exp cannot overflow and
    # the row sum is >= 1, so its log is finite.
    shifted = Z - Z.max(axis=-1, keepdims=True)
    # Subtract the log of the normaliser instead of taking log(softmax): a tiny
    # probability e^-1000 underflows to 0, but its log, -1000, is representable.
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def log_softmax_backward(dout, out):
    """dL/dZ from dL/d(out), where out = log_softmax(Z)."""
    # d out_i / d Z_j = delta_ij - p_j with p = exp(out) = softmax(Z), so
    # dZ_j = dout_j - p_j * sum_i dout_i, row by row.
    return dout - np.exp(out) * np.sum(dout, axis=-1, keepdims=True)
