"""Takes the first k indices of an argsort: ties are broken by position, not in the label's favour."""

import numpy as np


def top_k_accuracy(scores, labels, k):
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(np.mean((top == labels[:, None]).any(axis=1)))
