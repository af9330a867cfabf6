"""Swaps the old and new velocities in the weight update: -mu * v_new + (1 + mu) * v_prev."""


def nesterov_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    v_prev = v
    v = momentum * v - lr * dw
    return w - momentum * v + (1 + momentum) * v_prev, v
