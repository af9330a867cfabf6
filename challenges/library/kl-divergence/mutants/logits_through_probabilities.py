"""From logits via softmax probabilities: q underflows to 0 for large logits and the KL becomes inf."""

import numpy as np


def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def kl_divergence(p, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = p * (np.log(p) - np.log(q))
    return np.where(p > 0, terms, 0.0).sum(axis=1)


def kl_from_logits(logits_p, logits_q):
    # Stable softmax, but then the logs of probabilities that may be exactly 0.
    p, q = np.exp(_log_softmax(logits_p)), np.exp(_log_softmax(logits_q))
    return kl_divergence(p, q)
