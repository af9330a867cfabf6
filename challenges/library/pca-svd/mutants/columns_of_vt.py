"""Takes the columns of Vt as the components: numpy's svd returns V transposed, whose ROWS are the directions."""

import numpy as np


def pca(X, k):
    N = X.shape[0]
    Xc = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    components = Vt[:, :k].T
    return components, S[:k] ** 2 / (N - 1), Xc @ components.T
