"""Smooths with log((p + eps) / (q + eps)): q = 0 under p > 0 gives a finite value instead of inf."""

import numpy as np


def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def kl_divergence(p, q, eps=1e-10):
    return (p * np.log((p + eps) / (q + eps))).sum(axis=1)


def kl_from_logits(logits_p, logits_q):
    log_p, log_q = _log_softmax(logits_p), _log_softmax(logits_q)
    return (np.exp(log_p) * (log_p - log_q)).sum(axis=1)
