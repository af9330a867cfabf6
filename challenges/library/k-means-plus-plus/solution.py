import numpy as np


def kmeans_pp_init(X, k, u):
    """Choose k seed indices into X by k-means++, driven by the uniform draws u (shape (k,)); return them."""
    N = X.shape[0]
    chosen = np.empty(k, dtype=np.int64)
    # The first seed is uniform over the points; min() guards u[0] * N rounding up to N.
    chosen[0] = min(int(np.floor(u[0] * N)), N - 1)
    # D2[i]: squared distance from point i to its nearest seed so far. Summing the
    # squared differences (not the expanded form) makes a duplicate of a seed exactly 0.
    D2 = ((X - X[chosen[0]]) ** 2).sum(axis=1).astype(np.float64)  # (N,)
    for j in range(1, k):
        cum = np.cumsum(D2)  # (N,) cumulative weights
        total = cum[-1]
        if total > 0:
            # Inverse CDF: the first index whose cumulative weight exceeds u[j] * total.
            # side="right" skips points of zero weight, so a seed is never chosen twice.
            idx = min(int(np.searchsorted(cum, u[j] * total, side="right")), N - 1)
        else:
            # Every point coincides with a seed: nothing left to prefer, draw uniformly.
            idx = min(int(np.floor(u[j] * N)), N - 1)
        chosen[j] = idx
        # Only the new seed can bring a point closer.
        D2 = np.minimum(D2, ((X - X[idx]) ** 2).sum(axis=1))
    return chosen
