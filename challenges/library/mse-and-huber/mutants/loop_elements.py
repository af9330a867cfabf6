"""Correct but loops over the elements in Python, one branch per residual: slow."""

import numpy as np


def mse_loss(pred, target):
    flat_p, flat_t = pred.ravel(), target.ravel()
    n = flat_p.size
    grad = np.empty(n)
    total = 0.0
    for i in range(n):
        r = float(flat_p[i] - flat_t[i])
        total += r * r
        grad[i] = 2.0 * r / n
    return total / n, grad.reshape(pred.shape)


def huber_loss(pred, target, delta=1.0):
    flat_p, flat_t = pred.ravel(), target.ravel()
    n = flat_p.size
    grad = np.empty(n)
    total = 0.0
    for i in range(n):
        r = float(flat_p[i] - flat_t[i])
        if abs(r) <= delta:
            total += 0.5 * r * r
            grad[i] = r / n
        else:
            total += delta * (abs(r) - 0.5 * delta)
            grad[i] = (delta if r > 0 else -delta) / n
    return total / n, grad.reshape(pred.shape)
