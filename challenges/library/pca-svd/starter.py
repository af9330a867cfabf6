import numpy as np


def pca(X, k):
    """PCA of X (N, D) via the SVD. Returns (components, explained_variance, projected)."""
    pass
