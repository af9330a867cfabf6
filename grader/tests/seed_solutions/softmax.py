# The seed's correct solution, verbatim (shared/seeds/000_b64373ae018efb2c.txt).
import numpy as np


def softmax(Z):
    """Numerically stable softmax using the log-sum-exp trick."""
    if Z.ndim == 1:
        # 1D case: single sample
        Z_shifted = Z - np.max(Z)  # shift so max = 0
        exp_Z = np.exp(Z_shifted)
        return exp_Z / exp_Z.sum()
    else:
        # 2D case: batch (N, C)
        Z_shifted = Z - Z.max(axis=1, keepdims=True)  # (N, 1)
        exp_Z = np.exp(Z_shifted)  # (N, C)
        return exp_Z / exp_Z.sum(axis=1, keepdims=True)  # (N, C)
