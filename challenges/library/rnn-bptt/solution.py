import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    """Vanilla tanh RNN over a whole sequence: h_t = tanh(x_t Wx + h_{t-1} Wh + b)."""
    N, T, _ = x.shape
    h = np.empty((N, T, h0.shape[1]), dtype=np.result_type(x, h0, Wx))
    prev = h0
    for t in range(T):  # the recurrence is sequential in time, vectorised over the batch
        prev = np.tanh(x[:, t] @ Wx + prev @ Wh + b)
        h[:, t] = prev
    # tanh'(a) = 1 - tanh(a)^2 = 1 - h^2: the outputs are all the backward pass needs.
    cache = (x, h0, Wx, Wh, h)
    return h, cache


def rnn_backward(dh, cache):
    """Backpropagation through time. dh[:, t] is dLoss/dh_t from the loss directly
    (not through later steps); returns (dx, dh0, dWx, dWh, db)."""
    x, h0, Wx, Wh, h = cache
    T = x.shape[1]
    dx = np.empty_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wx.shape[1], dtype=h.dtype)
    dnext = np.zeros_like(h0)  # gradient arriving at h_t from step t + 1
    for t in reversed(range(T)):
        da = (dh[:, t] + dnext) * (1 - h[:, t] ** 2)  # through tanh, (N, H)
        prev = h[:, t - 1] if t > 0 else h0
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da  # shared weights: sum the contributions of every step
        dWh += prev.T @ da
        db += da.sum(axis=0)
        dnext = da @ Wh.T  # on to h_{t-1}
    return dx, dnext, dWx, dWh, db
