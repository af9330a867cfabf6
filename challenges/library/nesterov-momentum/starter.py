import numpy as np


def nesterov_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    """One Nesterov momentum step, in the form that stores the look-ahead point. Returns (w_new, v_new)."""
    pass
