"""Correct but accumulates the gradient one sample at a time in Python: slow."""

import numpy as np


def softmax_grad_step(X, W, b, labels, lr=0.01):
    N = X.shape[0]
    dW, db, loss = np.zeros_like(W), np.zeros_like(b), 0.0
    for x, y in zip(X, labels, strict=True):
        z = x @ W + b
        z = z - z.max()
        s = np.exp(z).sum()
        loss -= z[y] - np.log(s)
        g = np.exp(z) / s
        g[y] -= 1.0
        dW += np.outer(x, g)
        db += g
    return W - lr * dW / N, b - lr * db / N, loss / N
