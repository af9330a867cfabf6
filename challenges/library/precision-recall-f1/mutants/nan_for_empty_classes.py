"""Divides without a guard: a class never predicted gives 0 / 0 = NaN, and the macro mean is NaN."""

import numpy as np


def precision_recall_f1(y_true, y_pred, num_classes, average):
    tp = np.bincount(y_true[y_true == y_pred], minlength=num_classes).astype(float)
    predicted = np.bincount(y_pred, minlength=num_classes).astype(float)
    actual = np.bincount(y_true, minlength=num_classes).astype(float)
    with np.errstate(all="ignore"):
        if average == "micro":
            p, r = tp.sum() / predicted.sum(), tp.sum() / actual.sum()
            return float(p), float(r), float(2 * p * r / (p + r))
        p, r = tp / predicted, tp / actual
        return float(p.mean()), float(r.mean()), float((2 * p * r / (p + r)).mean())
