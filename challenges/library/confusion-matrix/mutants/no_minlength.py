"""Calls np.bincount without minlength: when the last cells are empty the counts are too short to reshape."""

import numpy as np


def confusion_matrix(y_true, y_pred, num_classes):
    k = num_classes
    return np.bincount(y_true * k + y_pred).reshape(k, k)
