"""Takes the classes from the labels seen (np.unique) instead of all num_classes: absent classes are dropped."""

import numpy as np


def _ratio(num, den):
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def precision_recall_f1(y_true, y_pred, num_classes, average):
    classes = np.unique(np.concatenate([y_true, y_pred]))
    tp = np.array([np.sum((y_true == c) & (y_pred == c)) for c in classes], dtype=float)
    predicted = np.array([np.sum(y_pred == c) for c in classes], dtype=float)
    actual = np.array([np.sum(y_true == c) for c in classes], dtype=float)
    if average == "micro":
        p, r = float(_ratio(tp.sum(), predicted.sum())), float(_ratio(tp.sum(), actual.sum()))
        return p, r, float(_ratio(2 * p * r, p + r))
    if classes.size == 0:
        return 0.0, 0.0, 0.0
    p, r, f = _ratio(tp, predicted), _ratio(tp, actual), _ratio(2 * tp, predicted + actual)
    return float(p.mean()), float(r.mean()), float(f.mean())
