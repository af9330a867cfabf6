"""Takes the SVD of X without subtracting the mean: the first component points at the mean, not along the spread."""

import numpy as np


def pca(X, k):
    N = X.shape[0]
    _, S, Vt = np.linalg.svd(X, full_matrices=False)
    components = Vt[:k]
    return components, S[:k] ** 2 / (N - 1), X @ components.T
