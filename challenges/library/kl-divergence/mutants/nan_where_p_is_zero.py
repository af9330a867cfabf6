"""Computes p * log(p / q) without masking p = 0: 0 * log(0) gives NaN instead of 0."""

import numpy as np


def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def kl_divergence(p, q):
    return (p * np.log(p / q)).sum(axis=1)


def kl_from_logits(logits_p, logits_q):
    log_p, log_q = _log_softmax(logits_p), _log_softmax(logits_q)
    return (np.exp(log_p) * (log_p - log_q)).sum(axis=1)
