"""Sums the gradient over samples instead of averaging: the step grows with N and diverges on big batches."""

import numpy as np


def fit_normal_equations(X, y):
    coef = np.linalg.lstsq(np.hstack([X, np.ones((X.shape[0], 1))]), y, rcond=None)[0]
    return coef[:-1], float(coef[-1])


def fit_gradient_descent(X, y, lr, steps):
    N, D = X.shape
    w, b = np.zeros(D), 0.0
    for _ in range(steps):
        r = X @ w + b - y
        w, b = w - lr * 2 * (X.T @ r), b - lr * 2 * r.sum()
    return w, float(b)
