"""Moves the weights correctly but returns the old velocity as the state: momentum never builds up."""


def nesterov_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    v_new = momentum * v - lr * dw
    return w - momentum * v + (1 + momentum) * v_new, v
