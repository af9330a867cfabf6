import numpy as np


def softmax_grad_step(X, W, b, labels, lr=0.01):
    """Forward pass + backward pass + parameter update.

    The loss is the mean cross-entropy at the parameters passed in (before the
    update), computed through log-softmax so it stays exact on extreme logits.
    """
    N = X.shape[0]

    # ---- Forward pass ----
    logits = X @ W + b  # (N, C)
    shifted = logits - logits.max(axis=1, keepdims=True)  # stable: max is 0
    exp_shifted = np.exp(shifted)
    sums = exp_shifted.sum(axis=1, keepdims=True)  # (N, 1), at least 1
    probs = exp_shifted / sums  # (N, C)
    log_probs = shifted - np.log(sums)  # log-softmax: no log(0)
    loss = -log_probs[np.arange(N), labels].mean()

    # ---- Backward pass ----
    # Gradient of cross-entropy + softmax w.r.t. the logits: probs - one_hot(labels)
    dlogits = probs.copy()
    dlogits[np.arange(N), labels] -= 1.0
    dlogits /= N  # the loss is a mean over the batch
    dW = X.T @ dlogits  # (D, N) @ (N, C) -> (D, C)
    db = dlogits.sum(axis=0)  # (C,)

    # ---- Update ----
    return W - lr * dW, b - lr * db, loss
