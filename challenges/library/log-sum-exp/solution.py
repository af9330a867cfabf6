import numpy as np


def logsumexp(x, axis=-1, keepdims=False):
    """log(sum(exp(x))) along one axis, without overflow or underflow."""
    # Shift each slice by its own max: the largest exponent is then 0, so exp
    # cannot overflow and the sum is at least 1, so the log is never log(0).
    m = np.max(x, axis=axis, keepdims=True)
    # A slice that is all -inf has max -inf, and -inf - (-inf) would be NaN:
    # shift such slices by 0 instead. Their sum is 0 and log(0) = -inf is the answer.
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)
