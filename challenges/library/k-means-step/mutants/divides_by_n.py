"""Divides each cluster's sum by the total number of points N instead of the cluster's own count."""

import numpy as np


def _assign(X, centroids):
    return ((X[:, None, :] - centroids[None]) ** 2).sum(axis=2).argmin(axis=1)


def kmeans_step(X, centroids):
    K = centroids.shape[0]
    labels = _assign(X, centroids)
    counts = np.bincount(labels, minlength=K)
    sums = np.zeros((K, X.shape[1]))
    np.add.at(sums, labels, X)
    new = centroids.astype(float)
    new[counts > 0] = sums[counts > 0] / X.shape[0]
    return labels, new
