"""Correct but runs the recurrence one sample at a time in Python: slow on a large batch."""

import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.empty((N, T, h0.shape[1]))
    for n in range(N):
        prev = h0[n]
        for t in range(T):
            prev = np.tanh(x[n, t] @ Wx + prev @ Wh + b)
            h[n, t] = prev
    return h, (x, h0, Wx, Wh, h)


def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    N, T, _ = x.shape
    dx = np.empty_like(x)
    dh0 = np.empty_like(h0)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wx.shape[1])
    for n in range(N):
        dnext = np.zeros(h0.shape[1])
        for t in reversed(range(T)):
            da = (dh[n, t] + dnext) * (1 - h[n, t] ** 2)
            prev = h[n, t - 1] if t > 0 else h0[n]
            dx[n, t] = Wx @ da
            dWx += np.outer(x[n, t], da)
            dWh += np.outer(prev, da)
            db += da
            dnext = Wh @ da
        dh0[n] = dnext
    return dx, dh0, dWx, dWh, db
