"""Sums the per-sample losses instead of averaging them."""

import numpy as np


def cross_entropy_loss(logits, labels):
    m = logits.max(axis=1, keepdims=True)
    log_sum_exp = np.log(np.exp(logits - m).sum(axis=1)) + m[:, 0]
    return (log_sum_exp - logits[np.arange(len(labels)), labels]).sum()
