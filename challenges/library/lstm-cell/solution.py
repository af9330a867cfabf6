import numpy as np


def _sigmoid(a):
    """Stable logistic: exp only ever sees -|a| <= 0, so it cannot overflow."""
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + z), z / (1 + z))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """One LSTM step. Gate blocks of the 4H pre-activations, in order: i, f, o, g."""
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b  # (N, 4H): all four gates in one matmul each
    s = _sigmoid(a[:, : 3 * H])  # the three gates at once
    i, f, o = s[:, :H], s[:, H : 2 * H], s[:, 2 * H :]  # input, forget, output gates
    g = np.tanh(a[:, 3 * H :])  # candidate cell values
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Gradients of one LSTM step: (dx, dprev_h, dprev_c, dWx, dWh, db)."""
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    # next_c reaches the loss directly and through next_h = o * tanh(next_c).
    dc = dnext_c + dnext_h * o * (1 - tanh_c**2)
    do = dnext_h * tanh_c
    di, df, dg = dc * g, dc * prev_c, dc * i
    dprev_c = dc * f
    # Through the nonlinearities, written with their outputs: s' = s (1 - s), tanh' = 1 - tanh^2.
    da = np.concatenate([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g**2)], axis=1)
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db
