import numpy as np


def _ratio(num, den):
    """num / den element-wise, and 0 where den == 0 (no NaN, no warning)."""
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def precision_recall_f1(y_true, y_pred, num_classes, average):
    """Precision, recall and F1 of single-label predictions. Returns three floats."""
    # Per-class counts in one pass each: bincount, no loop over samples or classes.
    tp = np.bincount(y_true[y_true == y_pred], minlength=num_classes)  # correct, by class
    predicted = np.bincount(y_pred, minlength=num_classes)  # tp + fp
    actual = np.bincount(y_true, minlength=num_classes)  # tp + fn (the support)
    if average == "micro":
        # Pool the counts of every class: sum(tp) / sum(predicted), sum(tp) / sum(actual).
        precision = float(_ratio(tp.sum(), predicted.sum()))
        recall = float(_ratio(tp.sum(), actual.sum()))
        f1 = float(_ratio(2 * precision * recall, precision + recall))
        return precision, recall, f1
    if average == "macro":
        # Score each class, then average over ALL num_classes classes: a class
        # with no predictions (or no true samples) counts as 0, it is not skipped.
        precision = _ratio(tp, predicted)
        recall = _ratio(tp, actual)
        f1 = _ratio(2 * tp, predicted + actual)  # = 2PR / (P + R), and 0 when tp = 0
        return float(precision.mean()), float(recall.mean()), float(f1.mean())
    raise ValueError(f"average must be 'macro' or 'micro', got {average!r}")
