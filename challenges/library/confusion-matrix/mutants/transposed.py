"""Puts predictions on the rows and true classes on the columns: the matrix is transposed."""

import numpy as np


def confusion_matrix(y_true, y_pred, num_classes):
    k = num_classes
    return np.bincount(y_pred * k + y_true, minlength=k * k).reshape(k, k)
