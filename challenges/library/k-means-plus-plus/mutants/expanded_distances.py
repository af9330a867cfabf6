"""Computes D(x)^2 as ||x||^2 - 2 x.c + ||c||^2: a seed's duplicates get a rounding residue instead of exactly 0."""

import numpy as np


def kmeans_pp_init(X, k, u):
    N = X.shape[0]
    sq = (X**2).sum(axis=1)
    chosen = [min(int(u[0] * N), N - 1)]
    D2 = np.maximum(sq - 2 * X @ X[chosen[0]] + sq[chosen[0]], 0.0)
    for j in range(1, k):
        cum = np.cumsum(D2)
        if cum[-1] > 0:
            idx = min(int(np.searchsorted(cum, u[j] * cum[-1], side="right")), N - 1)
        else:
            idx = min(int(u[j] * N), N - 1)
        chosen.append(idx)
        D2 = np.minimum(D2, np.maximum(sq - 2 * X @ X[idx] + sq[idx], 0.0))
    return np.array(chosen)
