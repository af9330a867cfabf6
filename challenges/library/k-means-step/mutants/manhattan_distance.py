"""Assigns by the L1 (Manhattan) distance instead of the squared Euclidean distance."""

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
    labels = np.abs(X[:, None, :] - centroids[None]).sum(axis=2).argmin(axis=1)
    return labels, _update(X, centroids, labels)
