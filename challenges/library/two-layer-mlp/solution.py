import numpy as np


def two_layer_mlp(X, y, params, reg=0.0):
    """Loss and gradients of affine - ReLU - affine - softmax cross-entropy.

    loss = mean cross-entropy + 0.5 * reg * (sum(W1**2) + sum(W2**2)).
    Returns (loss, grads) with grads a dict keyed like params.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]

    # Forward
    z1 = X @ W1 + b1  # (N, H)
    h = np.maximum(z1, 0.0)
    scores = h @ W2 + b2  # (N, C)
    shifted = scores - scores.max(axis=1, keepdims=True)  # no overflow in exp
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(N)
    data_loss = -log_probs[rows, y].mean()
    loss = data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    # Backward: softmax cross-entropy gives (p - one_hot) / N on the scores
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    dscores /= N
    dW2 = h.T @ dscores + reg * W2  # the 0.5 cancels the 2 of the square
    db2 = dscores.sum(axis=0)  # biases are not regularised
    dh = dscores @ W2.T
    dz1 = dh * (z1 > 0)  # ReLU passes the gradient only where it was active (0 at 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return float(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
