import numpy as np


def pca(X, k):
    """Principal component analysis via the SVD of the centred data.

    Returns (components (k, D), explained_variance (k,), projected (N, k)).
    """
    N = X.shape[0]
    Xc = X - X.mean(axis=0)  # PCA describes variance around the mean
    # Thin SVD: U is (N, r), not (N, N), so a tall data set stays cheap.
    _, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    components = Vt[:k]  # rows of Vt: directions of decreasing variance
    # Sign convention: the entry of largest magnitude of each component is positive.
    biggest = components[np.arange(k), np.abs(components).argmax(axis=1)]
    components = components * np.where(biggest < 0, -1.0, 1.0)[:, None]
    explained_variance = S[:k] ** 2 / (N - 1)  # sample variance (ddof=1) along each component
    projected = Xc @ components.T  # coordinates of each centred sample
    return components, explained_variance, projected
