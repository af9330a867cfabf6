"""Scales every feature to unit variance before the SVD: that is PCA of the correlation matrix, a different answer."""

import numpy as np


def pca(X, k):
    N = X.shape[0]
    Xc = X - X.mean(axis=0)
    Xs = Xc / Xc.std(axis=0, ddof=1)
    _, S, Vt = np.linalg.svd(Xs, full_matrices=False)
    components = Vt[:k]
    return components, S[:k] ** 2 / (N - 1), Xs @ components.T
