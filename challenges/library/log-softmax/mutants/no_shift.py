"""No max shift: exp overflows to inf for logits past 709, and Z - inf gives -inf everywhere."""

import numpy as np


def log_softmax(Z):
    return Z - np.log(np.sum(np.exp(Z), axis=-1, keepdims=True))


def log_softmax_backward(dout, out):
    return dout - np.exp(out) * np.sum(dout, axis=-1, keepdims=True)
