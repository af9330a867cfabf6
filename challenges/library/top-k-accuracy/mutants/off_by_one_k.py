"""Uses rank <= k instead of rank < k: this is top-(k+1) accuracy."""

import numpy as np


def top_k_accuracy(scores, labels, k):
    correct = scores[np.arange(len(labels)), labels]
    return float(np.mean((scores > correct[:, None]).sum(axis=1) <= k))
