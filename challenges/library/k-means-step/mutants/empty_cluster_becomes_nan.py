"""Divides every cluster's sum by its count: an empty cluster's centroid becomes 0 / 0 = NaN."""

import numpy as np


def kmeans_step(X, centroids):
    K = centroids.shape[0]
    labels = ((X[:, None, :] - centroids[None]) ** 2).sum(axis=2).argmin(axis=1)
    counts = np.bincount(labels, minlength=K)
    sums = np.zeros((K, X.shape[1]))
    np.add.at(sums, labels, X)
    with np.errstate(invalid="ignore"):
        return labels, sums / counts[:, None]
