"""Counts with a one-hot matrix product in floats: the right numbers, but a float matrix, not integers."""

import numpy as np


def confusion_matrix(y_true, y_pred, num_classes):
    eye = np.eye(num_classes)
    return eye[y_true].T @ eye[y_pred]
