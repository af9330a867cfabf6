"""Counts votes with np.bincount on the raw labels: fails on negative labels."""

import numpy as np


def knn_predict(X_train, y_train, X_test, k):
    """Predict an integer label for each row of X_test by a majority vote of its k nearest training rows."""
    M = X_test.shape[0]
    # Squared Euclidean distances for all pairs at once: |a - b|^2 = |a|^2 - 2 a.b + |b|^2,
    # built in place in one (M, N) array. Rounding can make a distance that is truly 0
    # slightly negative: clip at 0 (a later sqrt would turn it into NaN).
    d2 = X_test @ X_train.T
    d2 *= -2.0
    d2 += np.sum(X_test**2, axis=1)[:, None]
    d2 += np.sum(X_train**2, axis=1)[None, :]
    np.maximum(d2, 0.0, out=d2)
    # The k nearest, nearest first. argmin returns the FIRST minimum, so among equal
    # distances the lower training index is taken first: the same order as a stable
    # argsort, at the cost of k passes instead of a full sort of every row.
    rows = np.arange(M)
    nearest = np.empty((M, k), dtype=np.intp)
    for j in range(k):
        nearest[:, j] = np.argmin(d2, axis=1)
        d2[rows, nearest[:, j]] = np.inf
    # Votes: the labels themselves as bincount's bins, one block of K per row (the bug:
    # a negative label is refused, and labels are taken to be 0..max).
    K = int(y_train.max()) + 1
    offset_labels = y_train[nearest] + K * rows[:, None]
    counts = np.bincount(offset_labels.ravel(), minlength=M * K).reshape(M, K)
    return np.argmax(counts, axis=1)
