"""Correct but computes the step one sample at a time in a Python loop: slow on a large batch."""

import math

import numpy as np


def _sigmoid(v):
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h.shape
    next_h, next_c = np.empty((N, H)), np.empty((N, H))
    gates = np.empty((N, 4 * H))
    for n in range(N):
        a = x[n] @ Wx + prev_h[n] @ Wh + b
        i = np.array([_sigmoid(v) for v in a[:H]])
        f = np.array([_sigmoid(v) for v in a[H : 2 * H]])
        o = np.array([_sigmoid(v) for v in a[2 * H : 3 * H]])
        g = np.tanh(a[3 * H :])
        next_c[n] = f * prev_c[n] + i * g
        next_h[n] = o * np.tanh(next_c[n])
        gates[n] = np.concatenate([i, f, o, g])
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, gates, next_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, gates, next_c = cache
    N, H = prev_h.shape
    dx, dprev_h, dprev_c = np.empty_like(x), np.empty_like(prev_h), np.empty_like(prev_c)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H)
    for n in range(N):
        i, f, o, g = gates[n, :H], gates[n, H : 2 * H], gates[n, 2 * H : 3 * H], gates[n, 3 * H :]
        tc = np.tanh(next_c[n])
        dc = dnext_c[n] + dnext_h[n] * o * (1 - tc**2)
        da = np.concatenate([dc * g * i * (1 - i), dc * prev_c[n] * f * (1 - f),
                             dnext_h[n] * tc * o * (1 - o), dc * i * (1 - g**2)])  # fmt: skip
        dprev_c[n] = dc * f
        dx[n] = Wx @ da
        dprev_h[n] = Wh @ da
        dWx += np.outer(x[n], da)
        dWh += np.outer(prev_h[n], da)
        db += da
    return dx, dprev_h, dprev_c, dWx, dWh, db
