import numpy as np


def kl_divergence(p, q):
    """KL(p || q) for each row of two (N, C) arrays of probabilities. Returns (N,)."""
    pass


def kl_from_logits(logits_p, logits_q):
    """KL(softmax(logits_p) || softmax(logits_q)) for each row, computed stably. Returns (N,)."""
    pass
