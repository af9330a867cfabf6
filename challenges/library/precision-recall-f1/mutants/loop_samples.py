"""Correct but counts sample by sample in a Python loop: slow."""

import numpy as np


def precision_recall_f1(y_true, y_pred, num_classes, average):
    tp = np.zeros(num_classes)
    predicted = np.zeros(num_classes)
    actual = np.zeros(num_classes)
    for i in range(len(y_true)):
        predicted[y_pred[i]] += 1
        actual[y_true[i]] += 1
        if y_true[i] == y_pred[i]:
            tp[y_true[i]] += 1

    def ratio(a, b):
        return a / b if b else 0.0

    if average == "micro":
        prec, rec = ratio(tp.sum(), predicted.sum()), ratio(tp.sum(), actual.sum())
        return float(prec), float(rec), float(ratio(2 * prec * rec, prec + rec))
    k = num_classes
    prec = sum(ratio(tp[c], predicted[c]) for c in range(k)) / k
    rec = sum(ratio(tp[c], actual[c]) for c in range(k)) / k
    f1 = sum(ratio(2 * tp[c], predicted[c] + actual[c]) for c in range(k)) / k
    return float(prec), float(rec), float(f1)
