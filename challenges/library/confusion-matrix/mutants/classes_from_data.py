"""Infers K from the labels (max + 1) instead of using num_classes: absent classes lose their row and column."""

import numpy as np


def confusion_matrix(y_true, y_pred, num_classes):
    k = int(max(y_true.max(), y_pred.max())) + 1 if len(y_true) else 0
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)
