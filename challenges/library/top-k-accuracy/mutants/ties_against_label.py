"""Counts equal scores against the label (>= instead of >): a tie for the last place pushes it out."""

import numpy as np


def top_k_accuracy(scores, labels, k):
    correct = scores[np.arange(len(labels)), labels]
    at_least = (scores >= correct[:, None]).sum(axis=1) - 1  # every other class with a score >= the label's
    return float(np.mean(at_least < k))
