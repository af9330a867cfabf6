"""Correct but accumulates the loss and gradient one sample at a time in Python: slow."""

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
    N = X.shape[0]
    loss, dw, db = 0.0, np.zeros_like(w, dtype=float), 0.0
    for i in range(N):
        z = X[i] @ w + b
        loss += np.logaddexp(0.0, z) - y[i] * z
        p = 1 / (1 + np.exp(-z)) if z >= 0 else np.exp(z) / (1 + np.exp(z))
        dw += (p - y[i]) * X[i]
        db += p - y[i]
    return float(loss / N + 0.5 * reg * w @ w), dw / N + reg * w, float(db / N)
