"""Centres X and y, then b = mean(y) - mean(X) @ w: not the minimum-norm (w, b) when the system is underdetermined."""

import numpy as np


def fit_normal_equations(X, y):
    x_mean, y_mean = X.mean(axis=0), y.mean()
    w = np.linalg.lstsq(X - x_mean, y - y_mean, rcond=None)[0]
    return w, float(y_mean - x_mean @ w)


def fit_gradient_descent(X, y, lr, steps):
    N, D = X.shape
    w, b = np.zeros(D), 0.0
    for _ in range(steps):
        r = X @ w + b - y
        w, b = w - lr * 2 / N * (X.T @ r), b - lr * 2 / N * r.sum()
    return w, float(b)
