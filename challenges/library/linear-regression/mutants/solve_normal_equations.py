"""Solves the normal equations A.T A c = A.T y: fine when well conditioned, wrong when columns are (nearly) collinear."""

import numpy as np


def fit_normal_equations(X, y):
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    coef = np.linalg.solve(A.T @ A, A.T @ y)
    return coef[:-1], float(coef[-1])


def fit_gradient_descent(X, y, lr, steps):
    N, D = X.shape
    w, b = np.zeros(D), 0.0
    for _ in range(steps):
        r = X @ w + b - y
        w, b = w - lr * 2 / N * (X.T @ r), b - lr * 2 / N * r.sum()
    return w, float(b)
