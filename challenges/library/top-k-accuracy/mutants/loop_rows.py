"""Correct but ranks each row's label in a Python loop: slow."""

import numpy as np


def top_k_accuracy(scores, labels, k):
    hits = 0
    for row, label in zip(scores, labels, strict=True):
        if np.sum(row > row[label]) < k:
            hits += 1
    return hits / len(labels)
