import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """One LSTM step, gates in the order i, f, o, g. Returns (next_h, next_c, cache)."""
    pass


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward of one LSTM step. Returns (dx, dprev_h, dprev_c, dWx, dWh, db)."""
    pass
