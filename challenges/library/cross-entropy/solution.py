import numpy as np


def cross_entropy_loss(logits, labels):
    """Numerically stable cross-entropy using the log-softmax trick.

    Instead of -log(softmax(z)[label]), compute -z[label] + log(sum(exp(z))),
    stabilised as -z[label] + max(z) + log(sum(exp(z - max(z)))).
    """
    N = logits.shape[0]
    z_max = logits.max(axis=1, keepdims=True)  # (N, 1)
    # log(sum(exp(z - max))) + max = log(sum(exp(z))), without overflow
    log_sum_exp = np.log(np.exp(logits - z_max).sum(axis=1)) + z_max.squeeze(axis=1)  # (N,)
    correct_logits = logits[np.arange(N), labels]  # (N,) logit of the true class
    losses = -correct_logits + log_sum_exp  # (N,) = -log softmax(z)[label]
    return losses.mean()
