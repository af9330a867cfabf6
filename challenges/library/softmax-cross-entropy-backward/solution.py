import numpy as np


def softmax_cross_entropy(logits, y):
    """Mean softmax cross-entropy and its gradient. Returns (loss, dlogits)."""
    N = logits.shape[0]
    rows = np.arange(N)
    # Shift each row so its max is 0: exp never overflows, and the row's sum is >= 1,
    # so its log is finite (the log-sum-exp trick).
    shifted = logits - logits.max(axis=1, keepdims=True)  # (N, C)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, C), log-softmax
    # The loss from log-probabilities, never log(probabilities): a probability
    # that underflows to 0 would give log(0) = -inf, its log-probability is finite.
    loss = -log_probs[rows, y].mean()
    # d loss / d logits = (softmax - one_hot(y)) / N: the 1/N comes from the mean.
    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1.0
    dlogits /= N
    return float(loss), dlogits
