"""Uses 0.5 * (1 + tanh(x / 2)): no overflow, but 1 + tanh cancels for very negative x."""

import numpy as np


def sigmoid(x):
    return 0.5 * (1 + np.tanh(x / 2))
