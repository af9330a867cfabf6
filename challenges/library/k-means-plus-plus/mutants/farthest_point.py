"""Greedy farthest-point seeding: takes the argmax of D(x)^2 and ignores the draws after the first."""

import numpy as np


def kmeans_pp_init(X, k, u):
    N = X.shape[0]
    chosen = [min(int(u[0] * N), N - 1)]
    D2 = ((X - X[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        idx = int(np.argmax(D2))
        chosen.append(idx)
        D2 = np.minimum(D2, ((X - X[idx]) ** 2).sum(axis=1))
    return np.array(chosen)
