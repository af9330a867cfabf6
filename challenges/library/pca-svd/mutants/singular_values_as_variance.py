"""Returns the singular values themselves as the explained variance, not S**2 / (N - 1)."""

import numpy as np


def pca(X, k):
    Xc = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    components = Vt[:k]
    return components, S[:k], Xc @ components.T
