import numpy as np


def softmax_cross_entropy(logits, y):
    """Return (mean cross-entropy loss of softmax(logits) against labels y, d loss / d logits)."""
    pass
