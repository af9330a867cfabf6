import numpy as np


def softmax(Z):
    """Numerically stable softmax using the log-sum-exp trick."""
    if Z.ndim == 1:
        # 1D case: a single vector of logits
        exp_Z = np.exp(Z - np.max(Z))  # shift so the max is 0: exp never overflows
        return exp_Z / exp_Z.sum()
    # 2D case: a batch (N, C), one distribution per row
    exp_Z = np.exp(Z - Z.max(axis=1, keepdims=True))  # (N, C)
    return exp_Z / exp_Z.sum(axis=1, keepdims=True)  # (N, C)
