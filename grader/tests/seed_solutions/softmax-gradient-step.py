# The seed's correct solution, verbatim (shared/seeds/000_b64373ae018efb2c.txt).
import numpy as np


def softmax_grad_step(X, W, b, labels, lr=0.01):
    """Forward pass + backward pass + parameter update."""
    N = X.shape[0]
    # ---- Forward pass ----
    logits = X @ W + b  # (N, C)
    # Stable softmax
    logits_shifted = logits - logits.max(axis=1, keepdims=True)
    exp_logits = np.exp(logits_shifted)
    probs = exp_logits / exp_logits.sum(axis=1, keepdims=True)  # (N, C)
    # Cross-entropy loss
    correct_probs = probs[np.arange(N), labels]
    loss = -np.log(correct_probs + 1e-12).mean()
    # ---- Backward pass ----
    # Gradient of cross-entropy + softmax: probs - one_hot(labels)
    dlogits = probs.copy()  # (N, C)
    dlogits[np.arange(N), labels] -= 1.0  # subtract 1 at correct class
    dlogits /= N  # average over batch
    # Gradients for W and b
    # logits = X @ W + b
    dW = X.T @ dlogits  # (D, N) @ (N, C) -> (D, C)
    db = dlogits.sum(axis=0)  # (C,)
    # ---- Update ----
    W_new = W - lr * dW
    b_new = b - lr * db
    return W_new, b_new, loss
