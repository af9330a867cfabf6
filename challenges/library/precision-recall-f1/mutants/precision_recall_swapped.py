"""Divides true positives by the true counts for precision and by the predicted counts for recall."""

import numpy as np


def _ratio(num, den):
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def precision_recall_f1(y_true, y_pred, num_classes, average):
    tp = np.bincount(y_true[y_true == y_pred], minlength=num_classes)
    predicted = np.bincount(y_pred, minlength=num_classes)
    actual = np.bincount(y_true, minlength=num_classes)
    if average == "micro":
        tp, predicted, actual = tp.sum(), predicted.sum(), actual.sum()
    p, r = _ratio(tp, actual), _ratio(tp, predicted)
    return float(np.mean(p)), float(np.mean(r)), float(np.mean(_ratio(2 * tp, predicted + actual)))
