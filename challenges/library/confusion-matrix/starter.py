import numpy as np


def confusion_matrix(y_true, y_pred, num_classes):
    """(K, K) integer counts: row = true class, column = predicted class."""
    pass
