"""Rounds u[0] * N to the nearest index instead of taking the floor."""

import numpy as np


def kmeans_pp_init(X, k, u):
    N = X.shape[0]
    chosen = [min(int(round(u[0] * N)), N - 1)]
    D2 = ((X - X[chosen[0]]) ** 2).sum(axis=1)
    for j in range(1, k):
        cum = np.cumsum(D2)
        if cum[-1] > 0:
            idx = min(int(np.searchsorted(cum, u[j] * cum[-1], side="right")), N - 1)
        else:
            idx = min(int(u[j] * N), N - 1)
        chosen.append(idx)
        D2 = np.minimum(D2, ((X - X[idx]) ** 2).sum(axis=1))
    return np.array(chosen)
