"""Drops ||c||^2 from the expanded distance: only ||x||^2 is constant per point and may be dropped."""

import numpy as np


def _update(X, centroids, labels):
    K = centroids.shape[0]
    counts = np.bincount(labels, minlength=K)
    sums = np.zeros((K, X.shape[1]))
    np.add.at(sums, labels, X)
    new = centroids.astype(float)
    new[counts > 0] = sums[counts > 0] / counts[counts > 0, None]
    return new


def kmeans_step(X, centroids):
    labels = np.argmin((X**2).sum(axis=1)[:, None] - 2 * X @ centroids.T, axis=1)
    return labels, _update(X, centroids, labels)
