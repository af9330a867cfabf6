"""Adds 1e-12 inside the log: finite, but each sample's loss is capped near 27.6."""

import numpy as np


def cross_entropy_loss(logits, labels):
    exp_z = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = exp_z / exp_z.sum(axis=1, keepdims=True)
    return -np.log(probs[np.arange(len(labels)), labels] + 1e-12).mean()
