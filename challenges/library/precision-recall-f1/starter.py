import numpy as np


def precision_recall_f1(y_true, y_pred, num_classes, average):
    """Return (precision, recall, f1) as floats, averaged with average = "macro" or "micro"."""
    pass
