"""Correct but updates the parameters one row at a time in a Python loop: slow."""

import numpy as np


def nesterov_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    w = np.array(w, dtype=float)
    v = np.array(v, dtype=float)
    w2, v2, dw2 = w.reshape(len(w), -1), v.reshape(len(v), -1), np.reshape(dw, (len(dw), -1))
    for i in range(len(w2)):
        v_prev = v2[i].copy()
        v2[i] = momentum * v2[i] - lr * dw2[i]
        w2[i] = w2[i] - momentum * v_prev + (1 + momentum) * v2[i]
    return w, v
