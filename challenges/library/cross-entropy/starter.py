import numpy as np


def cross_entropy_loss(logits, labels):
    """Compute cross-entropy loss from logits (not probabilities).
    Combines softmax + negative log-likelihood in a numerically stable way."""
    pass
