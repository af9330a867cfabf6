"""Averages the gradient into the velocity with weight (1 - momentum): steps 10x smaller than specified."""


def sgd_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    v = momentum * v - (1 - momentum) * lr * dw
    return w + v, v
