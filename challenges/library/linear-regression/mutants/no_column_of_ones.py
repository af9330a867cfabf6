"""Forgets the bias column: fits a plane through the origin and returns b = 0."""

import numpy as np


def fit_normal_equations(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0], 0.0


def fit_gradient_descent(X, y, lr, steps):
    N, D = X.shape
    w = np.zeros(D)
    for _ in range(steps):
        w = w - lr * 2 / N * (X.T @ (X @ w - y))
    return w, 0.0
