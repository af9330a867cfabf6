"""Correct but updates each point's distance in a Python loop: slow."""

import math

import numpy as np


def kmeans_pp_init(X, k, u):
    N = X.shape[0]
    chosen = [min(int(math.floor(u[0] * N)), N - 1)]
    D2 = np.full(N, np.inf)
    for j in range(k):
        if j > 0:
            cum = np.cumsum(D2)
            if cum[-1] > 0:
                idx = min(int(np.searchsorted(cum, u[j] * cum[-1], side="right")), N - 1)
            else:
                idx = min(int(math.floor(u[j] * N)), N - 1)
            chosen.append(idx)
        c = X[chosen[-1]]
        for i in range(N):
            d = float(((X[i] - c) ** 2).sum())
            if d < D2[i]:
                D2[i] = d
    return np.array(chosen)
