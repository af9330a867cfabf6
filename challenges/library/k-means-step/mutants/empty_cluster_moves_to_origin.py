"""Starts the new centroids from zeros: an empty cluster jumps to the origin instead of staying put."""

import numpy as np


def kmeans_step(X, centroids):
    K = centroids.shape[0]
    labels = ((X[:, None, :] - centroids[None]) ** 2).sum(axis=2).argmin(axis=1)
    counts = np.bincount(labels, minlength=K)
    sums = np.zeros((K, X.shape[1]))
    np.add.at(sums, labels, X)
    new = np.zeros_like(sums)
    new[counts > 0] = sums[counts > 0] / counts[counts > 0, None]
    return labels, new
