"""Adds momentum * v_prev instead of subtracting it: the old look-ahead is doubled, not undone."""


def nesterov_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    v_prev = v
    v = momentum * v - lr * dw
    return w + momentum * v_prev + (1 + momentum) * v, v
