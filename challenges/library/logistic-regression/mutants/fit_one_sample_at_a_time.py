"""Takes each step on one sample (cycling through them) instead of the full batch: a different trajectory."""

import numpy as np


def logistic_loss_and_grad(w, b, X, y, reg=0.0):
    z = X @ w + b
    e = np.exp(-np.abs(z))
    r = np.where(z >= 0, 1 / (1 + e), e / (1 + e)) - y
    loss = np.mean(np.logaddexp(0, z) - y * z) + 0.5 * reg * (w @ w)
    return float(loss), X.T @ r / len(y) + reg * w, float(r.mean())


def logistic_fit(X, y, lr, steps, reg=0.0):
    w, b = np.zeros(X.shape[1]), 0.0
    for step in range(steps):
        i = step % len(y)
        _, dw, db = logistic_loss_and_grad(w, b, X[i : i + 1], y[i : i + 1], reg)
        w, b = w - lr * dw, b - lr * db
    return w, float(b)
