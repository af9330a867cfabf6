"""Hard-codes axis=1: right for a 2-D batch, an AxisError for 1-D and the wrong axis for 3-D."""

import numpy as np


def log_softmax(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def log_softmax_backward(dout, out):
    return dout - np.exp(out) * np.sum(dout, axis=-1, keepdims=True)
