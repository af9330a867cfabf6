"""Weights points by their distance to the most recent seed only, not to the nearest of all seeds."""

import numpy as np


def kmeans_pp_init(X, k, u):
    N = X.shape[0]
    chosen = [min(int(u[0] * N), N - 1)]
    for j in range(1, k):
        D2 = ((X - X[chosen[-1]]) ** 2).sum(axis=1)
        cum = np.cumsum(D2)
        if cum[-1] > 0:
            idx = min(int(np.searchsorted(cum, u[j] * cum[-1], side="right")), N - 1)
        else:
            idx = min(int(u[j] * N), N - 1)
        chosen.append(idx)
    return np.array(chosen)
