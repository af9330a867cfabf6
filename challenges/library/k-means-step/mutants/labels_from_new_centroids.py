"""Returns the labels recomputed for the moved centroids, not the assignment the update used."""

import numpy as np


def _update(X, centroids, labels):
    K = centroids.shape[0]
    counts = np.bincount(labels, minlength=K)
    sums = np.zeros((K, X.shape[1]))
    np.add.at(sums, labels, X)
    new = centroids.astype(float)
    new[counts > 0] = sums[counts > 0] / counts[counts > 0, None]
    return new


def _assign(X, centroids):
    return ((X[:, None, :] - centroids[None]) ** 2).sum(axis=2).argmin(axis=1)


def kmeans_step(X, centroids):
    new = _update(X, centroids, _assign(X, centroids))
    return _assign(X, new), new
