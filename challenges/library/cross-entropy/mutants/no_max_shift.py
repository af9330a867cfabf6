"""Log-sum-exp without the max shift: exp overflows to inf on large logits."""

import numpy as np


def cross_entropy_loss(logits, labels):
    log_sum_exp = np.log(np.exp(logits).sum(axis=1))
    return (log_sum_exp - logits[np.arange(len(labels)), labels]).mean()
