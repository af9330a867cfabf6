"""Ranks with argsort().argsort(): tied scores get distinct ranks by position, not their average."""

import numpy as np


def roc_auc(y_true, scores):
    positive = y_true == 1
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = np.argsort(np.argsort(scores, kind="stable"), kind="stable") + 1.0
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
