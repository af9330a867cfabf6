"""Uses the mean-loss convention (1/N)||r||^2 + alpha||w||^2: effectively alpha * N."""

import numpy as np


def ridge_fit(X, y, alpha):
    N, D = X.shape
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc = X - x_mean
    w = np.linalg.lstsq(Xc.T @ Xc + N * alpha * np.eye(D), Xc.T @ (y - y_mean), rcond=None)[0]
    return w, float(y_mean - x_mean @ w)
