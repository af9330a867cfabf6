"""Sets b = mean(y), forgetting the - mean(X) @ w term: right only when the features have zero mean."""

import numpy as np


def ridge_fit(X, y, alpha):
    Xc = X - X.mean(axis=0)
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ (y - y.mean()))
    return w, float(y.mean())
