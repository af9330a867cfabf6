import numpy as np


def kl_divergence(p, q):
    """KL(p || q) for each row of two (N, C) arrays of probabilities. Returns (N,)."""
    # log(0) warnings are expected: the masked entries are replaced below.
    with np.errstate(divide="ignore", invalid="ignore"):
        # p > 0, q = 0 gives p * (log p + inf) = +inf: q cannot explain an outcome p sees.
        terms = p * (np.log(p) - np.log(q))
    # Convention 0 * log(0 / q) = 0, for any q (also q = 0): outcomes p never sees cost nothing.
    terms = np.where(p > 0, terms, 0.0)
    return terms.sum(axis=1)


def _log_softmax(z):
    # log softmax(z) = z - logsumexp(z); shifting by the row max keeps exp <= 1.
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def kl_from_logits(logits_p, logits_q):
    """KL(softmax(logits_p) || softmax(logits_q)) for each row, computed stably. Returns (N,)."""
    log_p = _log_softmax(logits_p)
    log_q = _log_softmax(logits_q)  # finite even where softmax(logits_q) underflows to 0
    # exp(log_p) may underflow to 0, but then it multiplies a finite difference: no NaN.
    return (np.exp(log_p) * (log_p - log_q)).sum(axis=1)
