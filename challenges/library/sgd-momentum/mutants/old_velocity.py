"""Moves the weights by the old velocity, before adding this step's gradient: always one step late."""


def sgd_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    w = w + v
    v = momentum * v - lr * dw
    return w, v
