"""Takes log(sigmoid(z)) and log(1 - sigmoid(z)) literally: log(0) gives inf or NaN at large margins."""

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
    p = 1.0 / (1.0 + np.exp(-z))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + 0.5 * reg * w @ w
    return float(loss), X.T @ (p - y) / len(y) + reg * w, float(np.mean(p - y))
