import numpy as np


def kmeans_step(X, centroids):
    """Assign each point to its nearest centroid, then move each centroid to its points' mean; return (labels, new_centroids)."""
    K, D = centroids.shape
    # ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2: one matrix product instead of an (N, K, D) temporary.
    d2 = (X**2).sum(axis=1)[:, None] - 2.0 * (X @ centroids.T) + (centroids**2).sum(axis=1)[None, :]  # (N, K)
    labels = np.argmin(d2, axis=1)  # (N,) argmin returns the first minimum: ties go to the lowest index

    counts = np.bincount(labels, minlength=K)  # (K,) points per cluster
    sums = np.empty((K, D))
    for j in range(D):  # a loop over the D features, not the N points
        sums[:, j] = np.bincount(labels, weights=X[:, j], minlength=K)

    new_centroids = centroids.astype(np.float64)  # a copy; empty clusters keep their old centroid
    filled = counts > 0
    new_centroids[filled] = sums[filled] / counts[filled, None]
    return labels, new_centroids
