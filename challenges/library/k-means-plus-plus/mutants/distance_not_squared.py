"""Weights points by their distance D(x) instead of its square D(x)^2."""

import numpy as np


def kmeans_pp_init(X, k, u):
    N = X.shape[0]
    chosen = [min(int(u[0] * N), N - 1)]
    Dist = np.sqrt(((X - X[chosen[0]]) ** 2).sum(axis=1))
    for j in range(1, k):
        cum = np.cumsum(Dist)
        if cum[-1] > 0:
            idx = min(int(np.searchsorted(cum, u[j] * cum[-1], side="right")), N - 1)
        else:
            idx = min(int(u[j] * N), N - 1)
        chosen.append(idx)
        Dist = np.minimum(Dist, np.sqrt(((X - X[idx]) ** 2).sum(axis=1)))
    return np.array(chosen)
