import numpy as np


def bce_with_logits(logits, targets):
    """Mean binary cross-entropy of sigmoid(logits) against targets. Returns (loss, dlogits)."""
    x, y = logits, targets
    n = x.size  # the mean is over every element
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows, whatever the sign of x
    # -y log s(x) - (1 - y) log(1 - s(x)), rewritten so no log sees a 0:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
    loss = np.maximum(x, 0) - x * y + np.log1p(e)
    # Stable sigmoid from the same e: 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0.
    sig = np.where(x >= 0, 1.0, e) / (1.0 + e)
    # d loss / d x = sigmoid(x) - y, averaged.
    return float(loss.mean()), (sig - y) / n
