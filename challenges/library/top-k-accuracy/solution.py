import numpy as np


def top_k_accuracy(scores, labels, k):
    """Fraction of rows whose label is among the k highest scores (ties count for the label)."""
    n = scores.shape[0]
    correct = scores[np.arange(n), labels]  # (N,): each row's score of its true class
    # The label's rank is how many classes beat it strictly; equal scores don't,
    # which settles ties in the label's favour. No sort needed: O(N * C).
    beaten_by = (scores > correct[:, None]).sum(axis=1)
    return float(np.mean(beaten_by < k))
