"""Regularises the bias too: adds 0.5 * reg * b^2 to the loss and reg * b to db."""

import numpy as np


def _fit(loss_and_grad, X, y, lr, steps, reg):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        _, dw, db = loss_and_grad(w, b, X, y, reg)
        w, b = w - lr * dw, b - lr * db
    return w, float(b)


def logistic_fit(X, y, lr, steps, reg=0.0):
    return _fit(logistic_loss_and_grad, X, y, lr, steps, reg)


def logistic_loss_and_grad(w, b, X, y, reg=0.0):
    z = X @ w + b
    e = np.exp(-np.abs(z))
    r = np.where(z >= 0, 1 / (1 + e), e / (1 + e)) - y
    loss = np.mean(np.logaddexp(0, z) - y * z) + 0.5 * reg * (w @ w + b * b)
    return float(loss), X.T @ r / len(y) + reg * w, float(r.mean() + reg * b)
