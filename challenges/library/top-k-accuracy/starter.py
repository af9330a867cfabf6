import numpy as np


def top_k_accuracy(scores, labels, k):
    """Fraction of rows whose label is among the k highest scores (ties count for the label)."""
    pass
