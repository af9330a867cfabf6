import numpy as np


def confusion_matrix(y_true, y_pred, num_classes):
    """(K, K) integer counts: row = true class, column = predicted class."""
    k = num_classes
    # Each (true, pred) pair gets its own flat index t * K + p, the row-major
    # position of cell (t, p); counting the indices counts the pairs, duplicates included.
    # int64 so that t * K + p cannot overflow, whatever the labels' dtype.
    flat = y_true.astype(np.int64) * k + y_pred.astype(np.int64)
    # minlength gives every cell, even for classes that never occur (or no samples at all).
    return np.bincount(flat, minlength=k * k).reshape(k, k)
