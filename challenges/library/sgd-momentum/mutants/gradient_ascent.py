"""Adds lr * dw to the velocity instead of subtracting it: climbs the loss (gradient ascent)."""


def sgd_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    v = momentum * v + lr * dw
    return w + v, v
