# The seed's correct solution, verbatim (shared/seeds/000_b64373ae018efb2c.txt).
import numpy as np


def cross_entropy_loss(logits, labels):
    """Numerically stable cross-entropy using log-softmax trick."""
    N = logits.shape[0]
    # Numerically stable log-softmax
    z_max = logits.max(axis=1, keepdims=True)  # (N, 1)
    # log(sum(exp(z - max))) + max = log(sum(exp(z))) (stable)
    log_sum_exp = np.log(np.exp(logits - z_max).sum(axis=1)) + z_max.squeeze()
    # Extract logit of correct class using fancy indexing
    correct_logits = logits[np.arange(N), labels]  # (N,)
    # Cross-entropy: -log(softmax(z)[label]) = -z[label] + log_sum_exp
    losses = -correct_logits + log_sum_exp  # (N,)
    return losses.mean()  # scalar: average over batch
