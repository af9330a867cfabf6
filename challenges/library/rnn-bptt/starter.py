import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    """Run a tanh RNN over x (N, T, D) from h0 (N, H). Returns (h (N, T, H), cache)."""
    pass


def rnn_backward(dh, cache):
    """Backpropagate dh (N, T, H) through time. Returns (dx, dh0, dWx, dWh, db)."""
    pass
