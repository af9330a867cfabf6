"""Breaks ties towards the highest centroid index (argmin of the reversed distances)."""

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
    d2 = ((X[:, None, :] - centroids[None]) ** 2).sum(axis=2)
    labels = centroids.shape[0] - 1 - np.argmin(d2[:, ::-1], axis=1)
    return labels, _update(X, centroids, labels)
