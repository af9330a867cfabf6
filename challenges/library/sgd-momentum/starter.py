import numpy as np


def sgd_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    """One SGD-with-momentum step. Returns (w_new, v_new)."""
    pass
