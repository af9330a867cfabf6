import numpy as np


def sigmoid(x):
    """Numerically stable logistic sigmoid, element-wise, any shape."""
    # e = exp(-|x|) lies in (0, 1]: it can underflow to 0 but never overflow.
    e = np.exp(-np.abs(x))
    # x >= 0: 1 / (1 + e^-x).  x < 0: e^x / (1 + e^x), the same value rewritten so
    # that only e^{-|x|} appears; no subtraction, so tiny outputs keep every digit.
    return np.where(x >= 0, 1, e) / (1 + e)
