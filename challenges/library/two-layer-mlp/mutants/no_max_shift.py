"""Exponentiates the raw scores without subtracting the row max: large scores overflow to inf and NaN."""

import numpy as np


def two_layer_mlp(X, y, params, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0.0)
    scores = h @ W2 + b2
    exp = np.exp(scores)
    probs = exp / exp.sum(axis=1, keepdims=True)
    rows = np.arange(N)
    loss = -np.log(probs[rows, y]).mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = probs.copy()
    dscores[rows, y] -= 1.0
    dscores /= N
    dW2 = h.T @ dscores + reg * W2
    db2 = dscores.sum(axis=0)
    dz1 = (dscores @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return float(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
