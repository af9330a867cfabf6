"""Correct but updates the parameters one row at a time in a Python loop: slow."""

import numpy as np


def adam(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    w, m, v = (np.array(a, dtype=float) for a in (w, m, v))
    w2, m2, v2 = (a.reshape(len(a), -1) for a in (w, m, v))
    dw2 = np.reshape(dw, (len(dw), -1))
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    for i in range(len(w2)):
        m2[i] = beta1 * m2[i] + (1 - beta1) * dw2[i]
        v2[i] = beta2 * v2[i] + (1 - beta2) * dw2[i] ** 2
        w2[i] = w2[i] - lr * (m2[i] / c1) / (np.sqrt(v2[i] / c2) + eps)
    return w, m, v
