"""Keeps PyTorch's buffer (b = mu * b + dw; w -= lr * (dw + mu * b)) as the state: same weights, wrong v."""


def nesterov_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    v = momentum * v + dw
    return w - lr * (dw + momentum * v), v
