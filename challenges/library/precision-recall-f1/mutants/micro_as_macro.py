"""Ignores average and always returns the macro scores: micro pools counts, it does not average classes."""

import numpy as np


def _ratio(num, den):
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def precision_recall_f1(y_true, y_pred, num_classes, average):
    tp = np.bincount(y_true[y_true == y_pred], minlength=num_classes)
    predicted = np.bincount(y_pred, minlength=num_classes)
    actual = np.bincount(y_true, minlength=num_classes)
    p, r, f = _ratio(tp, predicted), _ratio(tp, actual), _ratio(2 * tp, predicted + actual)
    return float(p.mean()), float(r.mean()), float(f.mean())
