"""Takes log(softmax(Z)): a probability that underflows to 0 gives log(0) = -inf instead of e.g. -1000."""

import numpy as np


def log_softmax(Z):
    e = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return np.log(e / e.sum(axis=-1, keepdims=True))


def log_softmax_backward(dout, out):
    return dout - np.exp(out) * np.sum(dout, axis=-1, keepdims=True)
