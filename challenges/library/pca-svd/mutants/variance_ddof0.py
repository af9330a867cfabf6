"""Divides the squared singular values by N (population variance) instead of N - 1."""

import numpy as np


def pca(X, k):
    N = X.shape[0]
    Xc = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    components = Vt[:k]
    return components, S[:k] ** 2 / N, Xc @ components.T
