"""Writes XtX + alpha instead of XtX + alpha * I: broadcasting adds alpha to every entry, not the diagonal."""

import numpy as np


def ridge_fit(X, y, alpha):
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc = X - x_mean
    w = np.linalg.lstsq(Xc.T @ Xc + alpha, Xc.T @ (y - y_mean), rcond=None)[0]
    return w, float(y_mean - x_mean @ w)
